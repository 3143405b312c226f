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

/** `real=ADDR[:PORT] METHOD [WEIGHT] [...]` normalised; weight 1 is ldirectord's default. */
export function normaliseReal(value: string): string {
  const w = value.trim().split(/\s+/);
  if (w.length >= 3 && w[2] === '1') w.splice(2, 1);
  if (w[1]) w[1] = w[1].toLowerCase();
  return w.join(' ');
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
