// rsyncd.conf read the way rsync's params.c reads it: line based, `#` only at
// the start of a line (after blanks) makes a comment, `[name]` opens a module
// (`[global]` goes back to the global settings), `key = value` splits at the
// first `=`, a trailing `\` continues the line, `&include`/`&merge` pull in
// other files. Every line is kept with its kind, so an unchanged document
// renders back byte for byte and an edit touches only the lines it changes.

import { canonicalKey, keyId } from './keys.js';

export interface Entry {
  /** Canonical spelling (`hosts allow`). */
  key: string;
  value: string;
}

export type ConfLine =
  | { kind: 'blank' | 'comment' | 'directive'; text: string; section?: number }
  | { kind: 'section'; text: string; section: number }
  | { kind: 'param'; text: string; entry: Entry; section?: number };

export interface ModuleSection {
  name: string;
  entries: Entry[];
  line: number;
}

export interface RsyncdDocument {
  lines: ConfLine[];
  globals: Entry[];
  modules: ModuleSection[];
  /** `&include` / `&merge` lines: rb does not follow them. */
  directives: string[];
  /** Lines without `=` that rsync skips with a warning ("Ignoring badly formed line"): kept, not read. */
  ignored: Array<{ line: number; text: string }>;
}

export class RsyncdSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}, line ${line}: ${message}`);
  }
}

/** rsync folds runs of whitespace in a module name into one space and trims it. */
export function moduleName(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ');
}

export function parseRsyncd(text: string, file: string): RsyncdDocument {
  const doc: RsyncdDocument = { lines: [], globals: [], modules: [], directives: [], ignored: [] };
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  let section: number | undefined;
  for (let i = 0; i < raw.length; i++) {
    const n = i + 1;
    let lineText = raw[i];
    let logical = lineText;
    // A continued line is one logical line; its physical lines stay together.
    while (/\\\s*$/.test(logical) && i + 1 < raw.length && !/^\s*#/.test(lineText)) {
      i++;
      lineText += `\n${raw[i]}`;
      logical = logical.replace(/\\\s*$/, '') + raw[i];
    }
    const body = logical.trim();
    if (body === '') doc.lines.push({ kind: 'blank', text: lineText, section });
    else if (body.startsWith('#') || body.startsWith(';')) doc.lines.push({ kind: 'comment', text: lineText, section });
    else if (body.startsWith('&')) {
      doc.directives.push(body);
      doc.lines.push({ kind: 'directive', text: lineText, section });
    } else if (body.startsWith('[')) {
      const m = /^\[([^\]/]*)\]\s*$/.exec(body);
      if (!m || moduleName(m[1]) === '') throw new RsyncdSyntaxError(file, n, `bad module header ${JSON.stringify(body.slice(0, 80))} (expected [name], no "/" or "]" in the name)`);
      const name = moduleName(m[1]);
      if (name.toLowerCase() === 'global') {
        section = undefined;
        doc.lines.push({ kind: 'comment', text: lineText });
        continue;
      }
      section = doc.modules.length;
      doc.modules.push({ name, entries: [], line: n });
      doc.lines.push({ kind: 'section', text: lineText, section });
    } else {
      const eq = body.indexOf('=');
      if (eq < 0) {
        // rsync's params.c: "Ignoring badly formed line in config file", and reads on.
        doc.ignored.push({ line: n, text: body });
        doc.lines.push({ kind: 'comment', text: lineText, section });
        continue;
      }
      if (eq === 0 || body.slice(0, eq).trim() === '') throw new RsyncdSyntaxError(file, n, `expected "name = value", got ${JSON.stringify(body.slice(0, 80))}`);
      const entry = { key: canonicalKey(body.slice(0, eq)), value: body.slice(eq + 1).trim() };
      if (section === undefined) doc.globals.push(entry);
      else doc.modules[section].entries.push(entry);
      doc.lines.push({ kind: 'param', text: lineText, entry, section });
    }
  }
  return doc;
}

export function renderDocument(doc: RsyncdDocument): string {
  return doc.lines.length ? `${doc.lines.map((l) => l.text).join('\n')}\n` : '';
}

export interface RsyncdModel {
  globals: Entry[];
  modules: Array<{ name: string; entries: Entry[] }>;
}

/** The last value of each key wins, as in rsync; a module defined twice is merged the same way. */
function lastWins(entries: Entry[]): Entry[] {
  const m = new Map<string, Entry>();
  for (const e of entries) {
    m.delete(keyId(e.key));
    m.set(keyId(e.key), e);
  }
  return [...m.values()];
}

export function modelOf(doc: RsyncdDocument): RsyncdModel {
  const modules = new Map<string, Entry[]>();
  for (const s of doc.modules) modules.set(s.name, [...(modules.get(s.name) ?? []), ...s.entries]);
  return {
    globals: lastWins(doc.globals),
    modules: [...modules].map(([name, entries]) => ({ name, entries: lastWins(entries) })),
  };
}

export const HEADER = [
  '# rsyncd.conf, written by rb (module rsyncd). The daemon re-reads this file on',
  '# every connection; address, port and pid file are read when it starts.',
];

/** A fresh file for the model: globals, then one block per module. */
export function renderModel(m: RsyncdModel): string {
  const out = [...HEADER, ...m.globals.map((e) => entryLine(e))];
  for (const mod of m.modules) out.push('', `[${mod.name}]`, ...mod.entries.map((e) => entryLine(e)));
  return `${out.join('\n')}\n`;
}

export function entryLine(e: Entry, indent = ''): string {
  return `${indent}${e.key} = ${e.value}`;
}
