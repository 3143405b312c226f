// Values that keepalived would not read back as written, found before any host
// is touched and reported on the exact param (`instances[0].notify_master`).
// The schema patterns already refuse the characters no keepalived word can hold
// (lexer.ts); this walk adds what needs more than one character to see:
// addresses and interface names, numbers keepalived reads differently, lines
// longer than keepalived's line buffer (the rest would become a new line), and
// `extra` statements that are not statements (includes, `$NAME=`, `@id`, `~SEQ`).

import { isIP } from 'node:net';
import type { BlockSpec, FieldSpec, Format } from './grammar.js';
import { quoteWord, splitWords, unwritableReason } from '../lib/keepalived-conf/lexer.js';
import { INCLUDE_KEYWORDS, parseConf, type ConfNode } from '../lib/keepalived-conf/parser.js';
import { truncateUtf8 } from './model.js';
import { canonicalLine, normalizeAddress, vipFromParam, vipText } from './values.js';

type Problem = [string, string];
type Obj = Record<string, unknown>;

/** keepalived reads lines into a 1024-byte buffer; anything longer is cut into a new line. */
export const MAX_LINE_BYTES = 1000;

/** A plain IP address as keepalived's inet_pton reads it (no prefix, no zone). */
export function isPlainIp(s: string): boolean {
  return isIP(s) !== 0 && !s.includes('%');
}

/**
 * A Linux interface name: 1-15 bytes, no blank, '/' or ':', not "." or "..".
 * A leading '-' is refused too (tools read it as an option).
 */
export function ifnameProblem(s: string): string | undefined {
  if (s === '' || Buffer.byteLength(s) > 15) return `interface name ${JSON.stringify(s)} must be 1-15 characters`;
  if (!/^[\x21-\x7e]+$/.test(s) || /[/:]/.test(s)) return `interface name ${JSON.stringify(s)} has a blank, '/', ':' or a non-ASCII character`;
  if (s.startsWith('-')) return `interface name ${JSON.stringify(s)} starts with '-'`;
  if (s === '.' || s === '..') return `${JSON.stringify(s)} is not an interface name`;
  return undefined;
}

/** `value` is one word (`word` fields) or a list entry whose first word is checked. */
function formatProblem(format: Format, value: string, entry = false): string | undefined {
  const words = entry ? splitWords(value) : [value];
  switch (format) {
    case 'ip':
      return isPlainIp(words[0] ?? '') ? undefined : `${JSON.stringify(words[0] ?? value)} is not an IPv4 or IPv6 address`;
    case 'ifname':
      return ifnameProblem(words[0] ?? '');
    case 'ip-port': {
      if (!isPlainIp(words[0] ?? '')) return `${JSON.stringify(words[0] ?? value)} is not an IPv4 or IPv6 address`;
      if (words.length > 2 || (words[1] !== undefined && !(/^\d{1,5}$/.test(words[1]) && Number(words[1]) <= 65535))) return `expected "IP [PORT]", got ${JSON.stringify(value)}`;
      return undefined;
    }
    case 'label': {
      const [dev, ...rest] = value.split(':');
      if (rest.length === 0 || Buffer.byteLength(value) > 15 || dev === '') return `label ${JSON.stringify(value)} must be DEV:NAME, at most 15 characters`;
      const why = ifnameProblem(dev);
      return why && `label ${JSON.stringify(value)}: ${why}`;
    }
  }
}

/**
 * keepalived splits a command into its arguments honouring single quotes and
 * backslash escapes (also inside the quotes), and refuses the script when a
 * quote is not closed.
 */
export function commandProblem(command: string): string | undefined {
  let quoted = false;
  for (let i = 0; i < command.length; i++) {
    if (command[i] === '\\') i++;
    else if (command[i] === "'") quoted = !quoted;
  }
  return quoted ? `the command ${JSON.stringify(command)} has an unclosed single quote (keepalived refuses the script)` : undefined;
}

const NUMBER_TEXT = /^-?\d+(\.\d{1,6})?$/;

function numberProblem(fs: FieldSpec, v: unknown): string | undefined {
  if (typeof v !== 'number') return undefined;
  if (!NUMBER_TEXT.test(String(v))) {
    return fs.kind === 'int' ? `${v} cannot be written as a whole number keepalived reads` : `${v}: at most 6 decimal places (keepalived reads micro-seconds) and no exponent`;
  }
  if (Math.abs(v) > 4294967295) return `${v} is beyond keepalived's 32-bit range`;
  return undefined;
}

function lineProblem(text: string, depth: number, keyword: string): string | undefined {
  const bytes = 4 * (depth + 1) + Buffer.byteLength(keyword) + 1 + Buffer.byteLength(text);
  return bytes > MAX_LINE_BYTES ? `the line would be ${bytes} bytes; keepalived reads at most ${MAX_LINE_BYTES} (the rest would become a statement of its own)` : undefined;
}

function pathOf(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;
}

