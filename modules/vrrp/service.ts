// Running keepalived: reload by SIGHUP to the pid rb saw, verified; start and
// stop through the shared service control, which waits for the pid file and
// the process (the Debian init script returns 0 on failures, LAB.md).

import type { HostContext } from '../../core/module.js';
import { CommandError } from '../../core/errors.js';
import { serviceAction, serviceFacts } from '../../core/services/index.js';
import { sh } from '../../core/transport/shell.js';

/** How long a reloaded keepalived must stay alive before the reload counts as done. */
export const RELOAD_SETTLE_STEPS = 10;

/**
 * SIGHUP to `pid`, then the same process must still be keepalived a second
 * later: a keepalived that dies on its new config is reported, not assumed fine.
 */
export function reloadCommand(pid: number): string {
  return [
    sh`pid=${pid}`,
    `kill -HUP "$pid" || { echo "rb-fail: cannot signal keepalived (pid $pid)" >&2; exit 1; }`,
    `n=0; while [ $n -lt ${RELOAD_SETTLE_STEPS} ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; n=$((n+1)); done`,
    'if kill -0 "$pid" 2>/dev/null && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = keepalived ] && ! grep -q "^State:.*Z" /proc/"$pid"/status 2>/dev/null; then echo "pid $pid"; ' +
      'else { [ -r /var/log/syslog ] && tail -n 8 /var/log/syslog; echo "rb-fail: keepalived (pid $pid) is gone after the reload"; } >&2; exit 1; fi',
  ].join('\n');
}

export interface DaemonTarget {
  service: string;
  pidFile: string;
}

const probe = (t: DaemonTarget) => ({ pidFile: t.pidFile, process: 'keepalived' });

export async function reloadKeepalived(ctx: HostContext, pid: number): Promise<void> {
  const cmd = reloadCommand(pid);
  const r = await ctx.exec(cmd);
  if (r.code !== 0) {
    const reason = /^rb-fail: (.*)$/m.exec(r.stderr)?.[1] ?? 'reload of keepalived failed';
    throw new CommandError({ host: ctx.host, command: cmd, ...r }, reason);
  }
}

export async function startKeepalived(ctx: HostContext, t: DaemonTarget): Promise<void> {
  await serviceAction(ctx, t.service, 'start', probe(t));
}

export async function stopKeepalived(ctx: HostContext, t: DaemonTarget): Promise<void> {
  await serviceAction(ctx, t.service, 'stop', probe(t));
}

/** The running pid now, for rollbacks (which do not get fresh facts). */
export async function currentPid(ctx: HostContext, t: DaemonTarget): Promise<number | undefined> {
  const f = await serviceFacts(ctx, [t.service], { [t.service]: probe(t) });
  return f[t.service].pid;
}
