// Ansible's command module expands each argument as Python's
// os.path.expanduser(os.path.expandvars(word)) does: $NAME and ${NAME} become the
// variable's value when the host's environment has it (and stay as written when
// it does not), and a leading ~ or ~user becomes that home directory. Nothing
// else is expanded: no globs, no command substitution, no word splitting.
// rb does the same on the host: a word that needs it is built piece by piece
// from single-quoted text and tested variables, then run as "$@".

import { argv, quote } from '../../core/transport/shell.js';

/** expandvars' pattern: $ followed by word characters, or ${...}. */
const VAR = /\$(\w+|\{[^}]*\})/gu;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TILDE = /^~([A-Za-z0-9._][A-Za-z0-9._-]*)?(?=\/|$)/;

type Piece = { text: string } | { variable: string; written: string } | { tilde: string };

/** The pieces of one word: literal text, variables to test, a leading tilde. */
export function wordPieces(word: string): Piece[] {
  const pieces: Piece[] = [];
  let rest = word;
  const t = TILDE.exec(rest);
  if (t) {
    pieces.push({ tilde: t[0] });
    rest = rest.slice(t[0].length);
  }
  let last = 0;
  for (const m of rest.matchAll(VAR)) {
    const name = m[1].startsWith('{') ? m[1].slice(1, -1) : m[1];
    if (!NAME.test(name)) continue;
    if (m.index! > last) pieces.push({ text: rest.slice(last, m.index) });
    pieces.push({ variable: name, written: m[0] });
    last = m.index! + m[0].length;
  }
  if (last < rest.length) pieces.push({ text: rest.slice(last) });
  return pieces;
}

function needsExpansion(word: string): boolean {
  return wordPieces(word).some((p) => !('text' in p));
}

function buildWord(word: string): string {
  const steps = ["w=''"];
  for (const p of wordPieces(word)) {
    if ('text' in p) steps.push(`w="$w"${quote(p.text)}`);
    else if ('tilde' in p) steps.push(`for t in ${p.tilde}; do w="$w$t"; done`);
    else steps.push(`if [ -n "\${${p.variable}+x}" ]; then w="$w\${${p.variable}}"; else w="$w"${quote(p.written)}; fi`);
  }
  return `${steps.join('; ')}; set -- "$@" "$w"`;
}

/** The words as one sh line (a `{ ...; }` group when a word is expanded, so `cd DIR && LINE` guards all of it). */
export function commandLine(words: readonly string[]): string {
  if (!words.some(needsExpansion)) return argv(words);
  const parts = ['set --', ...words.map((w) => (needsExpansion(w) ? buildWord(w) : `set -- "$@" ${quote(w)}`)), '"$@"'];
  return `{ ${parts.join('; ')}; }`;
}
