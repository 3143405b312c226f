// Command lines the transport itself runs on hosts: sudo for become, file
// transfer through sudo, timeouts. Pure: tests assert the exact strings. The
// become password never appears in a command line; it is written to sudo's
// standard input (`-S -p ''`).

import { quote, raw, sh } from './shell.js';

export interface BecomeLine {
  user: string;
  /** True when sudo will read the password from stdin (the rule requires one). */
  password: boolean;
}

/**
 * Wrap a command for sudo. Without a password `-n` makes sudo fail at once
 * instead of waiting for a prompt nobody answers. With one, `-k` forces sudo
 * to read it even when a cached credential exists: otherwise the password line
 * would be left on stdin for the command to read.
 */
export function sudoCommand(command: string, b: BecomeLine): string {
  const auth = b.password ? `-S -p '' -k` : '-n';
  return `sudo ${auth} -H -u ${quote(b.user)} -- sh -c ${quote(command)}`;
}

/** Does the rule for `user` need a password? Run once per connection when one is given. */
export function sudoProbeCommand(user: string): string {
  return sh`sudo -n -u ${user} true`;
}

export const SUDO_NEEDS_PASSWORD = /a password is required/;

/** The hidden temp name beside `path`, so the final rename stays on one filesystem. */
export function tempBeside(path: string, token: string): string {
  const slash = path.lastIndexOf('/');
  const dir = slash >= 0 ? path.slice(0, slash + 1) : '';
  return `${dir}.${path.slice(slash + 1)}.rb-${token}`;
}

/**
 * Write stdin to `path` atomically: temp file beside it (private while being
 * written), mode set (given, else the existing file's, else 0644), then rename.
 * The temp file is removed when any step fails.
 */
export function writeFileCommand(path: string, mode: number | undefined, token: string): string {
  const tmp = tempBeside(path, token);
  const chmod =
    mode === undefined
      ? sh`if [ -e ${path} ]; then chmod --reference=${path} ${tmp}; else chmod 644 ${tmp}; fi`
      : sh`chmod ${mode.toString(8).padStart(4, '0')} ${tmp}`;
  return sh`umask 077 && cat > ${tmp} && ${raw(chmod)} && mv -f ${tmp} ${path} || { rc=$?; rm -f ${tmp}; exit $rc; }`;
}

/** Marker printed on stderr when the file to read does not exist. */
export const MISSING_FILE_MARKER = 'rb: no such file';

export function readFileCommand(path: string): string {
  return sh`if [ -e ${path} ]; then exec cat -- ${path}; else echo ${MISSING_FILE_MARKER} >&2; exit 1; fi`;
}

/**
 * Enforce a timeout on the host with coreutils `timeout` (exit 124): sshd
 * refuses signal requests on root sessions (no privilege separation after a
 * root login), so the controller alone cannot kill a command there. `timeout`
 * runs the command in its own process group and kills all of it.
 */
export function timeoutCommand(command: string, timeoutMs: number): string {
  const secs = Math.max(0.001, timeoutMs / 1000);
  return `timeout -k 1 ${Number(secs.toFixed(3))} sh -c ${quote(command)}`;
}
