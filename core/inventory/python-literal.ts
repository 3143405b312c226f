// INI inventory values, interpreted as Ansible does: the text is handed to
// Python's ast.literal_eval and kept as a plain string when that fails. So
// `80` is a number, `True` a boolean, `None` null, `[80, 443]` a list,
// `"07"` the string 07 — but `true`, `yes` and `07` stay strings.
// This is a small parser of exactly the literals literal_eval accepts.

const NOT_LITERAL = Symbol('not a Python literal');
type Result = unknown | typeof NOT_LITERAL;

/** The value Ansible gets for an INI `key=value` right-hand side. */
export function iniValue(raw: string): unknown {
  const v = parsePythonLiteral(raw);
  return v === NOT_LITERAL ? raw : v;
}

export function parsePythonLiteral(text: string): Result {
  try {
    const p = new Parser(text.replace(/^[ \t]+/, ''));
    const v = p.top();
    return v;
  } catch (e) {
    if (e === NOT_LITERAL) return NOT_LITERAL;
    throw e;
  }
}

function fail(): never {
  throw NOT_LITERAL;
}

const STRING_START = /^([rRuUbBfF]{0,2})('''|"""|'|")/;
const NUMBER = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  top(): unknown {
    const first = this.expr();
    let value: unknown = first;
    if (this.peek() === ',') {
      // `1, 2` is a tuple at the top level, as in Python.
      const items = [first];
      while (this.eat(',')) {
        if (this.atEnd()) break;
        items.push(this.expr());
      }
      value = items;
    }
    if (!this.atEnd()) fail();
    return value;
  }

  private expr(): unknown {
    const c = this.peek();
    if (c === '+' || c === '-') {
      this.i++;
      this.skip();
      // literal_eval takes one sign on a number literal, not on anything else.
      const n = this.atom(true);
      if (typeof n !== 'number') fail();
      return c === '-' ? -n : n;
    }
    return this.atom(false);
  }

  private atom(numberOnly: boolean): unknown {
    this.skip();
    const rest = this.s.slice(this.i);
    const c = rest[0];
    if (c === undefined) fail();
    if (c === '(' && !numberOnly) return this.tupleOrGroup();
    if (c === '(' && numberOnly) {
      const v = this.tupleOrGroup();
      if (typeof v !== 'number') fail();
      return v;
    }
    if (numberOnly && !/^[0-9.]/.test(rest)) fail();
    if (c === '[') return this.list();
    if (c === '{') return this.dictOrSet();
    if (STRING_START.test(rest)) {
      const m = STRING_START.exec(rest)!;
      if (m[1] || m[2]) return this.strings();
    }
    if (/^[0-9.]/.test(rest)) return this.number();
    const name = NAME.exec(rest);
    if (name) {
      this.i += name[0].length;
      if (name[0] === 'True') return true;
      if (name[0] === 'False') return false;
      if (name[0] === 'None') return null;
      if (name[0] === 'set' && this.eat('(') && this.eat(')')) return [];
    }
    return fail();
  }

  private number(): number {
    const m = NUMBER.exec(this.s.slice(this.i));
    const text = m?.[0] ?? '';
    if (!text || text === '.' || /^[eE]/.test(text)) fail();
    const after = this.s[this.i + text.length];
    // `1abc`, `1j` (complex) or `1.2.3` are not literals we can represent.
    if (after !== undefined && /[A-Za-z0-9_.]/.test(after)) fail();
    const clean = text.replace(/_/g, '');
    const isDecimalInt = /^\d+$/.test(clean);
    // Python forbids leading zeros on decimal integers (`07`), except for zero itself.
    if (isDecimalInt && clean.length > 1 && clean[0] === '0' && /[1-9]/.test(clean)) fail();
    this.i += text.length;
    const n = Number(clean);
    if (Number.isNaN(n)) fail();
    return n;
  }

  private strings(): string {
    let out = '';
    let kind: 'str' | 'bytes' | undefined;
    while (this.i < this.s.length) {
      const m = STRING_START.exec(this.s.slice(this.i));
      if (!m) break;
      const prefix = m[1].toLowerCase();
      if (prefix.includes('f') || (prefix.includes('u') && prefix.length > 1)) fail();
      if (new Set(prefix).size !== prefix.length) fail();
      const k = prefix.includes('b') ? 'bytes' : 'str';
      if (kind && kind !== k) fail();
      kind = k;
      this.i += m[0].length;
      out += this.stringBody(m[2], prefix.includes('r'), k === 'bytes');
      this.skip();
    }
    return out;
  }

  private stringBody(quote: string, raw: boolean, bytes: boolean): string {
    let out = '';
    const s = this.s;
    for (;;) {
      if (this.i >= s.length) fail();
      if (s.startsWith(quote, this.i)) {
        this.i += quote.length;
        return bytes ? decodeLatin1AsUtf8(out) : out;
      }
      const c = s[this.i];
      if (quote.length === 1 && c === '\n') fail();
      if (bytes && c.charCodeAt(0) > 127) fail();
      if (c !== '\\') {
        out += c;
        this.i++;
        continue;
      }
      const n = s[this.i + 1];
      if (n === undefined) fail();
      if (raw) {
        out += c + n;
        this.i += 2;
        continue;
      }
      this.i += 2;
      out += this.escape(n, bytes);
    }
  }

  private escape(n: string, bytes: boolean): string {
    const simple: Record<string, string> = {
      '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
    };
    if (n in simple) return simple[n];
    const s = this.s;
    if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(this.i - 1))!;
      this.i += m[0].length - 1;
      return String.fromCharCode(parseInt(m[0], 8));
    }
    const hexLen = n === 'x' ? 2 : !bytes && n === 'u' ? 4 : !bytes && n === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = s.slice(this.i, this.i + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) fail();
      this.i += hexLen;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) fail();
      return String.fromCodePoint(cp);
    }
    // \N{NAME} needs Unicode's name table; anything else keeps its backslash, as Python does.
    if (n === 'N' && !bytes) fail();
    return `\\${n}`;
  }

  private list(): unknown[] {
    this.i++;
    const items = this.sequence(']');
    return items;
  }

  private tupleOrGroup(): unknown {
    this.i++;
    this.skip();
    if (this.eat(')')) return [];
    const first = this.expr();
    if (this.eat(')')) return first;
    if (!this.eat(',')) fail();
    return [first, ...this.sequence(')')];
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      if (this.eat(close)) return items;
      items.push(this.expr());
      if (this.eat(close)) return items;
      if (!this.eat(',')) fail();
    }
  }

  private dictOrSet(): unknown {
    this.i++;
    if (this.eat('}')) return {};
    const firstKey = this.expr();
    if (!this.eat(':')) {
      // A set: JSON has no sets, Ansible prints them as lists.
      if (this.eat('}')) return [firstKey];
      if (!this.eat(',')) fail();
      return [firstKey, ...this.sequence('}')];
    }
    const entries = new DictEntries();
    entries.set(firstKey, this.expr());
    for (;;) {
      if (this.eat('}')) return entries.toObject();
      if (!this.eat(',')) fail();
      if (this.eat('}')) return entries.toObject();
      const k = this.expr();
      if (!this.eat(':')) fail();
      entries.set(k, this.expr());
    }
  }

  private skip(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\f') this.i++;
      else if (c === '#') this.i = s.length;
      else break;
    }
  }

  private peek(): string | undefined {
    this.skip();
    return this.s[this.i];
  }

  private eat(token: string): boolean {
    if (this.peek() === token) {
      this.i++;
      return true;
    }
    return false;
  }

  private atEnd(): boolean {
    this.skip();
    return this.i >= this.s.length;
  }
}

/**
 * A Python dict: keys equal in Python (1 and True) are one key, which keeps
 * the first spelling and the last value; keys are written as json.dumps does.
 */
class DictEntries {
  private readonly entries = new Map<string, [string, unknown]>();

  set(key: unknown, value: unknown): void {
    let id: string;
    let text: string;
    if (key === null) id = text = 'null';
    else if (typeof key === 'boolean') [id, text] = [String(Number(key)), String(key)];
    else if (typeof key === 'number') id = text = String(key);
    else if (typeof key === 'string') [id, text] = [`s:${key}`, key];
    else return fail();
    const known = this.entries.get(id);
    this.entries.set(id, [known ? known[0] : text, value]);
  }

  toObject(): Record<string, unknown> {
    return Object.fromEntries(this.entries.values());
  }
}

/** Bytes literals come out of to_text() decoded as UTF-8. */
function decodeLatin1AsUtf8(s: string): string {
  const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  return new TextDecoder('utf-8').decode(bytes);
}
