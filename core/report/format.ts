// Shared formatting: statuses, secret masking, per-field diffs.

import type { Change } from '../module.js';
import type { TaskResult } from '../engine/types.js';
import { MASK } from '../secrets.js';

export { MASK };

export function shown(v: unknown, secret?: boolean): string {
  if (secret) return MASK;
  if (v === undefined) return '(absent)';
  if (typeof v === 'string') return v.includes('\n') ? `${v.split('\n').length} lines` : JSON.stringify(v);
  return JSON.stringify(v);
}

/** `net.ipv4.ip_forward value: "0" → "1"`, `+ 198.18.0.100/32 on lo`, `- rule ...`. */
export function changeLine(c: Change): string {
  const what = c.field ? `${c.resource} ${c.field}` : c.resource;
  if (c.before === undefined && c.after !== undefined && !c.field) return `+ ${what}${typeof c.after === 'object' || c.after === true ? '' : `: ${shown(c.after, c.secret)}`}`;
  if (c.after === undefined && c.before !== undefined && !c.field) return `- ${what}`;
  if (c.before === undefined && c.after === undefined) return `~ ${what}`;
  return `~ ${what}: ${shown(c.before, c.secret)} → ${shown(c.after, c.secret)}`;
}

export function diffLines(r: TaskResult): string[] {
  const out: string[] = [];
  for (const c of r.changes) {
    out.push(changeLine(c));
    if (c.diff && !c.secret && !r.task.noLog) out.push(...c.diff.replace(/\n$/, '').split('\n').map((l) => `    ${l}`));
  }
  return out;
}

/** A change as the JSON report shows it: secrets masked. */
export function reportChange(c: Change, noLog: boolean): { kind: string; resource: string; field?: string; before?: unknown; after?: unknown } {
  const mask = c.secret || noLog;
  return { kind: c.kind, resource: c.resource, field: c.field, before: mask && c.before !== undefined ? MASK : c.before, after: mask && c.after !== undefined ? MASK : c.after };
}

export function statusWord(r: TaskResult): string {
  if (r.status === 'failed' && r.task.ignoreErrors) return 'failed (ignored)';
  if (r.checked && r.status === 'changed') return 'changed (check)';
  return r.status;
}
