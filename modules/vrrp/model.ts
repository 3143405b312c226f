// The typed model of keepalived.conf, read from a parsed file (`fromTree`) or
// from validated params (`fromParams`). Both produce the same canonical shape:
// absent, empty and false-flag fields are left out, VIPs carry their prefix,
// list lines are re-spaced and unknown keywords are kept as canonical text in
// `extra`. Two configs are semantically equal when their models are.

import { SPECS, type BlockSpec, type FieldSpec } from './grammar.js';
import { splitWords, unwritableReason } from '../lib/keepalived-conf/lexer.js';
import { parseConf, type ConfNode } from '../lib/keepalived-conf/parser.js';
import type { KeepalivedConfig } from './types.js';
import { canonicalLine, nodeText, parseVip, vipFromParam } from './values.js';

export type * from './types.js';

type Obj = Record<string, unknown>;

// ---- file → model ----------------------------------------------------------

/** The model of a parsed (and include-resolved) file. */
export function fromTree(nodes: ConfNode[]): KeepalivedConfig {
  return readBlock(SPECS.root, nodes) as KeepalivedConfig;
}

function fieldFor(spec: BlockSpec, keyword: string): FieldSpec | undefined {
  return spec.fields.find((f) => f.keyword === keyword || f.aliases?.includes(keyword));
}

/**
 * The order statements had in the file they were read from, as render keys
 * (`priority`, `real_servers[1]`, `extra[0]`), so that a file read and written
 * again keeps untyped statements where they stood among typed ones. Kept
 * beside the model (comparisons ignore it); params have none.
 */
const ORDER = new WeakMap<object, string[]>();

export function statementOrder(block: object): string[] | undefined {
  return ORDER.get(block);
}

function readBlock(spec: BlockSpec, nodes: ConfNode[]): Obj {
  if (spec.body) return readBody(spec.body, nodes);
  const out: Obj = {};
  const extra: string[] = [];
  const order: string[] = [];
  for (const node of nodes) {
    const fs = fieldFor(spec, node.words[0]);
    const value = fs ? truncated(fs, readValue(fs, node)) : undefined;
    if (!fs || value === undefined) {
      order.push(`extra[${extra.length}]`);
      extra.push(nodeText(node));
    } else if (fs.kind === 'blocks') {
      const items = (out[fs.field] ??= []) as unknown[];
      order.push(`${fs.field}[${items.length}]`);
      items.push(value);
    } else if (out[fs.field] !== undefined && fs.repeat === 'append') {
      // keepalived adds the entries of a repeated list block to the first one.
      out[fs.field] = [...(out[fs.field] as unknown[]), ...(value as unknown[])];
    } else if (out[fs.field] === undefined || fs.repeat !== 'first') {
      // Otherwise the last one counts, except where keepalived ignores repeats ("already specified").
      out[fs.field] = value;
    }
    if (fs && value !== undefined && fs.kind !== 'blocks' && !order.includes(fs.field)) order.push(fs.field);
  }
  if (extra.length) out.extra = extra;
  // An empty block in the file stays (keepalived reads it as absent; diffs do too).
  ORDER.set(out, order);
  return out;
}

/** A block of plain lines (`virtual_server_group`): each line an item; nested blocks stay verbatim. */
function readBody(field: string, nodes: ConfNode[]): Obj {
  const out: Obj = {};
  const lines = nodes.filter((n) => !n.children && writable(n.words)).map((n) => canonicalLine(n.words));
  const extra = nodes.filter((n) => n.children || !writable(n.words)).map(nodeText);
  if (lines.length) out[field] = lines;
  if (extra.length) out.extra = extra;
  return out;
}

const writable = (words: string[]) => words.every((w) => unwritableReason(w) === undefined);

const INT = /^[-+]?\d+$/;
const NUM = /^[-+]?\d+(\.\d+)?$/;
const TRUE = new Set(['true', 'on', 'yes']);
const FALSE = new Set(['false', 'off', 'no']);

