// The run journal on the controller: one file per real run (what changed, what
// was rolled back, which handlers were notified and never ran). Readable by its
// owner only (directory 0700, files 0600); the oldest are pruned. `rb runs`
// lists it; the next run of a playbook fires the handlers a run left pending.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { maskSecrets } from '../secrets.js';
import type { UndoEntry } from './undo.js';

/** Runs kept when RB_JOURNAL_KEEP is not set. */
export const DEFAULT_KEEP = 100;

export interface PendingHandlers {
  /** Playbook file (absolute) and play name the handlers belong to. */
  playbook: string;
  play: string;
  handlers: string[];
  /** The run that notified them. */
  fromRun: string;
}

export interface JournalHost {
  changed: number;
  failed: boolean;
  unreachable: boolean;
  rolledBack: boolean;
  pendingHandlers: PendingHandlers[];
  /** The run's applied changes on the host, oldest first, for `rb rollback`. */
  undo?: UndoEntry[];
  /** The host lock the run took: `rb rollback` of the run takes the same file, with the same become. */
  lock?: { path: string; become?: boolean };
}

export interface JournalRecord {
  runId: string;
  rbVersion: string;
  startedAt: string;
  finishedAt: string;
  controller: string;
  user: string;
  pid: number;
  playbooks: string[];
  inventories?: string[];
  check: boolean;
  /** The signal that stopped the run, when one did. */
  interrupted?: string;
  hosts: Record<string, JournalHost>;
  /** The JSON report of the run (already redacted). */
  report: unknown;
}

export function journalDir(): string {
  if (process.env.RB_JOURNAL_DIR) return process.env.RB_JOURNAL_DIR;
  const base = process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state');
  return join(base, 'rb', 'runs');
}

/** Sortable, unique: 20261204T121345123-1a2b3c. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.Z]/g, '')}-${randomBytes(3).toString('hex')}`;
}

export function keepRuns(): number {
  const n = Number(process.env.RB_JOURNAL_KEEP);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_KEEP;
}

export function controllerIdentity(): { controller: string; user: string; pid: number } {
  let user = process.env.USER ?? '';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return { controller: hostname(), user, pid: process.pid };
}

/** Write a record: 0600 from its creation, atomically, secrets masked; then prune old ones. */
export async function writeJournal(rec: JournalRecord, dir = journalDir()): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, `${rec.runId}.json`);
  const tmp = join(dir, `.${rec.runId}.tmp`);
  await writeFile(tmp, JSON.stringify(maskSecrets(rec), null, 1) + '\n', { mode: 0o600, flag: 'wx' });
  await rename(tmp, file);
  await pruneJournal(dir, keepRuns());
  return file;
}

export async function pruneJournal(dir: string, keep: number): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  for (const f of files.slice(0, Math.max(0, files.length - keep))) await rm(join(dir, f), { force: true });
}

/** Every readable record, newest first. */
export async function readJournal(dir = journalDir()): Promise<JournalRecord[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort().reverse();
  } catch {
    return [];
  }
  const out: JournalRecord[] = [];
  for (const f of files) {
    try {
      const rec = JSON.parse(await readFile(join(dir, f), 'utf8'));
      if (rec && typeof rec.runId === 'string' && rec.hosts) out.push(rec);
    } catch {
      /* a record being written, or not rb's */
    }
  }
  return out;
}

/**
 * Handlers a host still owes for these playbooks: from the newest real run of
 * each playbook that touched the host (a later run that fired them, or that
 * carried them on, is the newer record).
 */
export function pendingFor(records: JournalRecord[], playbooks: string[]): Map<string, PendingHandlers[]> {
  const out = new Map<string, PendingHandlers[]>();
  const settled = new Set<string>();
  for (const rec of records) {
    if (rec.check) continue;
    for (const [host, h] of Object.entries(rec.hosts)) {
      for (const book of playbooks) {
        if (!rec.playbooks.includes(book)) continue;
        const key = `${host}\0${book}`;
        if (settled.has(key)) continue;
        settled.add(key);
        const owed = h.pendingHandlers.filter((p) => p.playbook === book);
        if (owed.length) out.set(host, [...(out.get(host) ?? []), ...owed]);
      }
    }
  }
  return out;
}
