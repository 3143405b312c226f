// Host patterns are checked before they select anything: a blank, empty or
// malformed pattern would otherwise be read as `all` (Ansible drops stray
// brackets and empty parts, so `hosts: "["` or `--limit " "` targets every
// host). Each problem says what is wrong with the part it concerns.

import { parseAddress } from './host-range.js';

/** Ansible's subscripts: `[N]`, `[-N]`, `[N:M]`, `[N:]`, `[N-M]`. */
export const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

/** The problems of one pattern string, empty when it is well formed. */
export function patternProblems(pattern: string): string[] {
  if (!pattern.trim()) return ['empty host pattern: it would select no host (write "all" for every host)'];
  const problems: string[] = [];
  const parts = rawParts(pattern, problems);
  for (const raw of parts) problems.push(...partProblems(raw));
  return [...new Set(problems)];
}

/** Parts as written (not trimmed away): a comma list, one address, or a colon list outside brackets. */
function rawParts(pattern: string, problems: string[]): string[] {
  if (pattern.includes(',')) {
    const parts = pattern.split(',');
    // `host1,` (a trailing comma) is a common way to write a list of one.
    if (parts.length > 1 && !parts[parts.length - 1].trim()) parts.pop();
    return parts;
  }
  if (parseAddress(pattern)) return [pattern];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of pattern) {
    if (c === '[') depth++;
    else if (c === ']') depth--;
    if (depth < 0) {
      problems.push(`"]" without a "[" before it`);
      depth = 0;
    }
    if (c === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  if (depth > 0) problems.push(`"[" is never closed`);
  return parts;
}

function partProblems(raw: string): string[] {
  const part = raw.trim();
  if (!part) return ['empty part (two separators in a row, or one at an end)'];
  const op = part[0] === '!' || part[0] === '&' ? part[0] : '';
  const body = part.slice(op.length);
  if (!body) return [`"${part}" names nothing after "${op}"`];
  if (/\s/.test(body)) return [`"${body}": a host or group name has no blanks`];
  if (body[0] === '~') {
    if (!body.slice(1)) return [`"${part}": empty regular expression after "~"`];
    try {
      new RegExp(body.slice(1));
    } catch (e) {
      return [`invalid regular expression "${part}": ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`];
    }
    return [];
  }
  if (op && (body[0] === '!' || body[0] === '&')) return [`"${part}": "${op}" followed by "${body[0]}"`];
  return bracketProblems(body);
}

/** Outside a regex, brackets are a subscript at the end or fnmatch classes, each closed once. */
function bracketProblems(body: string): string[] {
  let open = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '[') {
      if (open >= 0) return [`"${body}": "[" inside brackets`];
      open = i;
    } else if (c === ']') {
      if (open < 0) return [`"${body}": "]" without a "[" before it`];
      if (i === open + 1) return [`"${body}": empty brackets "[]"`];
      open = -1;
    }
  }
  if (open >= 0) return [`"${body}": "[" is never closed`];
  if (body.startsWith('[')) return [`"${body}": a subscript needs a group or host pattern before it`];
  return [];
}

/** A hint for `grp[:2]`-like parts, which Ansible reads as a name (so they match nothing). */
export function subscriptHint(part: string): string {
  const m = /^[!&]?(.+)\[([^\]]*)\]$/.exec(part.trim());
  if (!m || SUBSCRIPT.test(part.trim().replace(/^[!&]/, '')) || !/^-?\d*:-?\d*$/.test(m[2])) return '';
  return ` ("${m[1]}[${m[2]}]" is no subscript: Ansible reads [N], [-N], [N:M] and [N:], inclusive; write ${m[1]}[0:1] for the first two hosts)`;
}
