// sersync takes rsync's short options as one string (`-artuz`, its
// <commonParams>); lsyncd wants them as named fields of its `rsync = {...}`
// table. This is the translation, letter by letter, refusing letters that have
// no lsyncd field (rather than silently dropping them).

/** rsync short option → lsyncd rsync-table field (lsyncd 2.2, default.rsync). */
const LETTERS: Record<string, string> = {
  a: 'archive',
  t: 'times',
  u: 'update',
  z: 'compress',
  v: 'verbose',
  l: 'links',
  p: 'perms',
  o: 'owner',
  g: 'group',
  c: 'checksum',
  H: 'hard_links',
  S: 'sparse',
  x: 'one_file_system',
  L: 'copy_links',
  W: 'whole_file',
  A: 'acls',
  X: 'xattrs',
  q: 'quiet',
};

// lsyncd always recurses and transfers relative to the source, as sersync's
// -R does: these letters need no field. -D has no field: passed through.
const IMPLIED = new Set(['r', 'R']);
const PASSED = new Set(['D']);

export const SUPPORTED_LETTERS = [...Object.keys(LETTERS), ...IMPLIED, ...PASSED].join('');

/** Letters of `-artuz` lsyncd cannot express, for validation. */
export function unsupportedLetters(options: string): string[] {
  return [...options.replace(/^-/, '')].filter((c) => !(c in LETTERS) && !IMPLIED.has(c) && !PASSED.has(c));
}

export interface LsyncdRsyncFlags {
  /** lsyncd fields set to true, in the order of the letters. */
  fields: string[];
  /** Options passed as they are (`_extra`). */
  extra: string[];
}

export function lsyncdFlags(options: string): LsyncdRsyncFlags {
  const fields: string[] = [];
  const extra: string[] = [];
  for (const c of options.replace(/^-/, '')) {
    if (c in LETTERS && !fields.includes(LETTERS[c])) fields.push(LETTERS[c]);
    else if (PASSED.has(c) && !extra.includes(`-${c}`)) extra.push(`-${c}`);
  }
  return { fields, extra };
}

/**
 * An rsync-style exclude pattern (`*.swp`, `cache/`) as the regular
 * expression sersync's <exclude expression> expects.
 */
export function globToRegex(glob: string): string {
  let out = '';
  for (const c of glob) {
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if ('\\^$.|+()[]{}'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}
