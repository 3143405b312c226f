// The meaning of an ldirectord.cf, for comparing a file with the params:
// globals and virtual sections as key → values, each value normalised the way
// ldirectord reads it (quotes, spacing, yes/no case, a real server's default
// weight 1), so two spellings of one config compare equal.

import type { Entry, LdDocument } from './config.js';

export interface Model {
  globals: Entry[];
  virtuals: VirtualModel[];
}

export interface VirtualModel {
  keyword: 'virtual' | 'virtual6';
  virtual: string;
  options: Entry[];
}

/** Keys whose value ldirectord only reads inside double quotes. */
export const QUOTED = new Set(['request', 'receive', 'logfile', 'callback', 'login', 'passwd', 'database', 'secret', 'load', 'checkcommand', 'fallbackcommand', 'monitorfile', 'virtualhost']);
/** Keys whose value never reaches any output. */
export const SECRET_KEYS = new Set(['passwd', 'secret']);
const YES_NO = new Set(['autoreload', 'quiescent', 'readdquiescent', 'cleanstop', 'fork', 'supervised', 'ops']);

export interface RealParts {
  /** ADDRESS[:PORT] (or a range) as written. */
  where: string;
  method: string;
  /** As written; absent means ldirectord's default 1. */
  weight?: string;
  request?: string;
  receive?: string;
  /** What follows (thresholds `l:N u:N`), spacing collapsed. */
  rest: string;
}

/**
 * A `real=` value split as ldirectord's add_real_server reads it: address,
 * method, then an optional weight, then an optional `"request"` and
 * `"receive"` separated by a comma or a blank (`"/a.html", "A"` or
 * `"/a.html" "A"`), then thresholds.
 */
export function parseReal(value: string): RealParts | undefined {
  const m = /^\s*(\S+)\s+(\w+)(.*)$/.exec(value);
  if (!m) return undefined;
  const out: RealParts = { where: m[1], method: m[2], rest: '' };
  let rest = m[3];
  const w = /^\s+(\d+)(.*)$/.exec(rest);
  if (w) [, out.weight, rest] = w;
  const rq = /^\s+"(.*)"[, ]\s*"(.*)"(.*)$/.exec(rest);
  if (rq) [, out.request, out.receive, rest] = rq;
  out.rest = rest.trim().replace(/\s+/g, ' ');
  return out;
}

/** `real=ADDR[:PORT] METHOD [WEIGHT] ["REQUEST", "RECEIVE"] [...]` normalised: weight 1 is ldirectord's default; request and receive spelled one way. */
export function normaliseReal(value: string): string {
  const p = parseReal(value);
  if (!p) return value.trim().replace(/\s+/g, ' ');
  const out = [p.where, p.method.toLowerCase()];
  if (p.weight !== undefined && Number(p.weight) !== 1) out.push(String(Number(p.weight)));
  if (p.request !== undefined) out.push(`"${p.request}", "${p.receive ?? ''}"`);
  if (p.rest) out.push(p.rest);
  return out.join(' ');
}

export function normaliseValue(key: string, value: string): string {
  if (key === 'real' || key === 'real6') return normaliseReal(value);
  if (YES_NO.has(key)) return value.trim().toLowerCase();
  if (key === 'httpmethod') return value.trim().toUpperCase();
  if (QUOTED.has(key)) return value;
  return value.trim().replace(/\s+/g, ' ');
}

/** Key → normalised values in order (most keys have one value; `real` has many). */
export function group(entries: Entry[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of entries) {
    const list = out.get(e.key) ?? [];
    list.push(normaliseValue(e.key, e.value));
    out.set(e.key, list);
  }
  return out;
}

export function modelOf(doc: LdDocument): Model {
  return {
    globals: doc.globals,
    virtuals: doc.sections.map((s) => ({ keyword: s.keyword === 'virtual6' ? 'virtual6' : 'virtual', virtual: s.virtual, options: s.options })),
  };
}

/** The name a section is matched by: `virtual=192.168.57.200:80`. */
export function virtualName(v: Pick<VirtualModel, 'keyword' | 'virtual'>): string {
  return `${v.keyword}=${v.virtual.trim()}`;
}

/** How a value is written in the file. */
export function renderValue(key: string, value: string): string {
  return QUOTED.has(key) ? `"${value}"` : value;
}

export function entryLine(e: Entry, indent = ''): string {
  return `${indent}${e.key}=${renderValue(e.key, e.value)}`;
}

export const HEADER = '# Managed by rb (ldirectord module): edits to values rb manages are reverted; comments are kept.';

/** A whole file from the model: for a host without one (or with one rb cannot read). */
export function renderModel(m: Model): string {
  const lines = [HEADER, ...m.globals.map((e) => entryLine(e))];
  for (const v of m.virtuals) lines.push('', `${v.keyword}=${v.virtual}`, ...v.options.map((e) => entryLine(e, '\t')));
  return `${lines.join('\n')}\n`;
}
