// Semantic diff of two keepalived models, per field. Comments, spacing and the
// order of blocks or list entries do not count; repeated blocks are matched by
// their identity (instance name, `ip:port`, `fwmark N`, url path) and unkeyed
// ones (checkers) by position. Secret fields come out masked.

import { SPECS, type BlockSpec, type FieldSpec } from './grammar.js';
import type { KeepalivedConfig } from './model.js';
import { itemLabel, join } from './render.js';
import { vipText, type Vip } from './values.js';
import { MASK } from '../../core/secrets.js';

export interface FieldChange {
  op: 'set' | 'add' | 'remove';
  /** `vrrp_instance VI_1.priority`, `virtual_server 172.16.0.30:80.real_server 172.16.0.32:80`. */
  field: string;
  /** keepalived keyword of what changed (`priority`, `real_server`). */
  keyword: string;
  before?: unknown;
  after?: unknown;
  secret?: boolean;
}

export { MASK };

type Obj = Record<string, unknown>;

export function diffConfig(before: KeepalivedConfig, after: KeepalivedConfig): FieldChange[] {
  const out: FieldChange[] = [];
  diffBlock(SPECS.root, before as Obj, after as Obj, '', out);
  return out;
}

function diffBlock(spec: BlockSpec, a: Obj, b: Obj, label: string, out: FieldChange[]): void {
  for (const fs of spec.fields) {
    const va = a[fs.field];
    const vb = b[fs.field];
    if (fs.kind === 'blocks') diffItems(fs, (va as Obj[]) ?? [], (vb as Obj[]) ?? [], label, out);
    else if (fs.kind === 'block') diffBlock(fs.block, (va as Obj) ?? {}, (vb as Obj) ?? {}, join(label, fs.keyword), out);
    else diffValue(fs, va, vb, label, out);
  }
  diffExtra((a.extra as string[]) ?? [], (b.extra as string[]) ?? [], label, out);
}

function listTexts(fs: FieldSpec, v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return (v as Array<string | Vip>).map((x) => (typeof x === 'string' ? x : vipText(x)));
}

const sameSet = (x: string[] = [], y: string[] = []) => JSON.stringify([...x].sort()) === JSON.stringify([...y].sort());

function diffValue(fs: FieldSpec, va: unknown, vb: unknown, label: string, out: FieldChange[]): void {
  const field = join(label, fs.keyword);
  if (fs.kind === 'words' || fs.kind === 'lines' || fs.kind === 'vips') {
    const ta = listTexts(fs, va);
    const tb = listTexts(fs, vb);
    if (!sameSet(ta, tb)) out.push(change('set', field, fs.keyword, ta, tb, fs.secret));
    return;
  }
  if (va !== vb) out.push(change('set', field, fs.keyword, va, vb, fs.secret));
}

function change(op: FieldChange['op'], field: string, keyword: string, before: unknown, after: unknown, secret?: boolean): FieldChange {
  if (!secret) return { op, field, keyword, before, after };
  return { op, field, keyword, before: before === undefined ? undefined : MASK, after: after === undefined ? undefined : MASK, secret: true };
}

/** Unknown keywords: compared as multisets of their canonical text, grouped by keyword. */
function diffExtra(a: string[], b: string[], label: string, out: FieldChange[]): void {
  const group = (list: string[]) => {
    const m = new Map<string, string[]>();
    for (const t of list) {
      const kw = t.split(/\s/)[0];
      m.set(kw, [...(m.get(kw) ?? []), t]);
    }
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  const one = (v?: string[]) => (v === undefined ? undefined : v.length === 1 ? v[0] : v);
  for (const kw of new Set([...ga.keys(), ...gb.keys()])) {
    if (!sameSet(ga.get(kw), gb.get(kw))) out.push(change('set', join(label, kw), kw, one(ga.get(kw)), one(gb.get(kw))));
  }
}

function labelled(fs: FieldSpec & { kind: 'blocks' }, items: Obj[], positional: boolean): Map<string, Obj> {
  const m = new Map<string, Obj>();
  items.forEach((item, i) => {
    let l = positional ? `${fs.keyword}[${i}]` : itemLabel(fs, item);
    for (let n = 2; m.has(l); n++) l = `${itemLabel(fs, item)} #${n}`;
    m.set(l, item);
  });
  return m;
}

function diffItems(fs: FieldSpec & { kind: 'blocks' }, a: Obj[], b: Obj[], parent: string, out: FieldChange[]): void {
  const keyed = Boolean(fs.block.labelField) || Object.keys(fs.block.key?.fields ?? {}).length > 0;
  // Checkers have no identity: pair them by position, and name them by index only when there are several.
  const positional = !keyed && Math.max(a.length, b.length) > 1;
  const ma = labelled(fs, a, positional);
  const mb = labelled(fs, b, positional);
  for (const [l, item] of ma) {
    if (!mb.has(l)) out.push({ op: 'remove', field: join(parent, l), keyword: fs.keyword, before: masked(fs.block, item) });
  }
  for (const [l, item] of mb) {
    const old = ma.get(l);
    if (old) diffBlock(fs.block, old, item, join(parent, l), out);
    else out.push({ op: 'add', field: join(parent, l), keyword: fs.keyword, after: masked(fs.block, item) });
  }
}

/** A copy of a block with every secret field replaced by MASK. */
export function masked(spec: BlockSpec, o: Obj): Obj {
  const copy: Obj = { ...o };
  for (const fs of spec.fields) {
    const v = o[fs.field];
    if (v === undefined) continue;
    if (fs.secret) copy[fs.field] = MASK;
    else if (fs.kind === 'block') copy[fs.field] = masked(fs.block, v as Obj);
    else if (fs.kind === 'blocks') copy[fs.field] = (v as Obj[]).map((x) => masked(fs.block, x));
  }
  return copy;
}

