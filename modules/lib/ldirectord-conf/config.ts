// ldirectord.cf read the way ldirectord 4 reads it (its read_config): global
// `key = value` lines start at column 0; `virtual=` (or `virtual6=`) at column
// 0 opens a section whose lines are indented by at least 4 spaces or a tab;
// comment lines stay inside a section, a blank or unindented line ends it; in
// a section `#` starts a comment anywhere on the line. Every line is kept with
// its kind, so an unchanged document renders back byte for byte and an edit
// touches only the lines it changes.

export interface Entry {
  key: string;
  /** The value with surrounding quotes removed. */
  value: string;
}

export type Line =
  | { kind: 'blank' | 'comment'; text: string; section?: number }
  | { kind: 'global'; text: string; entry: Entry }
  | { kind: 'virtual'; text: string; entry: Entry; section: number }
  | { kind: 'option'; text: string; entry: Entry; section: number };

export interface Section {
  /** `virtual` or `virtual6`. */
  keyword: string;
  /** The virtual's value as written (`192.168.57.200:80`, `3`). */
  virtual: string;
  options: Entry[];
  line: number;
}

export interface LdDocument {
  lines: Line[];
  globals: Entry[];
  sections: Section[];
}

export class LdSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}, line ${line}: ${message}`);
  }
}

/** `"a b"` → `a b`; unquoted values are trimmed. */
export function unquote(v: string): string {
  const t = v.trim();
  const m = /^"(.*)"$/.exec(t);
  return m ? m[1] : t;
}

function entryOf(text: string, file: string, line: number): Entry {
  const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(text);
  if (!m) throw new LdSyntaxError(file, line, `expected KEY = VALUE, got ${JSON.stringify(text.trim().slice(0, 80))}`);
  return { key: m[1], value: unquote(m[2]) };
}

// Outside a section ldirectord does not cut comments: it matches the start of
// the value. `virtual=10.0.0.1:80 # web` is 10.0.0.1:80, `virtual=3 # fw` mark
// 3, `checktimeout=10 # s` is 10 (the first number of the value).
const VIRTUAL_START = [/^\d+\.\d+\.\d+\.\d+:[0-9A-Za-z_-]+/, /^[0-9A-Za-z._+-]+:[0-9A-Za-z_-]+/, /^\[[0-9A-Fa-f:]+\]:[0-9A-Za-z_-]+/, /^\d+/];
export const NUMERIC_GLOBALS = new Set(['checktimeout', 'negotiatetimeout', 'checkinterval', 'checkcount', 'failurecount']);

function globalEntry(e: Entry): Entry {
  if (e.key === 'virtual' || e.key === 'virtual6') {
    for (const re of VIRTUAL_START) {
      const m = re.exec(e.value);
      if (m) return { key: e.key, value: m[0] };
    }
    return e;
  }
  if (NUMERIC_GLOBALS.has(e.key)) {
    const m = /\d+/.exec(e.value);
    if (m) return { key: e.key, value: m[0] };
  }
  return e;
}

/** A section line: ldirectord turns tabs into 4 spaces and wants at least 4. */
function indented(text: string): boolean {
  return /^ {4,}\S/.test(text.replace(/\t/g, '    '));
}

export function parseLdirectord(text: string, file: string): LdDocument {
  const doc: LdDocument = { lines: [], globals: [], sections: [] };
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  let section: number | undefined;
  raw.forEach((text, i) => {
    const n = i + 1;
    if (section !== undefined && /^\s*#/.test(text)) {
      doc.lines.push({ kind: 'comment', text, section });
      return;
    }
    if (section !== undefined && indented(text)) {
      const body = text.replace(/#.*$/, '');
      if (body.trim() === '') {
        doc.lines.push({ kind: 'comment', text, section });
        return;
      }
      const entry = entryOf(body, file, n);
      doc.sections[section].options.push(entry);
      doc.lines.push({ kind: 'option', text, entry, section });
      return;
    }
    section = undefined;
    if (text.trim() === '') doc.lines.push({ kind: 'blank', text });
    else if (/^\s*#/.test(text)) doc.lines.push({ kind: 'comment', text });
    else if (/^\s/.test(text)) throw new LdSyntaxError(file, n, 'an indented line outside a virtual section (ldirectord refuses it)');
    else {
      const entry = globalEntry(entryOf(text, file, n));
      if (entry.key === 'virtual' || entry.key === 'virtual6') {
        section = doc.sections.length;
        doc.sections.push({ keyword: entry.key, virtual: entry.value, options: [], line: n });
        doc.lines.push({ kind: 'virtual', text, entry, section });
      } else {
        doc.globals.push(entry);
        doc.lines.push({ kind: 'global', text, entry });
      }
    }
  });
  return doc;
}

export function renderDocument(doc: LdDocument): string {
  return doc.lines.length ? `${doc.lines.map((l) => l.text).join('\n')}\n` : '';
}
