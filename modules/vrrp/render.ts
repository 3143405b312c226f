// model → keepalived.conf, canonically: fields in grammar order, four-space
// indentation, one statement per line, unknown keywords after the known ones
// (at the top of the file for top-level ones, so `$VAR=` definitions still
// come before their use). parse(render(m)) gives m back.
//
// Every output line remembers which field it came from, so the line numbers in
// `keepalived -t` messages can be shown as `vrrp_instance VI_1.priority`.

import type { BlockSpec, FieldSpec } from './grammar.js';
import { SPECS } from './grammar.js';
import { quoteWord } from './lexer.js';
import type { KeepalivedConfig } from './model.js';
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
  const root = config as Obj;
  for (const e of (root.extra as string[] | undefined) ?? []) out.push(0, e, e.split(/\s/)[0]);
  for (const fs of SPECS.root.fields) {
    const v = root[fs.field];
    if (v === undefined) continue;
    const items = fs.kind === 'blocks' ? (v as Obj[]) : [v as Obj];
    for (const item of items) {
      out.push(0, '', '');
      renderField(out, 0, '', fs, item);
    }
  }
  return { text: `${out.text.join('\n')}\n`, lines: out.lines };
}

function renderBlock(out: Out, depth: number, label: string, spec: BlockSpec, o: Obj): void {
  for (const fs of spec.fields) {
    const v = o[fs.field];
    if (v === undefined) continue;
    if (fs.kind === 'blocks') for (const item of v as Obj[]) renderField(out, depth, label, fs, item);
    else renderField(out, depth, label, fs, v);
  }
  for (const e of (o.extra as string[] | undefined) ?? []) out.push(depth, e, join(label, e.split(/\s/)[0]));
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
