// The pure block edit behind `blockinfile`, with Ansible's semantics (2.14):
// - the block sits between two marker lines, `marker` with {mark} replaced by
//   marker_begin / marker_end; the LAST line equal to each marker is used;
// - both markers found: the lines between them (inclusive) are replaced, in
//   place; one or none found: the block is inserted at insertafter/insertbefore
//   (a regexp's last matching line, EOF or BOF; a regexp matching nothing means
//   EOF), and a lone marker stays where it is;
// - state absent, or an empty block: the markers and what they hold are removed;
// - a missing final newline before the insertion point is added; the block
//   itself always ends with one.

import { pythonRegExp } from '../lib/python-regexp.js';

export interface BlockEdit {
  block: string;
  marker: string;
  markerBegin: string;
  markerEnd: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
}

export interface BlockResult {
  content: string;
  action: 'none' | 'created' | 'inserted' | 'replaced' | 'removed';
  /** The lines the markers held before (markers excluded), when there were any. */
  before?: string;
  /** 1-based line of the begin marker in the result (inserted/replaced), or where the block was. */
  at?: number;
}

/** Lines with their terminators, split as Python's bytes.splitlines(True) does (\n, \r\n, \r). */
export function splitKeep(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

export function markerLines(e: Pick<BlockEdit, 'marker' | 'markerBegin' | 'markerEnd'>): [string, string] {
  return [`${e.marker.replaceAll('{mark}', e.markerBegin)}\n`, `${e.marker.replaceAll('{mark}', e.markerEnd)}\n`];
}

/** Edit `text` (undefined: the file does not exist yet and will be created). */
export function editBlock(text: string | undefined, e: BlockEdit): BlockResult {
  const original = text ?? '';
  const lines = splitKeep(original);
  const [m0, m1] = markerLines(e);
  const block = e.block.endsWith('\n') || e.block === '' ? e.block : `${e.block}\n`;
  const blockLines = e.state === 'present' && e.block !== '' ? [m0, ...splitKeep(block), m1] : [];

  let n0 = -1;
  let n1 = -1;
  lines.forEach((l, i) => {
    if (l === m0) n0 = i;
    if (l === m1) n1 = i;
  });
  let before: string | undefined;
  const found = n0 >= 0 && n1 >= 0;
  if (found) {
    const [a, b] = n0 < n1 ? [n0, n1] : [n1, n0];
    before = lines.slice(a + 1, b).join('').replace(/\n$/, '');
    lines.splice(a, b - a + 1);
    n0 = a;
  } else {
    n0 = insertAt(original, lines, e);
  }
  if (n0 > 0 && !lines[n0 - 1].endsWith('\n') && !lines[n0 - 1].endsWith('\r')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blockLines);
  const content = lines.join('');
  if (text !== undefined && content === original) return { content, action: 'none', ...(found ? { at: n0 + 1 } : {}) };
  if (text === undefined) return { content, action: 'created', at: blockLines.length ? n0 + 1 : undefined };
  if (!blockLines.length) return { content, action: 'removed', before, at: n0 + 1 };
  return { content, action: found ? 'replaced' : 'inserted', before, at: n0 + 1 };
}

function insertAt(original: string, lines: string[], e: BlockEdit): number {
  const after = e.insertafter ?? (e.insertbefore === undefined ? 'EOF' : undefined);
  const pattern = after !== undefined && after !== 'EOF' ? after : e.insertbefore !== undefined && e.insertbefore !== 'BOF' ? e.insertbefore : undefined;
  if (pattern === undefined) return after !== undefined ? lines.length : 0;
  const { re, multiline } = pythonRegExp(pattern);
  let n: number | undefined;
  if (multiline) {
    const m = re.exec(original);
    if (m) n = newlinesBefore(original, after !== undefined ? m.index + m[0].length : m.index);
  } else {
    // Python searches each line with its terminator, where `$` also matches before a final
    // newline: the line without its terminator first, then as it is (for patterns naming \n).
    lines.forEach((l, i) => {
      if (re.test(l.replace(/\r?\n$|\r$/, '')) || re.test(l)) n = i;
    });
  }
  if (n === undefined) return lines.length;
  return after !== undefined ? n + 1 : n;
}

function newlinesBefore(text: string, end: number): number {
  let c = 0;
  for (let i = 0; i < end; i++) if (text[i] === '\n') c++;
  return c;
}
