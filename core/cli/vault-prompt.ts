// --ask-vault-pass: the password is read from the terminal without echo; with
// no terminal on stdin (CI, a pipe) it is refused rather than read from data.

import { execFileSync } from 'node:child_process';
import { RbError } from '../errors.js';

export function askVaultPassword(label: string): string {
  if (!process.stdin.isTTY) throw new RbError('--ask-vault-pass needs a terminal on stdin; use --vault-password-file or --vault-id label@file');
  process.stderr.write(label === 'default' ? 'Vault password: ' : `Vault password (${label}): `);
  try {
    const out = execFileSync('sh', ['-c', 'stty -echo; IFS= read -r p; s=$?; stty echo; printf %s "$p"; exit $s'], { stdio: ['inherit', 'pipe', 'inherit'], timeout: 300_000 });
    return out.toString('utf8');
  } finally {
    process.stderr.write('\n');
  }
}

/** -K/--ask-become-pass (or become_ask_pass): the sudo password, read from the terminal without echo. */
export function askBecomePassword(): string {
  if (!process.stdin.isTTY) throw new RbError('--ask-become-pass needs a terminal on stdin; set ansible_become_password (in a vault) instead');
  process.stderr.write('BECOME password: ');
  try {
    const out = execFileSync('sh', ['-c', 'stty -echo; IFS= read -r p; s=$?; stty echo; printf %s "$p"; exit $s'], { stdio: ['inherit', 'pipe', 'inherit'], timeout: 300_000 });
    return out.toString('utf8');
  } finally {
    process.stderr.write('\n');
  }
}
