// Commands in the guest go through OpenSSH to the guest's management sshd,
// multiplexed over one master connection: a fresh handshake costs ~0.5 s under
// emulation, a multiplexed exec well under 0.1 s.

import { argv as shellArgv } from '../../transport/shell.js';
import { run, type RunResult } from './run.js';

export interface GuestSshConfig {
  address: string;
  key: string;
  knownHosts: string;
  controlSocket: string;
}

export function sshOptions(c: GuestSshConfig): string[] {
  return [
    '-F', '/dev/null',
    '-i', c.key,
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${c.knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    '-o', 'ServerAliveInterval=5',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${c.controlSocket}`,
    '-o', 'ControlPersist=600',
    '-o', 'LogLevel=ERROR',
    '-l', 'root',
  ];
}

/** The ssh argv running `words` in the guest; each word is quoted for the remote shell. */
export function guestSshArgv(c: GuestSshConfig, words: readonly string[]): string[] {
  return [...sshOptions(c), c.address, '--', shellArgv(words)];
}

export function guestRun(c: GuestSshConfig, words: readonly string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<RunResult> {
  return run('ssh', guestSshArgv(c, words), opts);
}

/** Close the master connection, if any. */
export async function closeMaster(c: GuestSshConfig): Promise<void> {
  await run('ssh', [...sshOptions(c), '-O', 'exit', c.address], { timeoutMs: 5000 });
}