/** Why an `extra` statement cannot be written as a statement of its own. */
export function extraProblems(nodes: ConfNode[], depth: number, spec?: BlockSpec): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    const kw = n.words[0];
    const typed = spec?.fields.find((f) => f.keyword === kw || f.aliases?.includes(kw));
    if (typed) out.push(`"${kw}" is a typed field here: give it as ${typed.field}, so rb compares and writes it`);
    else if (INCLUDE_KEYWORDS.has(kw)) out.push(`"${kw}" is not allowed: rb must see every statement it writes (use the typed fields or put the file's statements here)`);
    else if (/^[@~$]/.test(kw)) out.push(`"${kw}": keepalived takes a line starting with @, ~ or $ as a condition, a sequence or a definition, not a statement`);
    for (const w of n.words) {
      const why = unwritableReason(w);
      if (why) out.push(`${JSON.stringify(w)} holds ${why}`);
      // keepalived 2.2 takes even a quoted "}" as the end of the block.
      else if (/[{}]/.test(w)) out.push(`${JSON.stringify(w)}: a brace inside a word (keepalived takes a quoted brace as a block boundary)`);
    }
    if (!out.length) {
      const long = lineProblem(canonicalLine(n.words.slice(1)), depth, kw);
      if (long) out.push(`${kw}: ${long}`);
    }
    if (n.children) out.push(...extraProblems(n.children, depth + 1));
  }
  return out;
}

/** Problems of one value of `fs`, `v` as validated by the schema. */
function fieldProblems(fs: FieldSpec, v: unknown, path: string, depth: number): Problem[] {
  const out: Problem[] = [];
  const at = (p: string, msg: string | undefined) => msg && out.push([p, msg]);
  switch (fs.kind) {
    case 'int':
    case 'number':
      at(path, numberProblem(fs, v));
      break;
    case 'word':
    case 'cmd':
    case 'args':
      if (typeof v !== 'string') break;
      if (fs.format) at(path, formatProblem(fs.format, v, fs.kind === 'args'));
      if (fs.kind === 'cmd') at(path, commandProblem(v));
      if (fs.truncateBytes !== undefined && Buffer.byteLength(v) > fs.truncateBytes) {
        // rb writes what keepalived keeps: those bytes must be a value rb can write.
        const kept = truncateUtf8(v, fs.truncateBytes);
        const why = unwritableReason(kept);
        if (Buffer.byteLength(kept) !== fs.truncateBytes) at(path, `keepalived keeps the first ${fs.truncateBytes} bytes, which would cut a character in two here`);
        else if (why) at(path, `keepalived keeps the first ${fs.truncateBytes} bytes, and they would end in ${why}`);
      }
      at(path, lineProblem(fs.kind === 'args' ? v.split(' ').map(quoteWord).join(' ') : quoteWord(v), depth, fs.keyword));
      break;
    case 'words':
    case 'lines':
      (v as unknown[]).forEach((item, i) => {
        if (typeof item !== 'string') return;
        if (fs.format) at(pathOf(path, i), formatProblem(fs.format, item, true));
        at(pathOf(path, i), lineProblem(canonicalLine(splitWords(item)), depth + 1, ''));
      });
      break;
    case 'vips':
      (v as unknown[]).forEach((item, i) => out.push(...vipProblems(item, pathOf(path, i), depth + 1)));
      break;
    case 'block':
      if (v && typeof v === 'object') out.push(...blockProblems(fs.block, v as Obj, path, depth + 1));
      break;
    case 'blocks':
      (v as unknown[]).forEach((item, i) => {
        if (!item || typeof item !== 'object') return;
        const head = (fs.block.key?.render(item as Obj) ?? []).map((w) => (unwritableReason(w) ? w : quoteWord(w)));
        at(pathOf(path, i), lineProblem(`${head.join(' ')} {`, depth, fs.keyword));
        out.push(...blockProblems(fs.block, item as Obj, pathOf(path, i), depth + 1));
      });
      break;
  }
  return out;
}

function vipProblems(item: unknown, path: string, depth: number): Problem[] {
  const vip = vipFromParam(item);
  if (!vip) return []; // reported by the rules, with the instance name
  const out: Problem[] = [];
  const ip = vip.address.split('/')[0];
  if (!isPlainIp(ip) || !normalizeAddress(vip.address)) out.push([path, `${JSON.stringify(vip.address)} is not an IPv4 or IPv6 address`]);
  if (vip.dev !== undefined) {
    const why = ifnameProblem(vip.dev);
    if (why) out.push([path, `dev: ${why}`]);
  }
  if (vip.label !== undefined) {
    const why = formatProblem('label', vip.label);
    if (why) out.push([path, why]);
  }
  if (vip.brd !== undefined && !isPlainIp(vip.brd) && vip.brd !== '+' && vip.brd !== '-') out.push([path, `brd ${JSON.stringify(vip.brd)} is not an address`]);
  const long = lineProblem(vipText(vip), depth, '');
  if (long) out.push([path, long]);
  return out;
}

/** Every problem of a block of params (the whole params for the root). */
export function blockProblems(spec: BlockSpec, p: Obj, path = '', depth = -1): Problem[] {
  const out: Problem[] = [];
  for (const fs of spec.fields) {
    const v = p[fs.field];
    if (v === undefined || v === null) continue;
    out.push(...fieldProblems(fs, v, pathOf(path, fs.field), depth));
  }
  if (Array.isArray(p.extra)) {
    p.extra.forEach((text, i) => {
      let nodes: ConfNode[];
      try {
        nodes = parseConf(String(text), 'extra');
      } catch {
        return; // syntax errors are reported by the rules
      }
      const at = pathOf(pathOf(path, 'extra'), i);
      if (nodes.length !== 1) out.push([at, `holds ${nodes.length} statements: give each statement (with its block) as an entry of its own`]);
      for (const msg of extraProblems(nodes, depth + 1, spec)) out.push([at, msg]);
    });
  }
  return out;
}
