// gather_facts on this machine (ansible_connection: local, a real sh): the facts
// ride in the host's first exec, tasks read them as ansible_* and
// ansible_facts[...], hostvars shows them, gather_facts: false and ansible.cfg
// `gathering = explicit` leave them undefined, and setup re-reads a subset.

import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybooks } from '../../core/engine/run.js';
import type { RunOptions, RunSummary } from '../../core/engine/types.js';
import { modules } from '../../modules/index.js';
import { silent, valueModule } from '../helpers/value-module.js';

const value = valueModule;

describe('gather_facts', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);
  before(() => modules.loadAll());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-gather-'));
    await writeFile(f('inventory.yml'), 'all:\n  hosts:\n    h1: { ansible_connection: local }\n    h2: { ansible_connection: local }\n');
    await writeFile(f('a'), 'a');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function run(play: string, options: Partial<RunOptions> = {}): Promise<RunSummary> {
    await writeFile(f('play.yml'), play);
    const registry = new Map([...(await modules.loadAll()), ['value', value]]);
    return runPlaybooks({
      playbooks: [f('play.yml')],
      inventories: [f('inventory.yml')],
      registry,
      reporter: silent,
      options: { check: false, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 5, rollback: false, verbose: 0, ...options },
    });
  }
  const msgs = (s: RunSummary, host = 'h1') => s.results.filter((r) => r.host === host && r.task.module === 'debug').map((r) => r.data.msg ?? r.msg);

  it('a no-op run stays at one exec per host: the facts ride in it, and later tasks read them', async () => {
    const s = await run(`- hosts: all\n  tasks:\n    - value: { path: ${f('a')}, want: a }\n    - debug: { msg: "{{ ansible_hostname }} {{ ansible_facts['os_family'] }} {{ ansible_facts.distribution }}" }\n`);
    expect(s.results.map((r) => r.status)).to.deep.equal(['ok', 'ok', 'ok', 'ok']);
    expect(s.transport!.h1.execs).to.equal(1);
    expect(msgs(s)).to.deep.equal([`${hostname().split('.')[0]} Debian Debian`]);
  });

  it('a first task that reads a fact gathers before it renders (one exec more)', async () => {
    const s = await run(`- hosts: all\n  tasks:\n    - value: { path: ${f('a')}, want: "{{ 'a' if ansible_os_family == 'Debian' else 'x' }}" }\n`);
    expect(s.results.map((r) => r.status)).to.deep.equal(['ok', 'ok']);
    expect(s.transport!.h1.execs).to.equal(2);
  });

  it('hostvars shows the facts of the other hosts of the play', async () => {
    const s = await run(`- hosts: all\n  tasks:\n    - debug: { msg: "{{ hostvars['h2'].ansible_default_ipv4.keys() | list | length >= 0 }} {{ hostvars['h2']['ansible_facts']['kernel'] == ansible_kernel }}" }\n`);
    expect(msgs(s)).to.deep.equal(['True True']);
  });

  it('gather_facts: false, and gathering = explicit without gather_facts, leave the facts undefined', async () => {
    const play = (g: string) => `- hosts: h1\n${g}  tasks:\n    - debug: { msg: "{{ ansible_hostname | default('none') }} {{ ansible_facts | length }}" }\n`;
    expect(msgs(await run(play('  gather_facts: false\n')))).to.deep.equal(['none 0']);
    expect(msgs(await run(play(''), { gathering: 'explicit' }))).to.deep.equal(['none 0']);
    expect(msgs(await run(play('  gather_facts: true\n'), { gathering: 'explicit' }))[0]).to.not.match(/^none/);
  });

  it('setup with gather_subset and filter; delegate_facts gives them to the delegated host', async () => {
    const s = await run(
      `- hosts: h1\n  gather_facts: false\n  tasks:\n    - setup: { gather_subset: ['!all', '!min', network], filter: 'ansible_lo' }\n` +
        `    - debug: { msg: "{{ ansible_lo.device }} {{ ansible_facts.keys() | list }} {{ ansible_hostname | default('none') }}" }\n` +
        `    - setup: { gather_subset: min, filter: [ansible_distribution] }\n      delegate_to: h2\n      delegate_facts: true\n` +
        `    - debug: { msg: "{{ hostvars['h2'].ansible_distribution }} {{ ansible_distribution | default('none') }}" }\n`,
    );
    expect(msgs(s)).to.deep.equal(["lo ['lo'] none", 'Debian none']);
  });

  it('a play with gather_subset gathers that subset only', async () => {
    const s = await run(`- hosts: h1\n  gather_subset: ['!all', '!min', network]\n  tasks:\n    - debug: { msg: "{{ ansible_lo.device }} {{ ansible_os_family | default('none') }}" }\n`);
    expect(msgs(s)).to.deep.equal(['lo none']);
  });
});
