// Facts gathered ahead: runs on this machine (ansible_connection: local, a real
// sh) with a small module whose facts are one `cat`. Counts the remote execs
// and proves a change is never planned from facts an earlier apply made stale.

import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybooks } from '../../core/engine/run.js';
import type { RunSummary } from '../../core/engine/types.js';
import { defineModule, runFactsQuery, type ModuleRegistry } from '../../core/module.js';
import { sh } from '../../core/transport/shell.js';
import { silent, valueModule, valueQuery, type ValueParams } from '../helpers/value-module.js';

const value = valueModule;
const query = valueQuery;

/** `value`, whose apply then also puts `then` into another file (with put, not an exec). */
const valuePut = defineModule<ValueParams & { then: string }, { value: string | null }>({
  name: 'value_put',
  summary: 'value, and a put after its exec (test module)',
  params: { ...value.params, then: { type: 'string', required: true } },
  supports: value.supports,
  factsQuery: (_ctx, p) => query(p),
  facts: (ctx, p) => runFactsQuery(ctx, query(p)),
  plan: (p, f) => value.plan!(p, f, { host: '', vars: {}, taskName: '' }),
  async apply(ctx, p) {
    await ctx.run(sh`printf %s ${p.want} > ${p.path}`);
    await ctx.put(p.then, 'then');
  },
});

const registry: ModuleRegistry = new Map([
  ['value', value],
  ['value_put', valuePut],
]);

describe('facts gathered ahead', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-prefetch-'));
    await writeFile(f('inventory.yml'), 'all:\n  hosts:\n    h1: { ansible_connection: local }\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function run(tasks: string, check = false): Promise<RunSummary> {
    await writeFile(f('play.yml'), `- hosts: all\n  vars: { d: ${JSON.stringify(dir)} }\n  tasks:\n${tasks}`);
    return runPlaybooks({
      playbooks: [f('play.yml')],
      inventories: [f('inventory.yml')],
      registry,
      reporter: silent,
      options: { check, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 5, rollback: false, verbose: 0 },
    });
  }
  const statuses = (s: RunSummary) => s.results.map((r) => r.status);
  const task = (name: string, file: string, want: string, extra = '') =>
    `    - name: ${name}\n      value: { path: "{{ d }}/${file}", want: "${want}" }\n${extra}`;

  it('checks three converged tasks in one exec, and a no-op run likewise', async () => {
    for (const n of ['a', 'b', 'c']) await writeFile(f(n), n);
    const tasks = task('a', 'a', 'a') + task('b', 'b', 'b') + task('c', 'c', 'c');
    const check = await run(tasks, true);
    expect(statuses(check)).to.deep.equal(['ok', 'ok', 'ok']);
    expect(check.transport!.h1.execs).to.equal(1);
    const noop = await run(tasks);
    expect(statuses(noop)).to.deep.equal(['ok', 'ok', 'ok']);
    expect(noop.transport!.h1.execs).to.equal(1);
  });

  it('plans a change only on facts gathered after the last apply', async () => {
    await writeFile(f('a'), 'old');
    for (const n of ['b', 'c']) await writeFile(f(n), n);
    // The last task wants the value the first one replaces: facts gathered ahead
    // before the first apply would call it converged.
    const s = await run(task('set new', 'a', 'new') + task('b', 'b', 'b') + task('c', 'c', 'c') + task('put old back', 'a', 'old'));
    expect(statuses(s)).to.deep.equal(['changed', 'ok', 'ok', 'changed']);
    expect(await readFile(f('a'), 'utf8')).to.equal('old');
    // 1: all four gathered; the apply carries 2's facts. 3: its facts from 1 are
    // stale, 3 and 4 gathered again. 4: those say "change": fresh facts, apply.
    expect(s.transport!.h1.execs).to.equal(5);
  });

  it("carries the next task's facts on each apply: converging costs one exec per changed task, plus one", async () => {
    const s = await run(task('a', 'a', 'a') + task('b', 'b', 'b') + task('c', 'c', 'c'));
    expect(statuses(s)).to.deep.equal(['changed', 'changed', 'changed']);
    expect(s.transport!.h1.execs).to.equal(4);
  });

  it('carries facts that see the apply before them', async () => {
    await writeFile(f('a'), 'old');
    const s = await run(task('set new', 'a', 'new') + task('put old back', 'a', 'old'));
    expect(statuses(s)).to.deep.equal(['changed', 'changed']);
    expect(await readFile(f('a'), 'utf8')).to.equal('old');
    expect(s.transport!.h1.execs).to.equal(3);
  });

  it("carries the facts of the first handler the host notified on the last task's apply", async () => {
    const handlers = `  handlers:\n    - name: other\n      value: { path: "{{ d }}/o", want: "o" }\n    - name: h\n      value: { path: "{{ d }}/h", want: "h" }\n`;
    const s = await run(task('a', 'a', 'a', '      notify: h\n') + handlers);
    expect(statuses(s)).to.deep.equal(['changed', 'changed']);
    expect(await readFile(f('h'), 'utf8')).to.equal('h');
    // a gathered; a's apply carries h's facts; h's apply.
    expect(s.transport!.h1.execs).to.equal(3);
  });

  it('drops carried facts when the apply touched the host after the exec carrying them', async () => {
    // value_put also puts `then` into the file the next task reads, after its exec.
    await writeFile(f('b'), 'before');
    const s = await run(`    - value_put: { path: "{{ d }}/a", want: a, then: "{{ d }}/b" }\n` + task('b', 'b', 'then'));
    expect(statuses(s)).to.deep.equal(['changed', 'ok']);
  });

  it('stops gathering ahead at a registered result later tasks may read', async () => {
    for (const n of ['a', 'b', 'c']) await writeFile(f(n), n);
    const s = await run(task('a', 'a', 'a', '      register: ra\n') + task('b', 'b', '{{ \'b\' if not ra.changed else \'x\' }}') + task('c', 'c', 'c'), true);
    expect(statuses(s)).to.deep.equal(['ok', 'ok', 'ok']);
    expect(s.transport!.h1.execs).to.equal(2);
  });

  it('skips a task whose condition is false without ending the batch', async () => {
    for (const n of ['a', 'c']) await writeFile(f(n), n);
    const s = await run(task('a', 'a', 'a') + task('b', 'b', 'b', '      when: false\n') + task('c', 'c', 'c'), true);
    expect(statuses(s)).to.deep.equal(['ok', 'skipped', 'ok']);
    expect(s.transport!.h1.execs).to.equal(1);
  });

  it('lets a later task report its own unreadable facts, located', async () => {
    await writeFile(f('a'), 'a');
    await writeFile(f('b'), '@unreadable');
    const s = await run(task('a', 'a', 'a') + task('b', 'b', 'b'), true);
    expect(statuses(s)).to.deep.equal(['ok', 'failed']);
    expect(s.results[1].msg).to.match(/b: unreadable \(.*play\.yml:\d+:\d+\)/);
  });
});
