// What `rb rollback RUN` needs to undo a finished run, kept in the journal per
// host: each applied change's params, the facts seen before it (the snapshot)
// and its plan, newest last. An entry that holds a secret (or belongs to a
// no_log task) is not kept — secrets never reach the journal — and is listed
// as not restorable from the journal instead.

import type { Plan } from '../module.js';
import { containsSecret } from '../secrets.js';
import type { HostState } from './host-state.js';

export interface UndoEntry {
  /** The task, found again in the playbook by file, path (`tasks[3]`) and name. */
  task: string;
  file: string;
  path: string;
  module: string;
  notify: string[];
  become?: boolean;
  /** Absent when the entry holds secrets. */
  params?: Record<string, unknown>;
  snapshot?: unknown;
  plan?: Plan;
  /** Why the entry cannot be restored from the journal. */
  unrestorable?: string;
}

/** JSON with Buffers kept (`{"$buffer": base64}`). */
export function encodeUndo(v: unknown): string {
  return JSON.stringify(v, function (this: unknown, _k, x: unknown) {
    if (x && typeof x === 'object' && (x as { type?: string }).type === 'Buffer' && Array.isArray((x as { data?: unknown }).data)) return { $buffer: Buffer.from((x as { data: number[] }).data).toString('base64') };
    if (x instanceof Map) return { $map: [...x] };
    if (x instanceof Set) return { $set: [...x] };
    return x;
  });
}

export function decodeUndo<T>(text: string): T {
  return JSON.parse(text, (_k, x: unknown) => {
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (typeof o.$buffer === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$buffer, 'base64');
      if (Array.isArray(o.$map) && Object.keys(o).length === 1) return new Map(o.$map as Array<[unknown, unknown]>);
      if (Array.isArray(o.$set) && Object.keys(o).length === 1) return new Set(o.$set as unknown[]);
    }
    return x;
  }) as T;
}

export function undoOf(states: Iterable<HostState>): Record<string, UndoEntry[]> {
  const out: Record<string, UndoEntry[]> = {};
  for (const s of states) {
    if (!s.journal.length) continue;
    out[s.name] = s.journal.map((e) => {
      const base: UndoEntry = { task: e.task.name, file: e.task.file, path: e.task.path, module: e.def.name, notify: e.task.notify, become: e.task.become };
      if (!e.def.rollback) return { ...base, unrestorable: `${e.def.name} cannot roll back` };
      if (e.task.noLog) return { ...base, unrestorable: 'no_log task: its values are not kept' };
      const kept = encodeUndo({ params: e.params, snapshot: e.snapshot, plan: e.plan });
      if (containsSecret(kept)) return { ...base, unrestorable: 'holds secrets, which are not kept in the journal (the host keeps a backup of each file rb replaced)' };
      return { ...base, ...decodeUndo<Pick<UndoEntry, 'params' | 'snapshot' | 'plan'>>(kept) };
    });
  }
  return out;
}
