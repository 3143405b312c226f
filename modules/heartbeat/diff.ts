// Semantic diffs of the three files, one entry per field: comments, blank
// space and the order of set-like lists (node, ucast, bcast...) do not count;
// the order of resources in a group does (it is their start order). The
// authkeys secret only ever comes out masked.

import type { Authkeys } from './authkeys.js';
import { DIRECTIVES } from './directives.js';
import type { HaCf, HaValue } from './hacf.js';
import type { ResourceGroup } from './haresources.js';
import { MASK } from '../../core/secrets.js';

export { MASK };

export interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
  secret?: boolean;
  /** heartbeat must be restarted (not reloaded) for this change to take effect. */
  restart?: boolean;
}

const sorted = (v: HaValue) => JSON.stringify([...(v as string[])].sort());

function same(a: HaValue | undefined, b: HaValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return sorted(a) === sorted(b);
  return a === b;
}

function byKeyword(lines: string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of lines) {
    const kw = l.split(' ')[0];
    m.set(kw, [...(m.get(kw) ?? []), l]);
  }
  return m;
}

export function diffHaCf(before: HaCf, after: HaCf): FieldChange[] {
  const out: FieldChange[] = [];
  for (const d of DIRECTIVES) {
    const a = before.values[d.name];
    const b = after.values[d.name];
    if (same(a, b)) continue;
    out.push({ field: `ha.cf ${d.name}`, before: a, after: b, ...(d.restart ? { restart: true } : {}) });
  }
  const ea = byKeyword(before.extra);
  const eb = byKeyword(after.extra);
  for (const kw of new Set([...ea.keys(), ...eb.keys()])) {
    const a = ea.get(kw);
    const b = eb.get(kw);
    if (!same(a, b)) out.push({ field: `ha.cf ${kw}`, before: a, after: b });
  }
  if (before.late.length > 0 && after.late.length === 0) {
    out.push({ field: 'ha.cf order', before: `${before.late.join(', ')} after a media line (heartbeat ignores it for that line)`, after: 'before the media lines' });
  }
  return out;
}

const keyText = (k: { method: string; key?: string }) => (k.key === undefined ? k.method : `${k.method} ${MASK}`);

export function diffAuthkeys(before: Authkeys, after: Authkeys): FieldChange[] {
  const out: FieldChange[] = [];
  if (before.auth !== after.auth) out.push({ field: 'authkeys auth', before: before.auth, after: after.auth });
  // The signing key (`auth N`) first, by field; keys still accepted during a rotation by number.
  const want = after.keys.find((k) => k.index === after.auth) ?? after.keys[0];
  const have = before.keys.find((k) => k.index === want.index);
  if (have?.method !== want.method) out.push({ field: 'authkeys method', before: have?.method, after: want.method });
  if (have?.key !== want.key) {
    out.push({ field: 'authkeys key', before: have?.key === undefined ? undefined : MASK, after: want.key === undefined ? undefined : MASK, secret: true });
  }
  for (const w of after.keys) {
    if (w === want) continue;
    const h = before.keys.find((k) => k.index === w.index);
    if (h?.method !== w.method || h?.key !== w.key) out.push({ field: `authkeys key ${w.index}`, before: h ? keyText(h) : undefined, after: keyText(w), secret: true });
  }
  for (const k of before.keys) {
    if (!after.keys.some((w) => w.index === k.index)) out.push({ field: `authkeys key ${k.index}`, before: keyText(k), after: undefined });
  }
  return out;
}

function groupsByNode(groups: ResourceGroup[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const g of groups) m.set(g.node, [...(m.get(g.node) ?? []), g.resources.join(' ')]);
  return m;
}

const one = (v?: string[]) => (v === undefined ? undefined : v.length === 1 ? v[0] : v);

export function diffHaresources(before: ResourceGroup[], after: ResourceGroup[]): FieldChange[] {
  const a = groupsByNode(before);
  const b = groupsByNode(after);
  const out: FieldChange[] = [];
  for (const node of new Set([...a.keys(), ...b.keys()])) {
    if (JSON.stringify(a.get(node)) !== JSON.stringify(b.get(node))) out.push({ field: `haresources ${node}`, before: one(a.get(node)), after: one(b.get(node)), restart: true });
  }
  return out;
}
