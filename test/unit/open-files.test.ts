// One connection per host: a run makes sure the process may open that many
// files before it connects, raising its soft limit up to the hard one, or
// refusing with the figures and the fix (nothing contacted).

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOpenFilesLimit } from '../../core/engine/open-files.js';

const MAIN = fileURLToPath(new URL('../../core/cli/main.ts', import.meta.url));

describe('open files for one connection per host', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-nofile-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('reads the limits as the kernel prints them', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax open files            1024                 524288               files     \n';
    expect(parseOpenFilesLimit(text)).to.deep.equal({ soft: 1024, hard: 524288 });
    expect(parseOpenFilesLimit('Max open files            unlimited            unlimited            files\n')).to.deep.equal({ soft: Infinity, hard: Infinity });
    expect(parseOpenFilesLimit('')).to.equal(undefined);
  });

  const rb = (nofile: string, ...argv: string[]) => {
    const r = spawnSync('prlimit', [`--nofile=${nofile}`, process.execPath, '--import', 'tsx', '--conditions', 'rb-source', MAIN, ...argv], {
      encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', RB_JOURNAL_DIR: join(dir, 'journal') },
    });
    return { code: r.status, out: r.stdout, err: r.stderr, all: `\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}` };
  };

  it('refuses, before any connection, more hosts than the hard limit allows, naming the fix', async () => {
    // 300 hosts at addresses nothing answers on: a connection attempt would show as unreachable.
    const hosts = Array.from({ length: 300 }, (_, i) => `    h${i}: { ansible_host: 192.0.2.${(i % 250) + 1}, ansible_port: ${2000 + i} }`).join('\n');
    await writeFile(join(dir, 'inv.yml'), `all:\n  hosts:\n${hosts}\n`);
    await writeFile(join(dir, 'play.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n');
    const r = rb('200:200', 'run', join(dir, 'play.yml'), '-i', join(dir, 'inv.yml'), '--output', 'plain');
    expect(r.code, r.all).to.equal(1);
    expect(r.err).to.contain('300 hosts need about 364 open files, and this process may open 200 (hard limit 200)');
    expect(r.err).to.match(/ulimit -n \d+.*--shard K\/N/);
    expect(r.out + r.err).to.not.match(/unreachable|TASK/);
  });

  it('raises its soft limit up to the hard one when the hosts need it, and the run goes on', async () => {
    const hosts = Array.from({ length: 250 }, (_, i) => `    l${i}: { ansible_connection: local }`).join('\n');
    await writeFile(join(dir, 'local.yml'), `all:\n  hosts:\n${hosts}\n`);
    // The local hosts' shells inherit the process's limit: one of them reports it.
    await writeFile(join(dir, 'ulimit.yml'), '- hosts: l0\n  gather_facts: false\n  tasks:\n    - shell: ulimit -n\n      register: u\n      changed_when: false\n    - debug: { msg: "soft limit {{ u.stdout }}" }\n- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: "x" }\n');
    const hard = parseOpenFilesLimit(await readFile('/proc/self/limits', 'utf8'))!.hard;
    expect(hard, 'this machine lets a process open enough files').to.be.at.least(400);
    const r = rb(`200:${Number.isFinite(hard) ? hard : 'unlimited'}`, 'run', join(dir, 'ulimit.yml'), '-i', join(dir, 'local.yml'), '--output', 'plain', '-l', 'all');
    expect(r.code, r.all).to.equal(0);
    const m = /soft limit (\d+)/.exec(r.out);
    expect(m, r.all).to.not.equal(null);
    expect(Number(m![1])).to.be.at.least(314);
  });
});
