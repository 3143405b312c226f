// The qemu process: boot it detached from the caller, know whether the
// recorded one is still ours, stop exactly that one.

import { closeSync, existsSync, openSync, promises as fs } from 'node:fs';
import { spawn } from 'node:child_process';
import { RbError } from '../../errors.js';
import { chooseAccel, readAccelFacts, type Accel } from './accel.js';
import { guestRun, type GuestSshConfig } from './guest-ssh.js';
import { renderStage1, renderStage2, type GuestInitConfig } from './guest-init.js';
import { bootArchive } from './initramfs.js';
import { GUEST_MODULES } from './modules.js';
import type { KernelCache } from './kernel.js';
import { procStartTime } from '../pids.js';
import { qemuArgs } from './qemu-args.js';
import { waitFor } from './wait.js';
import * as P from './paths.js';

export const QEMU_BINARY = 'qemu-system-x86_64';
export const READY_MARKER = 'rblab-guest-ready';

export interface GuestProcess {
  pid: number;
  startTime: string;
}

/** The process's start time, undefined once it is gone (or a zombie). */
export async function startTimeOf(pid: number): Promise<string | undefined> {
  return (await procStartTime(pid)) ?? undefined;
}

/** A pid file written as "<pid> <starttime>". */
export function parsePidRecord(text: string): GuestProcess | undefined {
  const m = /^(\d+) (\d+)\s*$/.exec(text);
  return m ? { pid: Number(m[1]), startTime: m[2] } : undefined;
}

/** The recorded qemu, only if that pid is still the process we started. */
export async function recordedGuest(): Promise<GuestProcess | undefined> {
  const rec = parsePidRecord(await fs.readFile(P.QEMU_PID_FILE, 'utf8').catch(() => ''));
  if (!rec) return undefined;
  return (await startTimeOf(rec.pid)) === rec.startTime ? rec : undefined;
}

export interface BootOptions {
  kernel: KernelCache;
  authorizedKey: string;
  accel?: Accel;
}

/** Start qemu in its own session with every standard stream redirected, and record "<pid> <starttime>". */
export async function startGuest(o: BootOptions): Promise<GuestProcess & { accel: Accel['kind'] }> {
  await fs.mkdir(P.QEMU_STATE_DIR, { recursive: true, mode: 0o700 });
  const init: GuestInitConfig = {
    kver: o.kernel.kver,
    modulesDir: o.kernel.modulesDir,
    modules: GUEST_MODULES,
    hostname: P.GUEST_HOSTNAME,
    bridge: P.LAB_BRIDGE,
    bridgeMac: P.GUEST_BRIDGE_MAC,
    address: P.GUEST_ADDRESS,
    prefix: P.GUEST_PREFIX,
    hostKey: P.GUEST_HOST_KEY,
    authorizedKey: o.authorizedKey,
    readyMarker: READY_MARKER,
    hostRootTag: P.HOST_ROOT_TAG,
    initPath: P.GUEST_INIT_PATH,
  };
  const base = await fs.readFile(o.kernel.baseInitramfs);
  await fs.writeFile(P.QEMU_INITRD, Buffer.concat([base, bootArchive(renderStage1(init), renderStage2(init))]));
  await fs.writeFile(P.QEMU_CONSOLE_LOG, '');
  const accel = o.accel ?? chooseAccel(readAccelFacts());
  const args = qemuArgs({
    accelArgs: accel.args,
    cpus: accel.cpus,
    kernel: o.kernel.kernel,
    initrd: P.QEMU_INITRD,
    consoleLog: P.QEMU_CONSOLE_LOG,
    tap: P.TAP_DEVICE,
    mac: P.GUEST_NIC_MAC,
    hostRootTag: P.HOST_ROOT_TAG,
  });
  const out = openSync(P.QEMU_STDOUT_LOG, 'w');
  const err = openSync(P.QEMU_STDERR_LOG, 'w');
  let pid: number | undefined;
  try {
    const child = spawn(QEMU_BINARY, args, { detached: true, stdio: ['ignore', out, err] });
    pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', (e) => reject(new RbError(`cannot start ${QEMU_BINARY} (install qemu-system-x86: rb lab deps): ${e.message}`)));
    });
    child.unref();
  } finally {
    closeSync(out);
    closeSync(err);
  }
  const startTime = await startTimeOf(pid);
  if (!startTime) throw new RbError(`${QEMU_BINARY} exited at once: ${await qemuStderr()}`);
  await fs.writeFile(P.QEMU_PID_FILE, `${pid} ${startTime}\n`);
  return { pid, startTime, accel: accel.kind };
}

