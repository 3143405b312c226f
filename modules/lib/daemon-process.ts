// A daemon rb starts itself (rsync --daemon, lsyncd, sersync2): found by its
// pid file, or by process name and a word of its command line (the config
// path) when it writes none. rsync --daemon exits 0 before its child has
// bound the port or locked the pid file, so every start is verified on the
// process table after a settle time, and a restart must see a new pid.
// Shared by the rsyncd and sersync modules.

import type { HostContext } from '../../core/module.js';
import { CommandError } from '../../core/errors.js';
import { argv, sh } from '../../core/transport/shell.js';

export interface DaemonSpec {
  /** Shown in messages: `rsync daemon`, `lsyncd`. */
  label: string;
  /** The command that starts it; it must put itself in the background. */
  start: string[];
  /** Process name (comm, cut to 15 characters by the kernel). */
  comm: string;
  /** A word of its command line (alone or as `--opt=WORD`): tells our instance from others. */
  match: string;
  /** Pid file it writes, trusted first. */
  pidFile?: string;
  /** Its own log, whose tail is shown when a start fails. */
  logFile?: string;
}

export interface DaemonFact {
  running: boolean;
  pid?: number;
  /** Its command line, words joined by spaces. */
  args?: string;
}

// rb_find: the pid file's pid when it is a live process of that name, else a
// process of that name with the match word (or `--opt=WORD`) in its command line.
function finder(d: DaemonSpec): string {
  return [
    sh`rb_comm=${d.comm.slice(0, 15)}; rb_match=${d.match}; rb_pidfile=${d.pidFile ?? ''}`,
    'rb_ok() { [ "$(cat /proc/"$1"/comm 2>/dev/null)" = "$rb_comm" ] && ! grep -q "^State:.*Z" /proc/"$1"/status 2>/dev/null; }',
    'rb_find() { if [ -n "$rb_pidfile" ] && [ -r "$rb_pidfile" ]; then read -r p < "$rb_pidfile" || p=; ' +
      'case $p in ""|*[!0-9]*) ;; *) if rb_ok "$p"; then echo "$p"; return 0; fi;; esac; fi; ' +
      'for d in /proc/[0-9]*; do p=${d#/proc/}; rb_ok "$p" || continue; ' +
      'case " $(tr "\\0" " " < "$d"/cmdline 2>/dev/null)" in *" $rb_match "*|*"=$rb_match "*) echo "$p"; return 0;; esac; done; return 0; }',
  ].join('\n');
}

/** Read-only: prints `pid N` and `args ...` when the daemon runs, nothing otherwise. */
export function daemonFactsPart(d: DaemonSpec): string {
  return `${finder(d)}\np=$(rb_find); if [ -n "$p" ]; then echo "pid $p"; printf 'args '; tr '\\0' ' ' < /proc/"$p"/cmdline; echo; fi; true`;
}

export function parseDaemonFacts(out: string): DaemonFact {
  const pid = /^pid (\d+)$/m.exec(out);
  if (!pid) {
    if (out.trim() !== '') throw new Error(`daemon facts: unexpected ${JSON.stringify(out.slice(0, 80))}`);
    return { running: false };
  }
  const args = /^args (.*)$/m.exec(out)?.[1].trim();
  return { running: true, pid: Number(pid[1]), ...(args !== undefined ? { args } : {}) };
}

export type DaemonAction = 'start' | 'stop' | 'restart';

/** The script for start | stop | restart, verified. Success prints `pid N` (start, restart). */
export function daemonCommand(d: DaemonSpec, action: DaemonAction, timeoutS = 10): string {
  const steps = timeoutS * 10;
  const lines = [
    finder(d),
    sh`rb_label=${d.label}; rb_log=${d.logFile ?? ''}`,
    'rb_fail() { { [ -n "$rb_out" ] && printf "%s\\n" "$rb_out"; [ -n "$rb_log" ] && [ -r "$rb_log" ] && { echo "--- last lines of $rb_log:"; tail -n 5 "$rb_log"; }; echo "rb-fail: $1"; } >&2; exit 1; }',
    `rb_stop() { p=$(rb_find); [ -z "$p" ] && return 0; kill -TERM "$p"; n=0; while rb_ok "$p" && [ $n -lt ${steps} ]; do sleep 0.1; n=$((n+1)); done; ` +
      '! rb_ok "$p" || rb_fail "$rb_label still running (pid $p) after TERM"; }',
    // Output to a file, not a pipe: a daemon keeping our stdout open would hold the channel for ever.
    `rb_start() { tmp=$(mktemp); ${argv(d.start)} >"$tmp" 2>&1 </dev/null; rc=$?; rb_out=$(cat "$tmp"); rm -f "$tmp"; ` +
      '[ $rc -eq 0 ] || rb_fail "start of $rb_label exited $rc"; ' +
      `n=0; while [ -z "$(rb_find)" ] && [ $n -lt ${steps} ]; do sleep 0.1; n=$((n+1)); done; ` +
      'p=$(rb_find); [ -n "$p" ] || rb_fail "$rb_label is not running after start"; sleep 0.3; ' +
      'rb_ok "$p" || rb_fail "$rb_label started but died at once"; echo "pid $p"; }',
  ];
  if (action === 'stop') lines.push('rb_stop');
  else if (action === 'start') lines.push('[ -n "$(rb_find)" ] && { echo "pid $(rb_find)"; exit 0; }', 'rb_start');
  else lines.push('old=$(rb_find)', 'rb_stop', 'new=$(rb_start) || exit 1', 'echo "$new"', '[ -z "$old" ] || [ "$new" != "pid $old" ] || rb_fail "$rb_label kept pid $old across the restart"');
  return lines.join('\n');
}

/** Run a daemon action on the host; returns the pid after start/restart. */
export async function daemonAction(ctx: HostContext, d: DaemonSpec, action: DaemonAction): Promise<number | undefined> {
  const cmd = daemonCommand(d, action);
  const r = await ctx.exec(cmd, { timeoutMs: 60_000 });
  if (r.code !== 0) {
    const reason = /^rb-fail: (.*)$/m.exec(r.stderr)?.[1] ?? `${action} of ${d.label} failed`;
    throw new CommandError({ host: ctx.host, command: `${action} ${d.label}: ${argv(d.start)}`, ...r }, reason);
  }
  const pid = /^pid (\d+)$/m.exec(r.stdout);
  return pid ? Number(pid[1]) : undefined;
}
