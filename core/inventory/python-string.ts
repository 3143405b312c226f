// Python string literals for python-literal.ts: quotes '…' "…" '''…''' """…""",
// prefixes r/u/b (f-strings are not literals), escapes, and adjacent literals
// joined ('a' 'b' is 'ab'). Bytes come out decoded as UTF-8, as Ansible's
// to_text() leaves them.

export const NOT_LITERAL = Symbol('not a Python literal');

export function fail(): never {
  throw NOT_LITERAL;
}

const STRING_START = /^([rRuUbBfF]{0,2})('''|"""|'|")/;

export function startsString(text: string): boolean {
  return STRING_START.test(text);
}

/** Reads one or more adjacent string literals starting at `start`; throws NOT_LITERAL if they are not valid. */
export function readStrings(s: string, start: number): { value: string; end: number } {
  let i = start;
  let out = '';
  let kind: 'str' | 'bytes' | undefined;
  for (;;) {
    const m = STRING_START.exec(s.slice(i));
    if (!m) break;
    const prefix = m[1].toLowerCase();
    if (prefix.includes('f') || (prefix.includes('u') && prefix.length > 1)) fail();
    if (new Set(prefix).size !== prefix.length) fail();
    const k = prefix.includes('b') ? 'bytes' : 'str';
    if (kind && kind !== k) fail();
    kind = k;
    const body = readBody(s, i + m[0].length, m[2], prefix.includes('r'), k === 'bytes');
    out += body.value;
    i = skipBlank(s, body.end);
  }
  return { value: out, end: i };
}

function readBody(s: string, start: number, quote: string, raw: boolean, bytes: boolean): { value: string; end: number } {
  let out = '';
  let i = start;
  for (;;) {
    if (i >= s.length) fail();
    if (s.startsWith(quote, i)) return { value: bytes ? utf8(out) : out, end: i + quote.length };
    const c = s[i];
    if (quote.length === 1 && c === '\n') fail();
    if (bytes && c.charCodeAt(0) > 127) fail();
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const n = s[i + 1];
    if (n === undefined) fail();
    if (raw) {
      out += c + n;
      i += 2;
      continue;
    }
    const e = escape(s, i + 1, bytes);
    out += e.value;
    i = e.end;
  }
}

const SIMPLE: Record<string, string> = {
  '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** The escape whose letter is at `at` (just after the backslash). */
function escape(s: string, at: number, bytes: boolean): { value: string; end: number } {
  const n = s[at];
  if (n in SIMPLE) return { value: SIMPLE[n], end: at + 1 };
  const octal = /^[0-7]{1,3}/.exec(s.slice(at));
  if (octal) return { value: String.fromCharCode(parseInt(octal[0], 8)), end: at + octal[0].length };
  const hexLen = n === 'x' ? 2 : !bytes && n === 'u' ? 4 : !bytes && n === 'U' ? 8 : 0;
  if (hexLen) {
    const hex = s.slice(at + 1, at + 1 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) fail();
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) fail();
    return { value: String.fromCodePoint(cp), end: at + 1 + hexLen };
  }
  // \N{NAME} needs Unicode's name table; any other escape keeps its backslash, as Python does.
  if (n === 'N' && !bytes) fail();
  return { value: `\\${n}`, end: at + 1 };
}

function skipBlank(s: string, start: number): number {
  let i = start;
  while (i < s.length) {
    if (s[i] === ' ' || s[i] === '\t' || s[i] === '\f') i++;
    else if (s[i] === '#') i = s.length;
    else break;
  }
  return i;
}

function utf8(latin1: string): string {
  return new TextDecoder('utf-8').decode(Uint8Array.from(latin1, (c) => c.charCodeAt(0) & 0xff));
}
