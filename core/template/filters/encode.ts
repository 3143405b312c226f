// Serialisation, encoding, hashing, shell quoting and path filters.

import { createHash, getHashes } from 'node:crypto';
import { TemplateError } from '../../errors.js';
import { quote } from '../../transport/shell.js';
import { parseYaml, toYaml } from '../../yaml.js';
import { bindArgs } from '../args.js';
import { isDict, pyStr, unbox } from '../python.js';
import { Undefined } from '../undefined.js';
import type { Filter } from './registry.js';

/** JSON string as Python's json.dumps writes it with ensure_ascii: non-ASCII as \uXXXX. */
function jsonString(s: string, ascii: boolean): string {
  const j = JSON.stringify(s);
  return ascii ? j.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : j;
}

/** Python's json.dumps layout: ", " and ": " separators, or `indent` with "," and ": ". */
export function pyJson(v: unknown, indent?: number, sortKeys = false, ascii = true, depth = 0): string {
  v = unbox(v);
  if (v instanceof Undefined) v.fail();
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'string') return jsonString(v, ascii);
  const pad = (d: number) => (indent === undefined ? '' : `\n${' '.repeat(indent * d)}`);
  const sep = indent === undefined ? ', ' : ',';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[${pad(depth + 1)}${v.map((x) => pyJson(x, indent, sortKeys, ascii, depth + 1)).join(sep + pad(depth + 1))}${pad(depth)}]`;
  }
  if (isDict(v)) {
    const keys = Object.keys(v);
    if (!keys.length) return '{}';
    if (sortKeys) keys.sort();
    const body = keys.map((k) => `${jsonString(k, ascii)}: ${pyJson(v[k], indent, sortKeys, ascii, depth + 1)}`);
    return `{${pad(depth + 1)}${body.join(sep + pad(depth + 1))}${pad(depth)}}`;
  }
  throw new TemplateError(`to_json: cannot serialise a ${typeof v}`);
}

function fromYaml(v: unknown): unknown {
  try {
    return parseYaml(pyStr(v), 'from_yaml');
  } catch (e) {
    const first = (e as Error).message.split('\n')[0];
    throw new TemplateError(`from_yaml: ${first.replace(/^from_yaml:\d+:\d+: /, '')}`);
  }
}

function digest(value: unknown, algo: string): string {
  const a = pyStr(algo).toLowerCase();
  if (!getHashes().includes(a)) throw new TemplateError(`hash: unknown algorithm "${a}"`);
  return createHash(a).update(pyStr(value), 'utf8').digest('hex');
}

/** os.path.basename / dirname, which differ from node's on trailing slashes. */
function basename(v: unknown): string {
  const s = pyStr(v);
  return s.slice(s.lastIndexOf('/') + 1);
}

function dirname(v: unknown): string {
  const s = pyStr(v);
  const head = s.slice(0, s.lastIndexOf('/') + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

export const encodeFilters: Record<string, Filter> = {
  to_json(v: unknown, ...args: unknown[]) {
    const a = bindArgs('to_json', args, [['indent', null], ['sort_keys', false], ['ensure_ascii', true]]);
    return pyJson(v, a.indent === null ? undefined : Number(a.indent), Boolean(a.sort_keys), Boolean(a.ensure_ascii));
  },
  to_nice_json(v: unknown, ...args: unknown[]) {
    const a = bindArgs('to_nice_json', args, [['indent', 4], ['sort_keys', true], ['ensure_ascii', true]]);
    return pyJson(v, Number(a.indent), Boolean(a.sort_keys), Boolean(a.ensure_ascii));
  },
  from_json(v: unknown) {
    try {
      return JSON.parse(pyStr(v));
    } catch (e) {
      throw new TemplateError(`from_json: ${(e as Error).message}`);
    }
  },
  to_yaml: (v: unknown) => {
    pyJson(v); // fails on an undefined anywhere inside, before YAML would print it as null
    return toYaml(v);
  },
  to_nice_yaml: (v: unknown) => {
    pyJson(v);
    return toYaml(v);
  },
  from_yaml: fromYaml,
  b64encode: (v: unknown) => Buffer.from(pyStr(v), 'utf8').toString('base64'),
  b64decode(v: unknown) {
    const s = pyStr(v).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new TemplateError('b64decode: not valid base64');
    return Buffer.from(s, 'base64').toString('utf8');
  },
  hash: (v: unknown, algo: unknown = 'sha1') => digest(v, pyStr(algo)),
  checksum: (v: unknown) => digest(v, 'sha1'),
  sha1: (v: unknown) => digest(v, 'sha1'),
  md5: (v: unknown) => digest(v, 'md5'),
  quote: (v: unknown) => quote(pyStr(v)),
  basename,
  dirname,
  splitext(v: unknown) {
    const s = pyStr(v);
    const base = basename(s);
    const dot = base.lastIndexOf('.');
    if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [s, ''];
    const cut = s.length - base.length + dot;
    return [s.slice(0, cut), s.slice(cut)];
  },
};
