// ansible_ssh_common_args / ansible_ssh_extra_args: the ssh command-line flags
// rb honours (-o, -J, -i, -p, -l, -F). Flags that change nothing for rb (-q,
// -v, -C, -T, ...) are accepted and ignored so existing inventories work.

import { configError, type Location } from '../errors.js';
import { setOption, type SshOptions } from './ssh-options.js';

/** Split like a POSIX shell does: quotes and backslashes, no expansion. */
export function shellWords(text: string, loc: Location): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (cur !== null) words.push(cur);
      cur = null;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw configError('unterminated single quote', loc);
      cur = (cur ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1])) j++;
        s += text[j++];
      }
      if (j >= text.length) throw configError('unterminated double quote', loc);
      cur = (cur ?? '') + s;
      i = j + 1;
    } else if (c === '\\' && i + 1 < text.length) {
      cur = (cur ?? '') + text[i + 1];
      i += 2;
    } else {
      cur = (cur ?? '') + c;
      i++;
    }
  }
  if (cur !== null) words.push(cur);
  return words;
}

export interface SshArgs {
  options: SshOptions;
  /** -F FILE: read this config instead of ~/.ssh/config. */
  configFile?: string;
}

// Flags of ssh(1) that take an argument; the ones rb does not use are skipped with it.
const WITH_ARG = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

/** Read the flags into `into` (first value wins, as on ssh's own command line). */
export function parseSshArgs(text: string, varName: string, into: SshArgs): SshArgs {
  const loc: Location = { file: varName, line: 1, col: 1 };
  const words = shellWords(text, loc);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!/^-[A-Za-z0-9]/.test(w)) throw configError(`unexpected argument "${w}" (only ssh options are allowed)`, loc);
    // Boolean flags may be bundled (-qT); the first flag that takes an argument ends the bundle.
    let j = 1;
    while (j < w.length && !WITH_ARG.has(w[j])) j++;
    if (j >= w.length) continue;
    const flag = w[j];
    const arg = j + 1 < w.length ? w.slice(j + 1) : words[++i];
    if (arg === undefined) throw configError(`-${flag} needs a value`, loc);
    switch (flag) {
      case 'o': {
        const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(arg);
        if (!m) throw configError(`-o ${arg}: expected Key=Value`, loc);
        setOption(into.options, m[1], shellWords(m[2], loc), loc);
        break;
      }
      case 'J':
        setOption(into.options, 'ProxyJump', [arg], loc);
        break;
      case 'i':
        setOption(into.options, 'IdentityFile', [arg], loc);
        break;
      case 'p':
        setOption(into.options, 'Port', [arg], loc);
        break;
      case 'l':
        setOption(into.options, 'User', [arg], loc);
        break;
      case 'F':
        into.configFile ??= arg;
        break;
    }
  }
  return into;
}
