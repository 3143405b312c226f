// Writing a file on a host the safe way: temp file next to the target, mode and
// owner set, validated by the real tool, backup of the old file, atomic rename.
// The content travels on the exec's stdin so the whole install is ONE round trip
// and the content never appears in a command line (errors print commands).

import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { HostContext } from '../module.js';
import { CommandError } from '../errors.js';
import { quote, sh } from '../transport/shell.js';

export interface InstallFileOptions {
  path: string;
  content: string | Buffer;
  /** Octal string ('0644'). Absent: keep the old file's mode, else the umask default. */
  mode?: string;
  owner?: string;
  group?: string;
  /** Keep a copy of the replaced file as PATH.<timestamp>.rb-bak (default true). */
  backup?: boolean;
  /** Command that checks the temp file (e.g. `keepalived -t -f ${tmp}`); must exit 0. */
  validate?: (tmpPath: string) => string;
}

export interface InstallResult {
  /** Path of the backup of the replaced file, when one was made. */
  backup?: string;
}

/** How many backups of one file are kept. */
export const KEEP_BACKUPS = 5;

/** Exit code the install script uses for "the validator refused the file". */
const VALIDATE_FAILED = 97;
const BACKUP_STAMP = /^\d{8}T\d{9}$/;

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** 20250101T101010123: sortable, fixed width, so a glob can select exactly these. */
export function backupStamp(date: Date): string {
  return date.toISOString().replace(/[-:.Z]/g, '');
}

export function backupPath(path: string, stamp: string): string {
  if (!BACKUP_STAMP.test(stamp)) throw new Error(`bad backup stamp ${stamp}`);
  return `${path}.${stamp}.rb-bak`;
}

/** A glob (already quoted) matching the backups of `path` and nothing else. */
function backupGlob(path: string): string {
  const d = '[0-9]';
  return `${quote(path)}.${d.repeat(8)}T${d.repeat(9)}.rb-bak`;
}

export interface InstallScriptInput {
  path: string;
  tmp: string;
  mode?: string;
  owner?: string;
  group?: string;
  /** Backup destination, or undefined for no backup. */
  backup?: string;
  validateCommand?: string;
  /** No content: the script must not wait for stdin. */
  empty?: boolean;
}

/** The shell script installFile runs (pure, so tests assert it). Content comes on stdin. */
export function installScript(i: InstallScriptInput): string {
  const dir = posix.dirname(i.path);
  const lines: string[] = [
    'set -e',
    sh`dest=${i.path}; tmp=${i.tmp}`,
    sh`[ -d ${dir} ] || mkdir -p ${dir}`,
    `trap 'rm -f "$tmp"' EXIT`,
    // The file gets its final mode and owner while it is still empty: a secret is
    // never readable by others, not even for the moment between write and chmod.
    'um=$(umask); umask 077; : > "$tmp"; umask "$um"',
    // A replaced file keeps its mode and owner unless told otherwise; a new one gets the umask's.
    'if [ -e "$dest" ]; then chmod --reference="$dest" "$tmp"; chown --reference="$dest" "$tmp"; else chmod "$(printf %o $((0666 & ~0$um)))" "$tmp"; fi',
  ];
  if (i.mode) lines.push(sh`chmod ${i.mode} "$tmp"`);
  if (i.owner || i.group) lines.push(sh`chown ${`${i.owner ?? ''}${i.group ? `:${i.group}` : ''}`} "$tmp"`);
  if (!i.empty) lines.push('cat > "$tmp"');
  if (i.validateCommand) {
    lines.push(
      'set +e',
      `out=$( { ${i.validateCommand} ; } 2>&1 ); rc=$?`,
      'set -e',
      `if [ $rc -ne 0 ]; then printf '%s\\n' "$out" >&2; echo "validator exit $rc"; exit ${VALIDATE_FAILED}; fi`,
    );
  }
  if (i.backup) {
    lines.push(
      sh`if [ -f "$dest" ]; then cp -p "$dest" ${i.backup}; echo ${`backup ${i.backup}`}; ` +
        `set -- ${backupGlob(i.path)}; while [ $# -gt ${KEEP_BACKUPS} ]; do rm -f -- "$1"; shift; done; fi`,
    );
  }
  lines.push('mv -f "$tmp" "$dest"', 'trap - EXIT');
  return lines.join('\n');
}

function tempName(path: string): string {
  return posix.join(posix.dirname(path), `.rb-tmp-${randomBytes(6).toString('hex')}`);
}

/**
 * Install `content` at `path`. On a validator failure nothing on the host has
 * changed and a CommandError carries the validator's output.
 */
export async function installFile(ctx: HostContext, o: InstallFileOptions): Promise<InstallResult> {
  if (!posix.isAbsolute(o.path)) throw new Error(`installFile: path must be absolute, got ${o.path}`);
  const tmp = tempName(o.path);
  const wantBackup = o.backup ?? true;
  const backup = wantBackup ? backupPath(o.path, backupStamp(new Date())) : undefined;
  const validateCommand = o.validate?.(tmp);
  const empty = o.content.length === 0;
  const script = installScript({ path: o.path, tmp, mode: o.mode, owner: o.owner, group: o.group, backup, validateCommand, empty });
  const r = await ctx.exec(script, empty ? {} : { stdin: o.content });
  const refused = /^validator exit (\d+)$/m.exec(r.stdout);
  if (r.code === VALIDATE_FAILED && refused) {
    const result = { ...r, code: Number(refused[1]), stdout: '' };
    throw new CommandError({ host: ctx.host, command: validateCommand!, ...result }, `validation of ${o.path} failed, nothing changed`);
  }
  if (r.code !== 0) throw new CommandError({ host: ctx.host, command: script, ...r }, `cannot install ${o.path}`);
  const made = /^backup (.+)$/m.exec(r.stdout);
  return made ? { backup: made[1] } : {};
}

/** The command restoreFile runs: put the backup back, or remove a file that did not exist. */
export function restoreCommand(path: string, backup: string | null): string {
  if (backup === null) return sh`rm -f -- ${path}`;
  const tmp = tempName(path);
  return sh`cp -p ${backup} ${tmp} && mv -f ${tmp} ${path}`;
}

/** Put back the newest backup installFile kept beside `path` (when which one is not recorded): fails if there is none. */
export function restoreNewestBackupCommand(path: string): string {
  const tmp = tempName(path);
  return `set -- ${backupGlob(path)}; [ -e "$1" ] || { echo ${quote(`no backup of ${path}`)} >&2; exit 1; }; for b in "$@"; do last=$b; done; ` + sh`cp -p "$last" ${tmp} && mv -f ${tmp} ${path}`;
}

/** Undo an installFile: for rollbacks. */
export async function restoreFile(ctx: HostContext, path: string, backup: string | null): Promise<void> {
  await ctx.run(restoreCommand(path, backup));
}
