// Shell builders for service control. Pure: tests assert the scripts, the
// integration tests run them against a real daemon.
//
// Why a script instead of `service X restart`: init scripts lie. Debian's
// keepalived script returns 0 on a failed restart and keepalived takes up to a
// second to exit after TERM (a start before that is silently ignored). So every
// action is followed by a bounded check of the process table on the host.

import { sh } from '../transport/shell.js';

export type ServiceActionName = 'start' | 'stop' | 'restart' | 'reload';

export interface ServiceTarget {
  name: string;
  /** Pid file to trust instead of guessing. */
  pidFile?: string;
  /** Exact process name (comm) of the daemon; checked with pidof within the host. */
  process?: string;
  /** Init script to call instead of `service NAME` (tests, non-standard installs). */
  initScript?: string;
}

/** Where a pid comes from when nothing is declared: the usual pid files, then pidof NAME. */
function pidSources(t: ServiceTarget): { files: string[]; process: string } {
  if (t.pidFile) return { files: [t.pidFile], process: t.process ?? '' };
  if (t.process) return { files: [], process: t.process };
  return { files: [`/run/${t.name}.pid`, `/var/run/${t.name}.pid`], process: t.name };
}

// rb_alive PID: a live, non-zombie process (and named PROC when PROC is set).
// rb_pid: the daemon's pid or nothing. On systemd without declared sources it
// asks systemd for the main pid.
const PRELUDE = [
  'if [ -d /run/systemd/system ]; then rb_mgr=systemd; else rb_mgr=sysv; fi',
  'rb_alive() { kill -0 "$1" 2>/dev/null || return 1; ! grep -q "^State:.*Z" /proc/"$1"/status 2>/dev/null || return 1; ' +
    '[ -z "$rb_proc" ] || [ "$(cat /proc/"$1"/comm 2>/dev/null)" = "$rb_proc" ]; }',
  'rb_pid() { ' +
    'if [ "$rb_mgr" = systemd ] && [ -z "$rb_declared" ]; then p=$(systemctl show -p MainPID --value "$rb_name" 2>/dev/null); ' +
    '[ "${p:-0}" != 0 ] && echo "$p"; return 0; fi; ' +
    'for f in $rb_files; do [ -r "$f" ] || continue; read -r p < "$f" || true; ' +
    'case $p in ""|*[!0-9]*) ;; *) if rb_alive "$p"; then echo "$p"; return 0; fi;; esac; done; ' +
    '[ -n "$rb_pidof" ] && pidof -s "$rb_pidof" 2>/dev/null; return 0; }',
].join('\n');

/** Variables the prelude reads, for one service. */
function targetVars(t: ServiceTarget): string {
  const src = pidSources(t);
  const declared = t.pidFile || t.process ? '1' : '';
  // comm is cut to 15 characters by the kernel.
  // pid files are split on spaces by `for f in $rb_files`; a path with spaces is refused upstream.
  return sh`rb_name=${t.name}; rb_script=${t.initScript ?? ''}; rb_files=${src.files.join(' ')}; rb_pidof=${t.pidFile ? '' : src.process}; rb_proc=${(t.process ?? '').slice(0, 15)}; rb_declared=${declared}`;
}

export function serviceFactsCommand(targets: ServiceTarget[]): string {
  const blocks = targets.map((t, i) =>
    [
      targetVars(t),
      `echo "@@rb ${i + 1}"`,
      'if [ "$rb_mgr" = systemd ] && [ -z "$rb_script" ]; then ' +
        'rb_show=$(systemctl show -p LoadState -p UnitFileState -p NeedDaemonReload "$rb_name" 2>/dev/null); ' +
        'case "$rb_show" in *LoadState=loaded*) echo exists ;; esac; ' +
        'case "$rb_show" in *UnitFileState=masked*) echo masked ;; esac; ' +
        'case "$rb_show" in *NeedDaemonReload=yes*) echo needs-reload ;; esac; ' +
        'systemctl is-enabled --quiet "$rb_name" 2>/dev/null && echo enabled; ' +
        'else if [ -n "$rb_script" ]; then [ -x "$rb_script" ] && echo exists; ' +
        'elif [ -x /etc/init.d/"$rb_name" ]; then echo exists; fi; ' +
        'for f in /etc/rc[2345].d/S??"$rb_name" /etc/rc.d/rc[2345].d/S??"$rb_name"; do [ -e "$f" ] && { echo enabled; break; }; done; fi',
      'p=$(rb_pid); [ -n "$p" ] && echo "pid $p"; true',
    ].join('\n'),
  );
  return [PRELUDE, 'echo "manager $rb_mgr"', ...blocks].join('\n');
}

