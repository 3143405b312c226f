// Running heartbeat. Reload is `heartbeat -r`: it reads ha.cf and authkeys
// first and only signals the daemon when heartbeat accepts them ("Config
// errors: Heartbeat pid N NOT restarted", exit 1, and the daemon keeps its
// old config), so it is the real tool's check of the new files. Debian's init
// script loses that exit code (`reload` returns 0 after a refusal), hence the
// direct call.
//
// What the signalled daemon does depends on ha.cf's modification time (measured
// on heartbeat 3.0.6): when ha.cf changed since the daemon read it, the master
// re-executes itself under the same pid and replaces its child processes (FIFO
// reader, one reader and one writer per medium); its API refuses `cl_status`
// for a second or two meanwhile. When only authkeys changed it re-reads that
// file in place and nothing restarts. So a reload that must restart counts as
// done only once the children are new processes and `cl_status hbparameter`
// reports the values rb wrote: the old daemon may well report them already
// (a hand edit of ha.cf that was never loaded), and the API is briefly gone
// just after the signal. Start, stop and restart go through the shared
// service control, which waits on the pid file.

import type { HostContext } from '../../core/module.js';
import { CommandError } from '../../core/errors.js';
import { serviceAction } from '../../core/services/index.js';
import { sh } from '../../core/transport/shell.js';
import { PID_FILE } from './facts.js';

const BINARIES = ['/usr/libexec/heartbeat/heartbeat', '/usr/lib64/heartbeat/heartbeat', '/usr/lib/heartbeat/heartbeat'];
const POLL_S = 0.5;

/**
 * `heartbeat -r`, then wait until the daemon `pid` runs with every `expect`ed
 * value, and, when ha.cf is newer than its child processes, until those were
 * replaced (the restart the signal causes).
 */
export function reloadCommand(pid: number, haCf: string, expect: Record<string, string>, timeoutS: number): string {
  const pairs = Object.entries(expect).map(([k, v]) => `${k} ${v}`);
  const steps = Math.max(1, Math.ceil(timeoutS / POLL_S));
  const gone = 'kill -0 "$pid" 2>/dev/null || { echo "rb-fail: heartbeat (pid $pid) is gone after the reload" >&2; exit 1; }';
  return [
    sh`pid=${pid}; cf=${haCf}; hb=; for b in ${BINARIES}; do [ -x "$b" ] && { hb=$b; break; }; done`,
    '[ -n "$hb" ] || { echo "rb-fail: no heartbeat binary found" >&2; exit 1; }',
    // Its core processes ("heartbeat: FIFO reader", "heartbeat: write: ucast eth0"...), not resource scripts it runs.
    `kids() { ps -o pid=,args= --ppid "$pid" 2>/dev/null | awk '$2 == "heartbeat:" { print $1 }' | sort | tr "\\n" " "; }`,
    // Seconds since the children started (the oldest: they start together) against ha.cf's age.
    'before=$(kids); first=${before%% *}; age=$(ps -o etimes= -p "${first:-0}" 2>/dev/null | tr -d " ")',
    'restarts=; case $age in ""|*[!0-9]*) ;; *) [ $(( $(date +%s) - $(stat -c %Y "$cf") )) -le "$age" ] && restarts=1;; esac',
    'out=$("$hb" -r 2>&1 </dev/null); rc=$?',
    'if [ $rc -ne 0 ]; then printf "%s\\n" "$out" | grep -E "ERROR|CRIT" >&2; ' +
      'echo "rb-fail: heartbeat refused the new configuration (heartbeat -r exit $rc) and keeps running the old one" >&2; exit 1; fi',
    sh`rb_check() { bad=; if [ -n "$restarts" ]; then now=$(kids); [ -n "$now" ] && [ "$now" != "$before" ] || bad=" its old child processes (the restart has not happened)"; fi; ` +
      sh`for kv in ${pairs}; do k=\${kv%% *}; want=\${kv#* }; ` +
      'got=$(timeout 5 cl_status hbparameter -p "$k" 2>/dev/null); [ "$got" = "$want" ] || bad="$bad $k=${got:-?} (want $want)"; done; [ -z "$bad" ]; }',
    `n=0; until rb_check; do ${gone}; ` +
      `n=$((n+1)); [ $n -lt ${steps} ] || { echo "rb-fail: ${timeoutS} s after the reload heartbeat still runs with$bad" >&2; exit 1; }; sleep ${POLL_S}; done`,
    gone,
    'echo "pid $pid"',
  ].join('\n');
}

/** Wait until heartbeat answers on its API (it does a few seconds after the process is up). */
export function answerCommand(timeoutS: number): string {
  const steps = Math.max(1, Math.ceil(timeoutS / POLL_S));
  return (
    `n=0; until timeout 5 cl_status hbstatus >/dev/null 2>&1; do n=$((n+1)); ` +
    `[ $n -lt ${steps} ] || { echo "rb-fail: heartbeat runs but does not answer cl_status after ${timeoutS} s" >&2; exit 1; }; sleep ${POLL_S}; done`
  );
}

async function script(ctx: HostContext, cmd: string, what: string, timeoutS: number): Promise<void> {
  const r = await ctx.exec(cmd, { timeoutMs: (timeoutS + 30) * 1000 });
  if (r.code !== 0) throw new CommandError({ host: ctx.host, command: what, ...r }, /^rb-fail: (.*)$/m.exec(r.stderr)?.[1] ?? `${what} failed`);
}

const probe = (timeoutS: number) => ({ pidFile: PID_FILE, process: 'heartbeat', timeoutMs: timeoutS * 1000 });

export async function reloadHeartbeat(ctx: HostContext, pid: number, haCf: string, expect: Record<string, string>, timeoutS: number): Promise<void> {
  await script(ctx, reloadCommand(pid, haCf, expect, timeoutS), 'heartbeat -r (reload)', timeoutS);
}

export async function startHeartbeat(ctx: HostContext, timeoutS: number): Promise<void> {
  await serviceAction(ctx, 'heartbeat', 'start', probe(timeoutS));
  await script(ctx, answerCommand(timeoutS), 'cl_status hbstatus', timeoutS);
}

export async function restartHeartbeat(ctx: HostContext, timeoutS: number): Promise<void> {
  await serviceAction(ctx, 'heartbeat', 'restart', probe(timeoutS));
  await script(ctx, answerCommand(timeoutS), 'cl_status hbstatus', timeoutS);
}

export async function stopHeartbeat(ctx: HostContext, timeoutS: number): Promise<void> {
  await serviceAction(ctx, 'heartbeat', 'stop', probe(timeoutS));
}
