// keepalived's own line processing, before it reads any statement (lib/parser.c
// read_line, man keepalived.conf "ADVANCED CONFIGURATION"), so that rb reads a
// host's file as the daemon does:
//   - `@ID line` keeps the line only where the config-id is ID (`@^ID`: is not);
//     the config-id is `keepalived -i`, by default the node name up to its first dot;
//   - `$NAME=VALUE` defines a parameter (a trailing `\` continues the value on
//     the next line); `$NAME` (followed by a blank, `,`, `)` or the end) and
//     `${NAME}` are replaced, recursively, also inside quotes; `$_INSTANCE` is the
//     config-id, `$_PWD` the folder of the file being read; `$_RANDOM` stays as is;
//   - `~SEQ(VAR, START, STEP, END) LINE` repeats LINE with $VAR set to each value;
//   - `include PATTERN` (exactly two words) is replaced by the files it matches,
//     read with the same parameters.
// Comments are cut first; `{`/`}` and quoting are left to the lexer.

import { posix } from 'node:path';
import { splitWords, type SourceLine } from '../lib/keepalived-conf/lexer.js';
import type { IncludedFiles } from '../lib/keepalived-conf/parser.js';

export interface ReadContext {
  /** keepalived's config-id (`-i`), by default the short node name; undefined: unknown. */
  configId?: string;
  /** Files of each include pattern (absolute), as fetched from the host. */
  files: IncludedFiles;
}

export interface Expanded {
  lines: SourceLine[];
  /** Include patterns met whose files are not in `files` yet (fetch them and read again). */
  missing: string[];
  /** Files read through includes. */
  included: string[];
}

interface Definition {
  value: string;
  multiline: boolean;
}

interface State {
  ctx: ReadContext;
  defs: Map<string, Definition>;
  out: SourceLine[];
  missing: Set<string>;
  included: string[];
  budget: number;
}

/** The lines keepalived reads from `text` (the file at `file`) and what it includes. */
export function expandConfig(text: string, file: string, ctx: ReadContext): Expanded {
  const st: State = { ctx, defs: new Map(), out: [], missing: new Set(), included: [], budget: 100_000 };
  readFile(st, text, file, 0);
  return { lines: st.out, missing: [...st.missing], included: st.included };
}

/** The line without its comment (outside double quotes), trimmed as keepalived trims it. */
export function decomment(raw: string): string {
  let quote = false;
  let i = 0;
  for (; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') quote = !quote;
    else if (c === '\\' && i + 1 < raw.length) i++;
    else if (!quote && (c === '#' || c === '!')) break;
  }
  return raw.slice(0, i).replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
}

function readFile(st: State, text: string, file: string, depth: number): void {
  const raw = text.split('\n');
  let pendingDef: Definition | undefined;
  raw.forEach((r, i) => {
    let line = decomment(r);
    if (pendingDef) {
      // A multi-line definition goes on while its lines end with a backslash.
      const more = line.endsWith('\\');
      if (more) line = line.slice(0, -1).replace(/[ \t]+$/, '');
      if (line !== '') pendingDef.value += (pendingDef.value === '' ? '' : '\n') + line;
      if (!more) pendingDef = undefined;
      return;
    }
    pendingDef = processLine(st, line, file, i + 1, depth);
  });
}

