// One lab host's life: write its overlay's upper dir, launch the namespace
// chain, wait for "ready" (sshd listening), record pid 1 and its start time.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
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
 * Start the host and resolve with its pid 1 once sshd listens. stdout is a
 * pipe only for the "ready" line; stderr goes to a file, so nothing in the
 * host can die of SIGPIPE once a short-lived `rb lab up` has exited. The
 * chain is unref'd: the host outlives us.
 */
export async function launchHost(h: LabHost): Promise<PidRecord> {
  const logFile = `${hostStateDir(h.name)}/boot.log`;
  const log = await open(logFile, 'w', 0o600);
  const [cmd, ...args] = launchArgv(h, BOOT_FILE, hostStateDir(h.name), DEV_TEMPLATE_DIR);
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { env: CLEAN_ENV, stdio: ['ignore', 'pipe', log.fd], detached: true });
  } finally {
    await log.close();
  }
  const why = async (fallback: string) => lastLine(await readFile(logFile, 'utf8').catch(() => '')) || fallback;
  let out = '';
  return new Promise<PidRecord>((resolve, reject) => {
    const fail = (reason: Promise<string>) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      if (child.exitCode === null) child.kill('SIGKILL');
      reason.then((r) => reject(new LabError(`${h.name} did not boot: ${r}`)), reject);
    };
    const timer = setTimeout(() => fail(why(`no sign of life after ${BOOT_TIMEOUT_MS / 1000} s`)), BOOT_TIMEOUT_MS);
    child.on('error', (e) => fail(Promise.resolve(e.message)));
    child.on('exit', (code) => fail(why(`boot exited ${code}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!out.includes('ready\n')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.destroy();
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