/** The value of one statement, or undefined when it does not fit the field (then kept verbatim). */
function readValue(fs: FieldSpec, node: ConfNode): unknown {
  const args = node.words.slice(1);
  const kids = node.children;
  // A value rb could not write back as it reads (`$NAME`, control characters) stays verbatim.
  if (!writable(args) || kids?.some((c) => !writable(c.words))) return undefined;
  const flatKids = kids?.every((c) => !c.children);
  switch (fs.kind) {
    case 'int':
      return !kids && args.length === 1 && INT.test(args[0]) ? Number(args[0]) : undefined;
    case 'number':
      return !kids && args.length === 1 && NUM.test(args[0]) ? Number(args[0]) : undefined;
    case 'word':
      return !kids && args.length === 1 ? args[0] : undefined;
    case 'cmd':
      return !kids && args.length >= 1 ? commandText(args) : undefined;
    case 'args':
      return !kids && args.length >= 1 && args.every((a) => /^\S+$/.test(a)) ? args.join(' ') : undefined;
    case 'flag':
      return !kids && args.length === 0 ? true : undefined;
    case 'bool':
      if (kids || args.length > 1) return undefined;
      if (args.length === 0 || TRUE.has(args[0])) return true;
      return FALSE.has(args[0]) ? false : undefined;
    case 'words':
      return kids && flatKids && args.length === 0 ? kids.flatMap((c) => c.words) : undefined;
    case 'lines':
      return kids && flatKids && args.length === 0 ? kids.map((c) => canonicalLine(c.words)) : undefined;
    case 'vips': {
      if (!kids || !flatKids || args.length) return undefined;
      const vips = kids.map((c) => parseVip(c.words));
      return vips.every((v) => v) ? vips : undefined;
    }
    case 'block':
      return kids && args.length === 0 ? readBlock(fs.block, kids) : undefined;
    case 'blocks': {
      const key = kids && fs.block.key?.parse(args);
      if (!key) return undefined;
      const body = readBlock(fs.block, kids!);
      const item = { ...key, ...body };
      ORDER.set(item, ORDER.get(body)!);
      return item;
    }
  }
}

/**
 * A command given as several words (`notify_master /etc/keepalived/notify.sh master`):
 * keepalived runs those words as the argument list, and splits one quoted string
 * on blanks, honouring single quotes. So the words joined by blanks, a word with
 * blanks in single quotes, run the same command. Undefined when no such text exists.
 */
function commandText(words: string[]): string | undefined {
  if (words.length === 1) return words[0];
  const out: string[] = [];
  for (const w of words) {
    if (w === '' || /[\s'\\]/.test(w)) {
      if (/['\\]/.test(w)) return undefined;
      out.push(`'${w}'`);
    } else out.push(w);
  }
  return out.join(' ');
}

/** The value keepalived uses: the first `truncateBytes` bytes (on a character boundary). */
export function truncated(fs: FieldSpec, v: unknown): unknown {
  if (fs.truncateBytes === undefined || typeof v !== 'string') return v;
  return truncateUtf8(v, fs.truncateBytes);
}

export function truncateUtf8(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

// ---- params → model --------------------------------------------------------

/** The model of validated params (the config fields of the vrrp task). */
export function fromParams(params: Obj): KeepalivedConfig {
  return paramBlock(SPECS.root, params) as KeepalivedConfig;
}

function paramBlock(spec: BlockSpec, p: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(spec.key?.fields ?? {})) if (p[k] !== undefined) out[k] = p[k];
  for (const fs of spec.fields) {
    const v = p[fs.field];
    if (v !== undefined && v !== null) out[fs.field] = truncated(fs, paramValue(fs, v));
  }
  const extra = Array.isArray(p.extra) ? p.extra.flatMap((t) => parseConf(String(t), 'extra').map(nodeText)) : [];
  if (extra.length) out.extra = extra;
  return prune(out);
}

function paramValue(fs: FieldSpec, v: unknown): unknown {
  switch (fs.kind) {
    case 'flag':
      return v === true ? true : undefined;
    case 'args':
      return splitWords(String(v)).join(' ');
    case 'words':
      return (v as unknown[]).flatMap((s) => splitWords(String(s)));
    case 'lines':
      return (v as unknown[]).map((s) => canonicalLine(splitWords(String(s))));
    case 'vips':
      return (v as unknown[]).map((s) => vipFromParam(s) ?? s);
    case 'block':
      return paramBlock(fs.block, v as Obj);
    case 'blocks':
      return (v as Obj[]).map((item) => paramBlock(fs.block, item));
    default:
      return v;
  }
}

/** Drop undefined values, empty lists and empty sub-objects. */
function prune(o: Obj): Obj {
  for (const [k, v] of Object.entries(o)) {
    const empty =
      v === undefined ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
    if (empty) delete o[k];
  }
  return o;
}
