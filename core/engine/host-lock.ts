// One run per host at a time: a lock file on the host (default /run/rb.lock),
// taken before the run's first change there — a run that changes nothing never
// takes it, so a no-op run still costs one exec per host — and released at the
// end. A holder whose controller process is gone, or whose host has rebooted
// since, is broken and reported. --check and drift never lock.

import { kill } from 'node:process';
import { RbError } from '../errors.js';
import { sh } from '../transport/shell.js';
import type { Transport } from '../transport/types.js';
import { controllerIdentity } from './journal.js';

export const DEFAULT_LOCK_PATH = '/run/rb.lock';
export const DEFAULT_LOCK_TIMEOUT_MS = 5000;
const RETRY_MS = 250;

export class HostLockError extends RbError {}

export interface LockHolder {
  run: string;
  controller: string;
  user: string;
  pid: number;
  started: string;
  boot: string;
}

/** The lock's content: one `key=value` per line, the host's boot id added on the host. */
export function lockContent(runId: string, now = new Date()): string {
  const me = controllerIdentity();
  return [`run=${runId}`, `controller=${me.controller}`, `user=${me.user}`, `pid=${me.pid}`, `started=${now.toISOString()}`].join('\n');
}

export function parseHolder(text: string): LockHolder {
  const kv = new Map(text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]));
  return { run: kv.get('run') ?? '?', controller: kv.get('controller') ?? '?', user: kv.get('user') ?? '?', pid: Number(kv.get('pid') ?? 0), started: kv.get('started') ?? '?', boot: kv.get('boot') ?? '' };
}

export function describeHolder(h: LockHolder): string {
  return `run ${h.run} by ${h.user}@${h.controller} (pid ${h.pid}, since ${h.started})`;
}

/**
 * One attempt, one exec: create the file exclusively (noclobber) with our
 * content, or print the holder and the host's current boot id. `break` removes
 * the file first when it still holds exactly that stale content.
 */
export function lockScript(path: string, content: string, breakStale?: string): string {
  const lines = [
    sh`f=${path}; b=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo none)`,
    breakStale !== undefined ? sh`[ "$(cat "$f" 2>/dev/null)" = ${breakStale} ] && rm -f "$f"` : ':',
    sh`if (umask 077; set -C; printf '%s\\nboot=%s\\n' ${content} "$b" > "$f") 2>/dev/null; then echo locked; exit 0; fi`,
    'echo "boot=$b"; echo @@holder; cat "$f" 2>/dev/null; exit 0',
  ];
  return lines.join('\n');
}

export function unlockScript(path: string, runId: string): string {
  return sh`f=${path}; grep -qx ${`run=${runId}`} "$f" 2>/dev/null && rm -f "$f"; exit 0`;
}

/** Whether a holder is gone: its host rebooted since, or its process on this controller ended. */
export function staleReason(h: LockHolder, bootNow: string, controllerNow: string, alive: (pid: number) => boolean = pidAlive): string | undefined {
  if (h.boot && bootNow && h.boot !== bootNow) return 'the host rebooted since it was taken';
  if (h.controller === controllerNow && h.pid > 0 && !alive(h.pid)) return `its process ${h.pid} on ${h.controller} has ended`;
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockRequest {
  transport: Transport;
  path: string;
  runId: string;
  timeoutMs: number;
  become?: boolean;
  /** A stale lock was broken: say so. */
  report(message: string): void;
}

/** Take the lock, waiting up to timeoutMs for a live holder; throws HostLockError naming the holder. */
export async function takeHostLock(req: LockRequest): Promise<void> {
  const content = lockContent(req.runId);
  const deadline = Date.now() + req.timeoutMs;
  let breakStale: string | undefined;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const r = await req.transport.exec(lockScript(req.path, content, breakStale), { become: req.become });
    if (r.code !== 0 && !r.stdout.includes('@@holder')) throw new HostLockError(`${req.transport.host}: cannot take the lock ${req.path}: ${r.stderr.trim() || `exit ${r.code}`}`);
    if (r.stdout.trim() === 'locked') return;
    const bootNow = /^boot=(.*)$/m.exec(r.stdout)?.[1] ?? '';
    const text = r.stdout.slice(r.stdout.indexOf('@@holder\n') + 9).replace(/\n$/, '');
    if (!text) continue; // released between our two looks
    const holder = parseHolder(text);
    const stale = staleReason(holder, bootNow, controllerIdentity().controller);
    if (stale) {
      req.report(`${req.transport.host}: broke a stale lock of ${describeHolder(holder)}: ${stale}`);
      breakStale = text;
      continue;
    }
    breakStale = undefined;
    if (Date.now() >= deadline) throw new HostLockError(`${req.transport.host}: locked by ${describeHolder(holder)}; waited ${(req.timeoutMs / 1000).toFixed(1)} s (--lock-timeout)`);
    await new Promise((res) => setTimeout(res, Math.min(RETRY_MS, deadline - Date.now())));
  }
  throw new HostLockError(`${req.transport.host}: cannot take the lock ${req.path}`);
}

export async function releaseHostLock(t: Transport, path: string, runId: string, become?: boolean): Promise<void> {
  await t.exec(unlockScript(path, runId), { become });
}
