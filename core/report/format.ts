// Shared formatting: statuses, secret masking, per-field diffs.

import type { Change } from '../module.js';
import type { TaskResult } from '../engine/types.js';

export const MASK = '********';

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

/** Multi-line text before/after (file contents) as a unified diff. */
export function textDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Trim the common head and tail; show what is between with 2 lines of context.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ctx = 2;
  const out: string[] = [];
  for (let i = Math.max(0, head - ctx); i < head; i++) out.push(`  ${a[i]}`);
  for (let i = head; i < a.length - tail; i++) out.push(`- ${a[i]}`);
  for (let i = head; i < b.length - tail; i++) out.push(`+ ${b[i]}`);
  for (let i = a.length - tail; i < Math.min(a.length, a.length - tail + ctx); i++) out.push(`  ${a[i]}`);
  return out;
}

export function diffLines(r: TaskResult): string[] {
  const out: string[] = [];
  for (const c of r.changes) {
    out.push(changeLine(c));
    if (!c.secret && !r.task.noLog && typeof c.before === 'string' && typeof c.after === 'string' && (c.before.includes('\n') || c.after.includes('\n'))) {
      out.push(...textDiff(c.before, c.after).map((l) => `    ${l}`));
    }
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
