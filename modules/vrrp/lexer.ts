// keepalived.conf → tokens, following keepalived's own reader (lib/parser.c):
// `!` and `#` start a comment anywhere outside double quotes (`\#`, `\!` escape
// them), an unquoted `{` or `}` is a token of its own wherever it stands, words
// are split on whitespace and a double-quoted string is one word without its
// quotes. Single quotes are NOT special here: keepalived only gives them meaning
// later, when it splits a script command line.

export type Token =
  | { type: 'word'; text: string; line: number }
  | { type: 'open'; line: number }
  | { type: 'close'; line: number }
  | { type: 'eol'; line: number };

export class ConfSyntaxError extends Error {
  override name = 'ConfSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

const SPACE = /[ \t\f\v\r]/;

/** Tokens of one file; every line ends with an `eol` token. */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    lexLine(raw, line, file, tokens);
    tokens.push({ type: 'eol', line });
  });
  return tokens;
}

function lexLine(raw: string, line: number, file: string, out: Token[]): void {
  let i = 0;
  let word: string | null = null;
  const flush = () => {
    if (word !== null) out.push({ type: 'word', text: word, line });
    word = null;
  };
  while (i < raw.length) {
    const c = raw[i];
    if (c === '"') {
      // A quote always starts a new word and ends at the next quote (no escapes).
      flush();
      const end = raw.indexOf('"', i + 1);
      if (end < 0) throw new ConfSyntaxError(file, line, 'unterminated quote');
      out.push({ type: 'word', text: raw.slice(i + 1, end), line });
      i = end + 1;
      continue;
    }
    if (c === '\\' && (raw[i + 1] === '#' || raw[i + 1] === '!')) {
      word = (word ?? '') + raw[i + 1];
      i += 2;
      continue;
    }
    if (c === '#' || c === '!') break;
    if (c === '{' || c === '}') {
      flush();
      out.push({ type: c === '{' ? 'open' : 'close', line });
      i++;
      continue;
    }
    if (SPACE.test(c)) flush();
    else word = (word ?? '') + c;
    i++;
  }
  flush();
}

const NEEDS_QUOTES = /[\s#!{}"]/;

/** A word as it must be written back so the lexer reads the same word. */
export function quoteWord(word: string): string {
  if (word.includes('"')) throw new Error(`a keepalived word cannot contain a double quote: ${word}`);
  return word === '' || NEEDS_QUOTES.test(word) ? `"${word}"` : word;
}

/** Words of a one-line fragment (a `track_script` entry, a VIP written as text). */
export function splitWords(text: string): string[] {
  return tokenize(text, 'value')
    .filter((t): t is Extract<Token, { type: 'word' }> => t.type === 'word')
    .map((t) => t.text);
}
