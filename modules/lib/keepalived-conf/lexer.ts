// keepalived.conf → tokens, following keepalived's own reader (lib/parser.c):
// `!` and `#` start a comment anywhere outside double quotes (`\#`, `\!` escape
// them), an unquoted `{` or `}` is a token of its own wherever it stands, words
// are split on whitespace and a double-quoted string is one word without its
// quotes. Single quotes are NOT special here: keepalived only gives them meaning
// later, when it splits a script command line.

export type Token = (
  | { type: 'word'; text: string; line: number }
  | { type: 'open'; line: number }
  | { type: 'close'; line: number }
  | { type: 'eol'; line: number }
) & { file?: string };

/** One line of the text keepalived reads, with where it came from. */
export interface SourceLine {
  text: string;
  file: string;
  line: number;
}

/** Tokens of lines that may come from several files (includes), each token naming its file. */
export function tokenizeLines(lines: SourceLine[]): Token[] {
  const tokens: Token[] = [];
  for (const l of lines) {
    const start = tokens.length;
    lexLine(l.text, l.line, l.file, tokens);
    tokens.push({ type: 'eol', line: l.line });
    for (let i = start; i < tokens.length; i++) tokens[i].file = l.file;
  }
  return tokens;
}

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

// Quoted: blanks, comment and brace characters, a backslash (`\#` would lose it
// unquoted), the line prefixes keepalived acts on before it reads a statement
// (`@id`, `~SEQ`, `$NAME=`) and the word `include` (and the `includeX` variants
// of later keepalived versions), which keepalived only takes as an include
// when it stands unquoted.
const NEEDS_QUOTES = /[\s#!{}\\]|^[@~$]|^include[a-z]?$/;

/**
 * Characters that keepalived cannot read back from any word: a double quote
 * ends the quoted string (there is no escape), control characters and line or
 * paragraph separators split or end lines in keepalived or in rb's reader.
 */
export const UNWRITABLE = /["\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/u;

/** `$NAME`, `${NAME}` and `$_PWD`: keepalived replaces them on any line, inside quotes too, and has no escape. */
export const EXPANDED = /\$[A-Za-z_{]/;

/** Why keepalived would not read `word` back as itself, or undefined when it would. */
export function unwritableReason(word: string): string | undefined {
  const bad = UNWRITABLE.exec(word);
  if (bad) return bad[0] === '"' ? 'a double quote (keepalived has no escape for it)' : `the character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (EXPANDED.test(word)) return `"${EXPANDED.exec(word)![0]}" (keepalived expands $NAME and \${NAME} everywhere, even inside quotes)`;
  if (word.endsWith('\\')) return 'a trailing backslash (it escapes the closing quote)';
  return undefined;
}

/** A word as it must be written back so keepalived and the lexer read the same word. */
export function quoteWord(word: string): string {
  const why = unwritableReason(word);
  if (why) throw new Error(`a keepalived word cannot contain ${why}: ${JSON.stringify(word)}`);
  return word === '' || NEEDS_QUOTES.test(word) ? `"${word}"` : word;
}

/**
 * A word as rb keeps it in canonical text, never failing: quoted where quoting
 * keeps its meaning, and as it stood otherwise (a `$NAME=` definition or a word
 * ending in a backslash read from a file cannot be quoted without changing it).
 */
export function canonicalWord(word: string): string {
  if (word === '' || /[\s#!{}]/.test(word)) return `"${word}"`;
  if (unwritableReason(word)) return word;
  return NEEDS_QUOTES.test(word) ? `"${word}"` : word;
}

/** Words of a one-line fragment (a `track_script` entry, a VIP written as text). */
export function splitWords(text: string): string[] {
  return tokenize(text, 'value')
    .filter((t): t is Extract<Token, { type: 'word' }> => t.type === 'word')
    .map((t) => t.text);
}
