// The persisted form: one sysctl.d file that several rb tasks may share. Editing
// touches only the lines of the keys a task manages; other lines, comments and
// their order are kept, so two tasks writing the same file do not undo each other.

import { canonicalKey } from './keys.js';

export interface ConfEntry {
  /** The key as written in the file. */
  key: string;
  value: string;
  /** 0-based line index. */
  line: number;
}

export const CONF_HEADER = '# Managed by rb (sysctl module): keys set by rb tasks; other lines are kept.';

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `key = value` lines, as `sysctl -p` and systemd-sysctl read them (`-key` ignores errors). */
export function parseSysctlConf(text: string): ConfEntry[] {
  const entries: ConfEntry[] = [];
  splitLines(text).forEach((raw, line) => {
    const s = raw.trim();
    if (s === '' || s.startsWith('#') || s.startsWith(';')) return;
    const eq = s.indexOf('=');
    if (eq <= 0) return; // sysctl itself skips such lines with a warning
    const key = s.slice(0, eq).trim().replace(/^-/, '');
    entries.push({ key, value: s.slice(eq + 1).trim(), line });
  });
  return entries;
}

/** The value a boot would apply for `key`: the last occurrence wins. */
export function confValue(entries: ConfEntry[], key: string): string | undefined {
  const want = canonicalKey(key);
  let value: string | undefined;
  for (const e of entries) if (canonicalKey(e.key) === want) value = e.value;
  return value;
}

/**
 * Set and remove keys in a sysctl.d file's text. Returns the new text, or null
 * when no setting is left (the file is then removed).
 */
export function updateSysctlConf(text: string | null, set: ReadonlyArray<[string, string]>, remove: readonly string[]): string | null {
  const lines: Array<string | null> = text === null ? [CONF_HEADER] : splitLines(text);
  const entries = text === null ? [] : parseSysctlConf(text);
  const linesOf = (key: string) => entries.filter((e) => canonicalKey(e.key) === canonicalKey(key)).map((e) => e.line);
  for (const key of remove) for (const i of linesOf(key)) lines[i] = null;
  for (const [key, value] of set) {
    const [first, ...dups] = linesOf(key);
    for (const i of dups) lines[i] = null;
    if (first === undefined) lines.push(`${key} = ${value}`);
    else lines[first] = `${key} = ${value}`;
  }
  const kept = lines.filter((l): l is string => l !== null);
  if (parseSysctlConf(kept.join('\n')).length === 0) return null;
  return `${kept.join('\n')}\n`;
}
