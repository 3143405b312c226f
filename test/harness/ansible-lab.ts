// Playbooks for one lab host, written to a temp folder, and ansible-playbook
// run on them against the lab inventory: for the tests that compare what rb
// and Ansible leave on the same host.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LAB_INVENTORY } from './lab.js';

/** A temp folder, and `play(tasks)` writing each call's tasks there as a new one-play playbook for `host` (no facts gathered). */
export function tempPlays(host: string, prefix: string): { dir: string; play: (tasks: object[]) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  const play = (tasks: object[]) => {
    const file = join(dir, `play${++n}.yml`);
    writeFileSync(file, `${JSON.stringify([{ hosts: host, gather_facts: false, tasks }], null, 2)}\n`);
    return file;
  };
  return { dir, play };
}

/** ansible-playbook on `file` against the lab inventory; its stdout (a failing play rejects). */
export async function ansiblePlaybook(file: string): Promise<string> {
  const { stdout } = await promisify(execFile)('ansible-playbook', ['-i', LAB_INVENTORY, file], {
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' },
    timeout: 120_000,
  });
  return stdout;
}
