// A run holds one connection (one file descriptor) per host until it ends. Before
// the first connection, make sure the process may open that many files: raise
// the soft limit up to the hard one (as any process may), else refuse with the
// figures and the fix, instead of failing hosts halfway with EMFILE.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { configError } from '../errors.js';

/** Descriptors a run uses besides its connections: stdio, reports, journal, local execs. */
export const RESERVED_FILES = 64;

export interface OpenFilesLimit {
  soft: number;
  hard: number;
}

/** The "Max open files" line of /proc/PID/limits. */
export function parseOpenFilesLimit(limits: string): OpenFilesLimit | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (!m) return undefined;
  const n = (s: string) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: n(m[1]), hard: n(m[2]) };
}

async function current(): Promise<OpenFilesLimit | undefined> {
  return parseOpenFilesLimit(await readFile('/proc/self/limits', 'utf8').catch(() => ''));
}

/** Ensure `hosts` connections fit; returns the soft limit now in force (undefined where it cannot be read). */
export async function ensureOpenFiles(hosts: number): Promise<number | undefined> {
  const needed = hosts + RESERVED_FILES;
  const limit = await current();
  if (!limit || limit.soft >= needed) return limit?.soft;
  if (limit.hard >= needed) {
    const soft = Math.min(limit.hard, Math.max(needed * 2, 4096));
    const hard = Number.isFinite(limit.hard) ? String(limit.hard) : 'unlimited';
    await promisify(execFile)('prlimit', [`--pid=${process.pid}`, `--nofile=${soft}:${hard}`]).catch(() => undefined);
    const now = await current();
    if (now && now.soft >= needed) return now.soft;
  }
  throw configError(
    `${hosts} hosts need about ${needed} open files, and this process may open ${limit.soft} (hard limit ${limit.hard}): ` +
      `raise it (ulimit -n ${Math.max(needed * 2, 4096)}, or LimitNOFILE= in a systemd unit) or split the run with --shard K/N`,
  );
}
