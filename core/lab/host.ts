// One lab host's life: write its overlay's upper dir, launch the namespace
// chain, wait for "ready" (sshd listening), record pid 1 and its start time.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { launchArgv, etcHosts, sshdConfig } from './boot.js';
import { LabError } from './lab-error.js';
import { BOOT_FILE, DEV_TEMPLATE_DIR, LAB_PUBKEY, hostKeyPath, hostStateDir } from './paths.js';
import { childrenOf, procStartTime, writePidRecord, type PidRecord } from './pids.js';
import { CLEAN_ENV, lastLine } from './proc.js';
import type { LabHost } from './topology.js';

const BOOT_TIMEOUT_MS = 60_000;

/** Fresh upper dir: only these files differ from the machine's own `/`. */
export async function prepareHost(h: LabHost, all: readonly LabHost[]): Promise<void> {
  const dir = hostStateDir(h.name);
  await rm(dir, { recursive: true, force: true });
  const up = `${dir}/upper`;
  await mkdir(`${up}/etc/ssh`, { recursive: true, mode: 0o755 });
  await mkdir(`${up}/root/.ssh`, { recursive: true, mode: 0o700 });
  await mkdir(`${dir}/work`, { mode: 0o700 });
  await mkdir(`${dir}/root`, { mode: 0o755 });
  const key = hostKeyPath(h.name);
  await Promise.all([
    writeFile(`${up}/etc/hostname`, `${h.name}\n`, { mode: 0o644 }),
    writeFile(`${up}/etc/machine-id`, `${randomBytes(16).toString('hex')}\n`, { mode: 0o444 }),
    writeFile(`${up}/etc/hosts`, etcHosts(all), { mode: 0o644 }),
    writeFile(`${up}/etc/ssh/sshd_config`, sshdConfig(h), { mode: 0o644 }),
    copyFile(key, `${up}/etc/ssh/ssh_host_ed25519_key`).then(() => chmod(`${up}/etc/ssh/ssh_host_ed25519_key`, 0o600)),
    copyFile(`${key}.pub`, `${up}/etc/ssh/ssh_host_ed25519_key.pub`),
    readFile(LAB_PUBKEY).then((k) => writeFile(`${up}/root/.ssh/authorized_keys`, k, { mode: 0o600 })),
  ]);
}

/**
 * Start the host and resolve with its pid 1 once sshd listens. The chain is
 * our child only until then: its pipes are dropped and it is unref'd, so a
 * short-lived `rb lab up` can exit while the host keeps running.
 */
export function launchHost(h: LabHost): Promise<PidRecord> {
  const [cmd, ...args] = launchArgv(h, BOOT_FILE, hostStateDir(h.name), DEV_TEMPLATE_DIR);
  const child = spawn(cmd, args, { env: CLEAN_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  return new Promise<PidRecord>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(new LabError(`${h.name} did not boot: ${why}`));
    };
    const timer = setTimeout(() => fail(`no sign of life after ${BOOT_TIMEOUT_MS / 1000} s ${lastLine(err)}`), BOOT_TIMEOUT_MS);
    child.on('error', (e) => fail(e.message));
    child.on('exit', (code) => fail(lastLine(err) || `boot exited ${code}`));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!out.includes('ready\n')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.destroy();
      child.stderr!.destroy();
      child.unref();
      recordPid1(h, child.pid!).then(resolve, reject);
    });
  });
}

/** pid 1 of the host is tini, the only child of the `unshare` we started. */
async function recordPid1(h: LabHost, unsharePid: number): Promise<PidRecord> {
  const [pid] = await childrenOf(unsharePid);
  const start = pid ? await procStartTime(pid) : null;
  if (!pid || !start) throw new LabError(`${h.name} booted but its pid 1 is gone`);
  const rec = { pid, start };
  await writePidRecord(h.name, rec);
  return rec;
}
