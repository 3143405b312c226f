// How backslashes inside string literals are read. nunjucks drops the backslash
// of unknown escapes ('\d' → 'd'), which breaks every regex in a playbook.
// - 'jinja' (template files, conditions): Python's unicode-escape, as Jinja:
//   \n \t \\ \' \x41 \u00e9 \101 are decoded, unknown escapes (\d, \.) kept.
// - 'verbatim' (playbook values): Ansible doubles backslashes inside `{{ }}`
//   before Jinja sees them, so what is written is what the filter gets:
//   regex_replace('^(\w+)', '\1') works as written in YAML.

export type StringMode = 'jinja' | 'verbatim';

interface Tokenizer {
  forward(): void;
  current(): string;
  isFinished(): boolean;
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function take(t: Tokenizer, re: RegExp, max: number): string {
  let s = '';
  while (s.length < max && !t.isFinished() && re.test(t.current())) {
    s += t.current();
    t.forward();
  }
  return s;
}

function jinjaEscape(t: Tokenizer): string {
  const c = t.current();
  if (Object.hasOwn(SIMPLE, c)) {
    t.forward();
    return SIMPLE[c];
  }
  if (/[0-7]/.test(c)) return String.fromCharCode(parseInt(take(t, /[0-7]/, 3), 8));
  const hexLen = { x: 2, u: 4, U: 8 }[c];
  if (hexLen) {
    t.forward();
    const hex = take(t, /[0-9a-fA-F]/, hexLen);
    if (hex.length === hexLen) return String.fromCodePoint(parseInt(hex, 16));
    return `\\${c}${hex}`;
  }
  t.forward();
  return `\\${c}`;
}

/** A replacement for nunjucks' Tokenizer._parseString, installed per lexer instance. */
export function stringParser(mode: StringMode) {
  return function parseString(this: Tokenizer, delimiter: string): string {
    this.forward();
    let str = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      if (this.current() !== '\\') {
        str += this.current();
        this.forward();
        continue;
      }
      this.forward();
      if (this.isFinished()) break;
      if (mode === 'jinja') {
        str += jinjaEscape(this);
      } else {
        // Verbatim, but an escaped quote must not end the string.
        const c = this.current();
        str += c === delimiter ? c : `\\${c}`;
        this.forward();
      }
    }
    this.forward();
    return str;
  };
}
