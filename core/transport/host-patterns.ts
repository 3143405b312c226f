// OpenSSH host patterns, shared by ssh config `Host` lines and known_hosts
// entries: `*` and `?` wildcards, `!` negation, case-insensitive like ssh's
// lowercased host names.

/** One glob pattern against one name (whole-string match). */
export function globMatch(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative wildcard match with backtracking to the last `*`.
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < n.length) {
    if (j < p.length && (p[j] === '?' || p[j] === n[i])) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '*') {
      star = j++;
      mark = i;
    } else if (star !== -1) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < p.length && p[j] === '*') j++;
  return j === p.length;
}

/**
 * A list of patterns matches when at least one positive pattern matches and
 * no negated one does (a negated match vetoes the whole list, as in OpenSSH).
 */
export function patternListMatch(name: string, patterns: readonly string[]): boolean {
  let positive = false;
  for (const pat of patterns) {
    if (pat.startsWith('!')) {
      if (globMatch(name, pat.slice(1))) return false;
    } else if (globMatch(name, pat)) {
      positive = true;
    }
  }
  return positive;
}
