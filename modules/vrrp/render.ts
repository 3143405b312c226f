// model → keepalived.conf, canonically: four-space indentation, one statement
// per line; statements in the order of the file the model was read from, else
// fields in grammar order with unknown keywords after the known ones (at the top
// of the file for top-level ones). parse(render(m)) gives m back.
//
// Every output line remembers which field it came from, so the line numbers in
// `keepalived -t` messages can be shown as `vrrp_instance VI_1.priority`.

import type { BlockSpec, FieldSpec } from './grammar.js';
import { SPECS } from './grammar.js';
import { quoteWord } from '../lib/keepalived-conf/lexer.js';
import { statementOrder, type KeepalivedConfig } from './model.js';
import { vipText, type Vip } from './values.js';

export interface RenderedLine {
  /** The field or block the line belongs to: `vrrp_instance VI_1.priority`. */
  label: string;
  secret?: boolean;
}

export interface Rendered {
  text: string;
  /** lines[N - 1] describes line N of `text`. */
  lines: RenderedLine[];
}

export const HEADER = '! Managed by rb (module vrrp): edits made here are reported as drift and replaced.';

type Obj = Record<string, unknown>;

class Out {
  text: string[] = [];
  lines: RenderedLine[] = [];
  push(depth: number, text: string, label: string, secret?: boolean): void {
    for (const l of text.split('\n')) {
      this.text.push(`${'    '.repeat(depth)}${l}`);
      this.lines.push(secret ? { label, secret } : { label });
    }
  }
}

export function join(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}

export function render(config: KeepalivedConfig): Rendered {
  const out = new Out();
  out.push(0, HEADER, '');
  renderEntries(out, 0, '', SPECS.root, config as Obj, true);
  return { text: `${out.text.join('\n')}\n`, lines: out.lines };
}

function renderBlock(out: Out, depth: number, label: string, spec: BlockSpec, o: Obj): void {
  renderEntries(out, depth, label, spec, o, false);
}

/**
 * The statements of a block: in the order they were read (a parsed file), then
 * whatever remains in grammar order, unknown keywords first at the top of the
 * file (so `$VAR=` definitions still come before their use) and last elsewhere.
 */
function renderEntries(out: Out, depth: number, label: string, spec: BlockSpec, o: Obj, root: boolean): void {
  if (spec.body) for (const line of (o[spec.body] as string[] | undefined) ?? []) out.push(depth, line, label);
  const extras = (o.extra as string[] | undefined) ?? [];
  const fieldKeys: string[] = [];
  for (const fs of spec.fields) {
    const v = o[fs.field];
    if (v === undefined || fs.field === spec.body) continue;
    if (fs.kind === 'blocks') (v as Obj[]).forEach((_, i) => fieldKeys.push(`${fs.field}[${i}]`));
    else fieldKeys.push(fs.field);
  }
  const extraKeys = extras.map((_, i) => `extra[${i}]`);
  const known = new Set([...fieldKeys, ...extraKeys]);
  const keys = [...(statementOrder(o) ?? []).filter((k) => known.has(k)), ...(root ? [...extraKeys, ...fieldKeys] : [...fieldKeys, ...extraKeys])];
  const done = new Set<string>();
  for (const key of keys) {
    if (done.has(key)) continue;
    done.add(key);
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(key)!;
    if (m[1] === 'extra') {
      const e = extras[Number(m[2])];
      out.push(depth, e, join(label, e.split(/\s/)[0]));
      continue;
    }
    const fs = spec.fields.find((f) => f.field === m[1])!;
    const v = m[2] === undefined ? o[fs.field] : (o[fs.field] as Obj[])[Number(m[2])];
    if (root) out.push(0, '', '');
    renderField(out, depth, label, fs, v);
  }
}

/** Label of one item of a repeated block: `vrrp_instance VI_1`, `TCP_CHECK`. */
export function itemLabel(fs: FieldSpec & { kind: 'blocks' }, item: Obj): string {
  const spec = fs.block;
  const key = spec.labelField ? String(item[spec.labelField] ?? '') : (spec.key?.label(item) ?? '');
  return key ? `${fs.keyword} ${key}` : fs.keyword;
}

function renderField(out: Out, depth: number, parent: string, fs: FieldSpec, v: unknown): void {
  const label = join(parent, fs.keyword);
  const line = (text: string) => out.push(depth, text, label, fs.secret);
  switch (fs.kind) {
    case 'int':
    case 'number':
      return line(`${fs.keyword} ${v}`);
    case 'word':
    case 'cmd':
      return line(`${fs.keyword} ${quoteWord(String(v))}`);
    case 'args':
      return line(`${fs.keyword} ${String(v).split(' ').map(quoteWord).join(' ')}`);
    case 'flag':
      return v === true ? line(fs.keyword) : undefined;
    case 'bool':
      return line(`${fs.keyword} ${v ? 'true' : 'false'}`);
    case 'words':
    case 'lines':
    case 'vips': {
      const items = v as Array<string | Vip>;
      line(`${fs.keyword} {`);
      for (const item of items) {
        const text = typeof item === 'string' ? (fs.kind === 'words' ? quoteWord(item) : item) : vipText(item);
        out.push(depth + 1, text, label, fs.secret);
      }
      return line('}');
    }
    case 'block':
      line(`${fs.keyword} {`);
      renderBlock(out, depth + 1, label, fs.block, v as Obj);
      return line('}');
    case 'blocks': {
      const item = v as Obj;
      const itemLbl = join(parent, itemLabel(fs, item));
      const head = [fs.keyword, ...(fs.block.key?.render(item) ?? []).map(quoteWord)].join(' ');
      out.push(depth, `${head} {`, itemLbl);
      renderBlock(out, depth + 1, itemLbl, fs.block, item);
      return out.push(depth, '}', itemLbl);
    }
  }
}
