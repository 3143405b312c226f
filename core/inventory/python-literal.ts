// INI inventory values, interpreted as Ansible does: the text is handed to
// Python's ast.literal_eval and kept as a plain string when that fails. So
// `80` is a number, `True` a boolean, `None` null, `[80, 443]` a list,
// `"07"` the string 07 — but `true`, `yes` and `07` stay strings.
// This is a small parser of exactly the literals literal_eval accepts.

import { fail, NOT_LITERAL, readStrings, startsString } from './python-string.js';

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
    if (startsString(rest)) {
      const { value, end } = readStrings(this.s, this.i);
      this.i = end;
      return value;
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

  private list(): unknown[] {
    this.i++;
    return this.sequence(']');
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