/** One line through @, definitions, ~SEQ, parameter replacement and include; a multi-line definition it starts. */
function processLine(st: State, text: string, file: string, lineNo: number, depth: number): Definition | undefined {
  if (--st.budget < 0) return undefined;
  let line = text;
  for (let pass = 0; pass < 16; pass++) {
    if (line === '') return undefined;
    if (line.startsWith('@')) {
      const neg = line.startsWith('@^');
      const m = /^@\^?(\S*)[ \t]+(.*)$/.exec(line);
      if (!m) return undefined;
      const matches = st.ctx.configId !== undefined && m[1] === st.ctx.configId;
      if (matches === neg) return undefined;
      line = m[2];
    }
    const def = /^\$([A-Za-z_][A-Za-z0-9_]*)=[ \t]*(.*)$/.exec(line);
    if (def) {
      const multiline = def[2].endsWith('\\');
      const d: Definition = { value: multiline ? def[2].slice(0, -1).replace(/[ \t]+$/, '') : def[2], multiline };
      st.defs.set(def[1], d);
      return multiline ? d : undefined;
    }
    const seq = /^~SEQ(x?)[ \t]*\([ \t]*([^ \t,)]+)[ \t]*,([^)]*)\)[ \t]*(.*)$/.exec(line);
    if (seq) {
      for (const v of sequence(seq[3], seq[1] === 'x')) {
        st.defs.set(seq[2], { value: v, multiline: false });
        processLine(st, seq[4], file, lineNo, depth);
      }
      return undefined;
    }
    if (line.startsWith('~')) break;
    const replaced = replaceParams(st, line, file);
    if (replaced === undefined) break;
    if (replaced.includes('\n')) {
      // A multi-line parameter: each of its lines is read in turn.
      for (const l of replaced.split('\n')) processLine(st, decomment(l), file, lineNo, depth);
      return undefined;
    }
    line = replaced;
    if (!line.startsWith('@') && !line.startsWith('~SEQ') && !/\$/.test(line)) break;
  }
  const words = splitWords(line);
  if (words[0] === 'include' && words.length === 2) {
    include(st, posix.resolve(posix.dirname(file), words[1]), depth);
    return undefined;
  }
  st.out.push({ text: line, file, line: lineNo });
  return undefined;
}

function include(st: State, pattern: string, depth: number): void {
  const matched = st.ctx.files[pattern];
  if (!matched) {
    st.missing.add(pattern);
    return;
  }
  if (depth >= 8) return;
  for (const f of matched) {
    st.included.push(f.path);
    readFile(st, f.text, f.path, depth + 1);
  }
}

/** `START, STEP, END` | `START, END` | `END`, as keepalived reads them; at most 10,000 values. */
function sequence(args: string, hex: boolean): string[] {
  const n = args.split(',').map((a) => Number(a.trim()));
  if (n.some((x) => !Number.isInteger(x))) return [];
  const [start, step, end] = n.length === 3 ? n : n.length === 2 ? [n[0], n[0] <= n[1] ? 1 : -1, n[1]] : [n[0] < 0 ? -1 : 1, n[0] < 1 ? -1 : 1, n[0]];
  const out: string[] = [];
  if (step === 0 || (start < end && step < 0) || (start > end && step > 0)) return out;
  for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
    out.push(hex ? v.toString(16) : String(v));
    if (out.length >= 10_000) break;
  }
  return out;
}

/** The line with its parameters replaced, or undefined when none was. */
function replaceParams(st: State, line: string, file: string): string | undefined {
  let out = line;
  let found = false;
  let pos = out.indexOf('$');
  let guard = 0;
  while (pos >= 0 && pos + 1 < out.length && guard++ < 1000 && out.length < 65536) {
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)(?=[ \t,)]|$))/.exec(out.slice(pos));
    const name = m?.[1] ?? m?.[2];
    const value = name === undefined ? undefined : lookup(st, name, file);
    if (!m || value === undefined) {
      pos = out.indexOf('$', pos + 1);
      continue;
    }
    const def = st.defs.get(name!);
    // A multi-line parameter only counts as the whole line.
    if (def?.multiline && m[0].length !== out.length - pos) {
      pos = out.indexOf('$', pos + 1);
      continue;
    }
    found = true;
    out = out.slice(0, pos) + value + out.slice(pos + m[0].length);
    // Replacement is recursive: look again from the same place.
  }
  return found ? out : undefined;
}

function lookup(st: State, name: string, file: string): string | undefined {
  const def = st.defs.get(name);
  if (def) return def.value;
  if (name === '_PWD') return posix.dirname(file);
  if (name === '_INSTANCE') return st.ctx.configId;
  return undefined;
}