export interface ActionTiming {
  /** Bound of each wait (process gone / process up), default 10 s. */
  timeoutMs: number;
  /** After start, the daemon must still be alive this much later (default 300 ms). */
  settleMs: number;
}

/** The script serviceAction runs. Success = exit 0; failure prints `rb-fail: REASON` last on stderr. */
export function serviceActionCommand(t: ServiceTarget, action: ServiceActionName, timing: ActionTiming): string {
  const steps = Math.max(1, Math.ceil(timing.timeoutMs / 100));
  const settle = (timing.settleMs / 1000).toFixed(1);
  const body: string[] = [
    PRELUDE,
    targetVars(t),
    'rb_ctl() { if [ "$rb_mgr" = systemd ] && [ -z "$rb_script" ]; then systemctl "$1" "$rb_name"; ' +
      'elif [ -n "$rb_script" ]; then "$rb_script" "$1"; ' +
      'elif command -v service >/dev/null 2>&1; then service "$rb_name" "$1"; else /etc/init.d/"$rb_name" "$1"; fi; }',
    // Output goes to a file, not a pipe: a daemon that keeps the init script's
    // stdout open would otherwise hold the command (and the ssh channel) for ever.
    'rb_log=$(mktemp); trap \'rm -f "$rb_log"\' EXIT',
    'rb_do() { rb_ctl "$1" >"$rb_log" 2>&1 </dev/null; rc=$?; rb_out=$(cat "$rb_log"); return $rc; }',
    'rb_fail() { { [ -n "$rb_out" ] && printf "%s\\n" "$rb_out"; [ -r /var/log/syslog ] && { echo "--- last lines of /var/log/syslog:"; tail -n 8 /var/log/syslog; }; echo "rb-fail: $1"; } >&2; exit 1; }',
    // Gone = the pid seen before the stop is dead AND no pid is found: a daemon
    // may remove its pid file before it has finished exiting.
    'rb_gone() { { [ -z "$1" ] || ! rb_alive "$1"; } && [ -z "$(rb_pid)" ]; }',
    `rb_wait_gone() { n=0; while ! rb_gone "$1" && [ $n -lt ${steps} ]; do sleep 0.1; n=$((n+1)); done; rb_gone "$1"; }`,
    `rb_wait_up() { n=0; while [ -z "$(rb_pid)" ] && [ $n -lt ${steps} ]; do sleep 0.1; n=$((n+1)); done; [ -n "$(rb_pid)" ]; }`,
    'rb_stop() { p0=$(rb_pid); rb_do stop; rb_wait_gone "$p0" || rb_fail "$rb_name still running (pid ${p0:-$(rb_pid)}) after stop"; }',
    'rb_start() { rb_do start; [ $rc -eq 0 ] || rb_fail "start of $rb_name exited $rc"; ' +
      `rb_wait_up || rb_fail "$rb_name is not running after start"; sleep ${settle}; ` +
      '[ -n "$(rb_pid)" ] || rb_fail "$rb_name started but died at once"; }',
    'old=$(rb_pid)',
  ];
  switch (action) {
    case 'stop':
      body.push('rb_stop');
      break;
    case 'start':
      body.push('rb_start');
      break;
    case 'restart':
      body.push(
        '[ -z "$old" ] || rb_stop',
        'rb_start',
        'new=$(rb_pid)',
        '[ -z "$old" ] || [ "$new" != "$old" ] || rb_fail "$rb_name kept pid $old across the restart"',
      );
      break;
    case 'reload':
      body.push(
        'rb_do reload; [ $rc -eq 0 ] || rb_fail "reload of $rb_name exited $rc"',
        'rb_wait_up || rb_fail "$rb_name is not running after reload"',
      );
      break;
  }
  body.push('echo "pid $(rb_pid)"');
  return body.join('\n');
}

export function serviceEnableCommand(t: ServiceTarget, enabled: boolean): string {
  const verb = enabled ? 'enable' : 'disable';
  return (
    'if [ -d /run/systemd/system ]; then ' +
    sh`systemctl ${verb} ${t.name}; ` +
    sh`elif command -v update-rc.d >/dev/null 2>&1; then update-rc.d ${t.name} defaults >/dev/null && update-rc.d ${t.name} ${verb}; ` +
    sh`elif command -v chkconfig >/dev/null 2>&1; then chkconfig ${t.name} ${enabled ? 'on' : 'off'}; ` +
    `else echo 'no systemctl, update-rc.d or chkconfig on this host' >&2; exit 1; fi`
  );
}
