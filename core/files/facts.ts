// File facts: what a set of paths looks like on a host, gathered in ONE exec.
// The shell side prints one tagged record per path; `parseFileFacts` is the
// pure half, unit-tested on output captured from the real tools.

import { createHash } from 'node:crypto';
import type { HostContext } from '../module.js';
import { CommandError } from '../errors.js';
import { sh } from '../transport/shell.js';
import type { ExecResult } from '../transport/types.js';

export type FileType = 'file' | 'directory' | 'link' | 'other';

export interface FileFact {
  path: string;
  exists: boolean;
  type?: FileType;
  /** Octal permission bits, always four digits: '0644', '4755'. */
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  /** Regular files only. */
  sha256?: string;
  /** Regular files under CONTENT_LIMIT, when asked for (`withContent`). */
  content?: string;
  /** Symbolic links: where they point (not followed). */
  target?: string;
}

export interface FileFactsOptions {
  /** Also return the content (UTF-8) of regular files under 1 MiB. */
  withContent?: boolean;
}

export const CONTENT_LIMIT = 1024 * 1024;

// One record per path: "@@rb N" then tagged lines. Tags rather than positions so
// a missing tool degrades to a missing field, not a shifted parse.
//   S <mode> <owner> <group> <size> <type words>   (stat, not following links)
//   C <base64 content>  (regular files under CONTENT_LIMIT, when asked for:
//                        the controller hashes it, no sha256sum on the host)
//   H <sha256>          (other regular files)     L <link target>
// Two processes per file at most (stat, then base64 or sha256sum): a fact
// script's cost on a busy host is mostly its process count.
export function fileFactsCommand(paths: string[], opts: FileFactsOptions = {}): string {
  const hash = `printf 'H '; sha256sum < "$p";`;
  const regular = opts.withContent
    ? `set -- $s; if [ "\${5:-${CONTENT_LIMIT}}" -lt ${CONTENT_LIMIT} ]; then printf 'C '; base64 -w0 < "$p"; echo; else ${hash} fi;`
    : hash;
  return (
    sh`set -- ${paths}; i=0; for p in "$@"; do i=$((i+1)); echo "@@rb $i"; ` +
    `if [ -e "$p" ] || [ -L "$p" ]; then s=$(stat -c 'S %a %U %G %s %F' -- "$p"); echo "$s"; ` +
    `if [ -L "$p" ]; then printf 'L '; readlink -- "$p"; ` +
    `elif [ -f "$p" ]; then ${regular} fi; fi; done`
  );
}

const TYPES: Record<string, FileType> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'directory',
  'symbolic link': 'link',
};

/** Parse `fileFactsCommand` output. Throws on output it does not recognise. */
export function parseFileFacts(paths: string[], stdout: string): Record<string, FileFact> {
  const out: Record<string, FileFact> = {};
  for (const p of paths) out[p] = { path: p, exists: false };
  let current: FileFact | undefined;
  const lines = stdout.split('\n');
  lines.forEach((line, n) => {
    if (line === '') return;
    const head = /^@@rb (\d+)$/.exec(line);
    if (head) {
      const p = paths[Number(head[1]) - 1];
      if (p === undefined) throw new Error(`file facts: line ${n + 1}: record ${head[1]} for ${paths.length} paths`);
      current = out[p];
      return;
    }
    if (!current) throw new Error(`file facts: line ${n + 1}: data before any record: ${JSON.stringify(line.slice(0, 80))}`);
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === 'S ') {
      const m = /^([0-7]{1,4}) (\S+) (\S+) (\d+) (.+)$/.exec(rest);
      if (!m) throw new Error(`file facts: line ${n + 1}: cannot read stat output ${JSON.stringify(rest)}`);
      current.exists = true;
      current.mode = m[1].padStart(4, '0');
      current.owner = m[2];
      current.group = m[3];
      current.size = Number(m[4]);
      current.type = TYPES[m[5]] ?? 'other';
    } else if (tag === 'H ') {
      const m = /^([0-9a-f]{64})\b/.exec(rest);
      if (m) current.sha256 = m[1];
    } else if (tag === 'C ') {
      const bytes = Buffer.from(rest, 'base64');
      current.content = bytes.toString('utf8');
      current.sha256 ??= createHash('sha256').update(bytes).digest('hex');
    } else if (tag === 'L ') {
      current.target = rest;
    } else {
      throw new Error(`file facts: line ${n + 1}: unexpected ${JSON.stringify(line.slice(0, 80))}`);
    }
  });
  return out;
}

/** fileFacts as one command and the pure function reading its result (for batched facts). */
export function fileFactsQuery(host: string, paths: string[], opts: FileFactsOptions = {}): { command: string; parse(r: ExecResult): Record<string, FileFact> } {
  const unique = [...new Set(paths)];
  const command = fileFactsCommand(unique, opts);
  return {
    command,
    parse(r) {
      // The loop itself always ends with status 0 unless the shell broke; stat's own
      // failures (permission) surface as missing fields.
      if (r.code !== 0 && !r.stdout.includes('@@rb')) throw new CommandError({ host, command, ...r }, 'cannot read file facts');
      return parseFileFacts(unique, r.stdout);
    },
  };
}

/** Stat, hash (and optionally read) every path in one exec. Read-only. */
export async function fileFacts(ctx: HostContext, paths: string[], opts: FileFactsOptions = {}): Promise<Record<string, FileFact>> {
  if (paths.length === 0) return {};
  const q = fileFactsQuery(ctx.host, paths, opts);
  return q.parse(await ctx.exec(q.command));
}
