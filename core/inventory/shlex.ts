// Word splitting of one INI host line, as Python's shlex.split(line, comments=True)
// does it (POSIX mode): Ansible reads `host a="x y" b='z' # comment` with it, so
// quotes are removed before the value is interpreted and an unquoted `#` starts
// a comment even in the middle of a word.

export class ShlexError extends Error {
  override name = 'ShlexError';
}

const WHITESPACE = ' \t\r\n';

export function shlexSplit(line: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let quoted = false;
  let inWord = false;
  let i = 0;
  const emit = () => {
    if (token || quoted) tokens.push(token);
    token = '';
    quoted = false;
    inWord = false;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === "'" || c === '"') {
      // POSIX: the quote joins the current word; only `"` lets a backslash escape `"` or `\`.
      const close = c;
      quoted = true;
      inWord = true;
      i++;
      for (;;) {
        if (i >= line.length) throw new ShlexError('no closing quotation');
        const q = line[i];
        if (q === close) break;
        if (close === '"' && q === '\\') {
          if (i + 1 >= line.length) throw new ShlexError('no escaped character');
          const n = line[i + 1];
          token += n === '"' || n === '\\' ? n : `\\${n}`;
          i += 2;
          continue;
        }
        token += q;
        i++;
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('no escaped character');
      token += line[i + 1];
      inWord = true;
      i += 2;
    } else if (WHITESPACE.includes(c)) {
      if (inWord) emit();
      i++;
    } else if (c === '#') {
      break;
    } else {
      token += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) emit();
  return tokens;
}
