// Running heartbeat. Reload is `heartbeat -r`: it reads ha.cf and authkeys
// first and only signals the daemon when heartbeat accepts them ("Config
// errors: Heartbeat pid N NOT restarted", exit 1, and the daemon keeps its
// old config), so it is the real tool's check of the new files. Debian's init
// script loses that exit code (`reload` returns 0 after a refusal), hence the
// direct call. The reloaded daemon re-executes itself under the same pid,
// keeping its resources; it counts as reloaded once `cl_status hbparameter`
// reports the values rb wrote. Start, stop and restart go through the shared
// service control, which waits on the pid file.

import type { HostContext } from '../../core/module.js';
import { CommandError } from '../../core/errors.js';
import { serviceAction } from '../../core/services/index.js';
import { sh } from '../../core/transport/shell.js';
import { PID_FILE } from './facts.js';

const BINARIES = ['/usr/libexec/heartbeat/heartbeat', '/usr/lib64/heartbeat/heartbeat', '/usr/lib/heartbeat/heartbeat'];
const POLL_S = 0.5;

/** `heartbeat -r`, then wait until the daemon `pid` runs with every `expect`ed value. */
export function reloadCommand(pid: number, expect: Record<string, string>, timeoutS: number): string {
  const pairs = Object.entries(expect).map(([k, v]) => `${k} ${v}`);
  const steps = Math.max(1, Math.ceil(timeoutS / POLL_S));
  return [
    sh`pid=${pid}; hb=; for b in ${BINARIES}; do [ -x "$b" ] && { hb=$b; break; }; done`,
    '[ -n "$hb" ] || { echo "rb-fail: no heartbeat binary found" >&2; exit 1; }',
    'out=$("$hb" -r 2>&1 </dev/null); rc=$?',
    'if [ $rc -ne 0 ]; then printf "%s\\n" "$out" | grep -E "ERROR|CRIT" >&2; ' +
      'echo "rb-fail: heartbeat refused the new configuration (heartbeat -r exit $rc) and keeps running the old one" >&2; exit 1; fi',
    sh`rb_check() { bad=; for kv in ${pairs}; do k=\${kv%% *}; want=\${kv#* }; ` +
      'got=$(timeout 5 cl_status hbparameter -p "$k" 2>/dev/null); [ "$got" = "$want" ] || bad="$bad $k=${got:-?} (want $want)"; done; [ -z "$bad" ]; }',
    `n=0; until rb_check; do kill -0 "$pid" 2>/dev/null || { echo "rb-fail: heartbeat (pid $pid) is gone after the reload" >&2; exit 1; }; ` +
      `n=$((n+1)); [ $n -lt ${steps} ] || { echo "rb-fail: ${timeoutS} s after the reload heartbeat still runs with$bad" >&2; exit 1; }; sleep ${POLL_S}; done`,
    'kill -0 "$pid" 2>/dev/null || { echo "rb-fail: heartbeat (pid $pid) is gone after the reload" >&2; exit 1; }',
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

export async function reloadHeartbeat(ctx: HostContext, pid: number, expect: Record<string, string>, timeoutS: number): Promise<void> {
  await script(ctx, reloadCommand(pid, expect, timeoutS), 'heartbeat -r (reload)', timeoutS);
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