/**
 * Wait for the ready marker on the console, then for the guest's sshd to
 * answer (this opens the ssh master). Returns the guest's uptime (s) when its
 * init finished, which tells kernel boot from ssh handshake in the figures.
 */
export async function waitForGuest(g: GuestProcess, ssh: GuestSshConfig, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const alive = async (): Promise<void> => {
    if ((await startTimeOf(g.pid)) !== g.startTime) {
      throw new RbError(`the lab guest stopped while booting: ${await qemuStderr()}\n${await consoleTail()}`);
    }
  };
  const ready = await waitFor(async () => {
    await alive();
    const log = await fs.readFile(P.QEMU_CONSOLE_LOG, 'utf8').catch(() => '');
    const m = new RegExp(`${READY_MARKER} ([\\d.]+)`).exec(log);
    return m ? Number(m[1]) : undefined;
  }, { timeoutMs, intervalMs: 100 });
  if (!ready) throw new RbError(`the lab guest did not boot within ${timeoutMs / 1000} s\n${await consoleTail()}`);
  const answered = await waitFor(async () => {
    await alive();
    const r = await guestRun(ssh, ['true'], { timeoutMs: Math.max(1000, deadline - Date.now()) });
    return r.code === 0 ? true : undefined;
  }, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 200 });
  if (!answered) throw new RbError(`the lab guest's sshd at ${ssh.address} did not answer within ${timeoutMs / 1000} s\n${await consoleTail()}`);
  return ready;
}

/**
 * Stop the recorded qemu, or `known` (the one this process just started, even
 * if its record is gone): TERM, then KILL after 5 s. A pid whose start time no
 * longer matches is someone else's and is left alone.
 */
export async function stopGuest(known?: GuestProcess): Promise<boolean> {
  const g = known ?? (await recordedGuest());
  await fs.rm(P.QEMU_PID_FILE, { force: true });
  if (!g || (await startTimeOf(g.pid)) !== g.startTime) return false;
  for (const [signal, waitMs] of [['SIGTERM', 5000], ['SIGKILL', 5000]] as const) {
    try {
      process.kill(g.pid, signal);
    } catch {
      return true;
    }
    const gone = await waitFor(async () => ((await startTimeOf(g.pid)) === g.startTime ? undefined : true), { timeoutMs: waitMs, intervalMs: 50 });
    if (gone) return true;
  }
  throw new RbError(`qemu (pid ${g.pid}) did not exit after SIGKILL`);
}

export async function consoleTail(lines = 20): Promise<string> {
  const log = await fs.readFile(P.QEMU_CONSOLE_LOG, 'utf8').catch(() => '');
  return `console (${P.QEMU_CONSOLE_LOG}):\n${consoleExcerpt(log, lines).map((l) => `  ${l}`).join('\n') || '  (empty)'}`;
}

/**
 * The last lines of the guest console worth showing: the firmware's escape
 * sequences stripped, and a kernel panic cut after its first line, since the
 * call trace below it would push out the init's own message about why.
 */
export function consoleExcerpt(log: string, lines: number): string[] {
  const clean = log.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1bc/g, '').replace(/\r/g, '');
  let all = clean.split('\n').filter((l) => l.trim());
  const panic = all.findIndex((l) => l.includes('Kernel panic'));
  if (panic >= 0) all = all.slice(0, panic + 1);
  return all.slice(-lines);
}

async function qemuStderr(): Promise<string> {
  const e = await fs.readFile(P.QEMU_STDERR_LOG, 'utf8').catch(() => '');
  return e.trim().split('\n').slice(-5).join(' | ') || 'no message from qemu';
}

export function qemuInstalled(): boolean {
  return ['/usr/bin', '/usr/local/bin'].some((d) => existsSync(`${d}/${QEMU_BINARY}`));
}
