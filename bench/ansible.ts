// Ansible for the comparison: Debian's packages, installed with apt when
// missing (ansible-core, and the `ansible` collections for ansible.posix.sysctl).

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian's `ansible` package puts the ansible.posix collection. */
const POSIX_COLLECTION = '/usr/lib/python3/dist-packages/ansible_collections/ansible/posix';

async function onPath(cmd: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

/** Install Debian's ansible-core (+ collections) when missing; returns the version line. */
export async function ensureAnsible(log: (s: string) => void): Promise<string> {
  if (!(await onPath('ansible-playbook')) || !existsSync(POSIX_COLLECTION)) {
    log('ansible-playbook or the ansible.posix collection is missing: apt-get install -y ansible-core ansible');
    await run('apt-get', ['update'], { maxBuffer: 64 << 20 });
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'ansible-core', 'ansible'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 << 20,
    });
  }
  const { stdout } = await run('ansible-playbook', ['--version']);
  return stdout.split('\n')[0].trim();
}

/**
 * End the ssh master connections a run left behind (ControlPersist): the next
 * run must start cold, and rebuilt hosts must not keep stale sessions.
 */
export async function closeMasters(controlDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(controlDir);
  } catch {
    return;
  }
  await Promise.all(names.map((n) => run('ssh', ['-o', `ControlPath=${join(controlDir, n)}`, '-O', 'exit', 'rb-bench']).catch(() => undefined)));
}
