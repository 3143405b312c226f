// Several read-only commands in ONE exec. Each part is followed by a marker
// line carrying its own exit code, so a fact gathering stays one round trip
// and one failing part (a missing file, a missing tool) does not hide the others.
// Shared by the modules that read several files and tools at once.
//
// The marker holds a random nonce, printed first as the script's header line:
// parts print file contents verbatim, and a file that contained a fixed marker
// line would otherwise forge a boundary.

import { createHash, randomBytes } from 'node:crypto';
import { sh } from './shell.js';

const HEADER = /^@@rb-parts ([0-9a-f]{16})\n/;

export interface PartOutput {
  /** Exactly what the part printed on stdout. */
  out: string;
  code: number;
}

/** Join shell fragments (built with `sh`) into one script printing a marker after each. */
export function partsScript(parts: readonly string[], nonce = randomBytes(8).toString('hex')): string {
  if (!/^[0-9a-f]{16}$/.test(nonce)) throw new Error(`parts nonce must be 16 hex digits, got ${JSON.stringify(nonce)}`);
  // The marker starts with a newline so output without a final newline stays exact.
  const mark = `@@rb-part-${nonce}`;
  return [`echo '@@rb-parts ${nonce}'`, ...parts.map((p) => `{ ${p}\n}; printf '\\n${mark} %s\\n' "$?"`)].join('\n');
}

/** Split the stdout of `partsScript` back into its parts. Throws on truncated output. */
export function splitParts(stdout: string, count: number): PartOutput[] {
  const header = HEADER.exec(stdout);
  if (!header) throw new Error(`expected ${count} output parts, got no header line: ${JSON.stringify(stdout.slice(0, 200))}`);
  const parts: PartOutput[] = [];
  let start = header[0].length;
  for (const m of stdout.matchAll(new RegExp(`\\n@@rb-part-${header[1]} (\\d+)\\n`, 'g'))) {
    parts.push({ out: stdout.slice(start, m.index), code: Number(m[1]) });
    start = m.index! + m[0].length;
  }
  if (parts.length !== count || start !== stdout.length) {
    throw new Error(`expected ${count} output parts, got ${parts.length}: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  return parts;
}

/**
 * A read-only part that several tasks of one exec ask for (a managed file two
 * tasks share, a grep of the boot files): its first run keeps the output in a
 * shell variable named after the command, the next ones print it again without
 * starting a process. Output is exact (a sentinel keeps trailing newlines); the
 * exit code is 0 when the command succeeded, else 1. Only for reads whose result
 * cannot change between fact commands of one exec: every exec starts a new shell,
 * and an apply runs in a subshell, so what it changes never meets a kept output.
 */
export function sharedPart(command: string): string {
  const v = `rb_s${createHash('sha256').update(command).digest('hex').slice(0, 16)}`;
  return `[ -n "\${${v}+x}" ] || ${v}=$(${command}\nprintf '.%s' "$?")\nprintf '%s' "\${${v}%.*}"; [ "\${${v}##*.}" = 0 ]`;
}

/** A part that prints `present` + the file's content, or `absent`. */
export function readFilePart(path: string): string {
  return sh`if [ -f ${path} ]; then echo present; cat ${path}; else echo absent; fi`;
}

/** The file content printed by `readFilePart`, or null when it does not exist. */
export function parseFilePart(part: PartOutput): string | null {
  if (part.out === 'absent\n') return null;
  if (part.out.startsWith('present\n')) return part.out.slice('present\n'.length);
  throw new Error(`unexpected file read output: ${JSON.stringify(part.out.slice(0, 80))}`);
}

export type OsFamily = 'debian' | 'redhat' | 'unknown';

/** Which boot-persistence conventions the host follows. */
export const OS_FAMILY_PART =
  'if [ -f /etc/debian_version ]; then echo debian; elif [ -f /etc/redhat-release ]; then echo redhat; else echo unknown; fi';

export function parseOsFamily(part: PartOutput): OsFamily {
  const v = part.out.trim();
  if (v === 'debian' || v === 'redhat' || v === 'unknown') return v;
  throw new Error(`unexpected OS family output: ${JSON.stringify(v.slice(0, 80))}`);
}

/**
 * Commands apply runs as one script: `set -e` so the first failure stops the rest
 * (newlines, not `&&`: a multi-line quoted string stays one command).
 */
export function applyScript(commands: readonly string[]): string {
  return ['set -e', ...commands].join('\n');
}

/**
 * Replace a file on the host atomically (temp file + rename), written by the
 * shell's own printf: part of the apply script, exact to the byte (no newline
 * added), and no process but chmod and mv (mkdir only when the folder is new).
 * Only for content without secrets: the script appears in error messages.
 */
export function writeFileCommands(path: string, content: string, mode = '0644'): string[] {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  const tmp = `${path}.rb-new`;
  return [sh`[ -d ${dir} ] || mkdir -p ${dir}`, sh`printf '%s' ${content} > ${tmp}`, sh`chmod ${mode} ${tmp}`, sh`mv -f ${tmp} ${path}`];
}

/** Put back what `readFilePart` saw: the old content, or no file at all. */
export function restoreFileCommands(path: string, content: string | null, mode = '0644'): string[] {
  return content === null ? [sh`rm -f ${path}`] : writeFileCommands(path, content, mode);
}
