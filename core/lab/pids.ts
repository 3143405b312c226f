// A host is identified by its pid 1 *and* that process's start time, so a pid
// reused by an unrelated process after a crash is never mistaken for (or
// killed as) a lab host.

import { readFile, writeFile, readdir, readlink, stat } from 'node:fs/promises';
import { hostStateDir, NETNS_DIR } from './paths.js';
import { NAME_PREFIX } from './topology.js';

export interface PidRecord {
  pid: number;
  start: string;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); null if the pid is gone or a zombie. */
export async function procStartTime(pid: number): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return parseStartTime(text);
}

export function parseStartTime(statLine: string): string | null {
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const rest = statLine.slice(statLine.lastIndexOf(')') + 2).trim().split(/\s+/);
  const state = rest[0];
  const start = rest[19];
  if (!state || !start || !/^\d+$/.test(start)) return null;
  return state === 'Z' || state === 'X' ? null : start;
}

const recordFile = (name: string) => `${hostStateDir(name)}/pid`;

export async function writePidRecord(name: string, rec: PidRecord): Promise<void> {
  await writeFile(recordFile(name), `${rec.pid} ${rec.start}\n`);
}

export async function readPidRecord(name: string): Promise<PidRecord | null> {
  try {
    const [pid, start] = (await readFile(recordFile(name), 'utf8')).trim().split(' ');
    return /^\d+$/.test(pid) && start ? { pid: Number(pid), start } : null;
  } catch {
    return null;
  }
}

export async function isAlive(rec: PidRecord | null): Promise<boolean> {
  return rec !== null && (await procStartTime(rec.pid)) === rec.start;
}

/** Kill the recorded pid only if it is still the process we started. */
export async function killRecorded(rec: PidRecord | null): Promise<void> {
  if (rec && (await isAlive(rec))) {
    try {
      process.kill(rec.pid, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }
}

/** The children of a process, from /proc/PID/task/PID/children. */
export async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Every pid (with its start time) whose network namespace is one of the named `rblab-*` netns. */
export async function pidsInLabNetns(only?: readonly string[]): Promise<Map<number, string>> {
  const inodes = new Set<string>();
  let names: string[] = [];
  try {
    names = await readdir(NETNS_DIR);
  } catch {
    /* no netns at all */
  }
  for (const n of names) {
    if (!n.startsWith(NAME_PREFIX) || (only && !only.includes(n))) continue;
    try {
      inodes.add(`net:[${(await stat(`${NETNS_DIR}/${n}`)).ino}]`);
    } catch {
      /* deleted meanwhile */
    }
  }
  const found = new Map<number, string>();
  if (inodes.size === 0) return found;
  const pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p)).map(Number);
  await Promise.all(
    pids.map(async (pid) => {
      if (pid === process.pid) return;
      try {
        if (!inodes.has(await readlink(`/proc/${pid}/ns/net`))) return;
        const start = await procStartTime(pid);
        if (start) found.set(pid, start);
      } catch {
        /* exited or not ours to read */
      }
    }),
  );
  return found;
}

/** Wait until none of these processes is alive (zombies count as gone). */
export async function waitGone(recs: readonly PidRecord[], timeoutMs = 5000): Promise<PidRecord[]> {
  const deadline = Date.now() + timeoutMs;
  let left = [...recs];
  while (left.length) {
    const alive = await Promise.all(left.map((r) => isAlive(r)));
    left = left.filter((_, i) => alive[i]);
    if (!left.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return left;
}
