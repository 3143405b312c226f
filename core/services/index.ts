// Service control for systemd hosts and for hosts without systemd (service /
// init.d, as inside lab hosts). Facts in one exec; every action verified on
// the process table (see script.ts for why).

import type { HostContext } from '../module.js';
import { CommandError } from '../errors.js';
import type { ExecResult } from '../transport/types.js';
import {
  serviceActionCommand,
  serviceEnableCommand,
  serviceFactsCommand,
  type ServiceActionName,
  type ServiceTarget,
} from './script.js';

export type { ServiceActionName, ServiceTarget } from './script.js';
export { serviceActionCommand, serviceEnableCommand, serviceFactsCommand } from './script.js';

export type ServiceManager = 'systemd' | 'sysv';

export interface ServiceFact {
  exists: boolean;
  running: boolean;
  /** Started at boot (systemd unit enabled, or S links in rc2-5.d). */
  enabled?: boolean;
  pid?: number;
  manager: ServiceManager;
  /** systemd: the unit is masked (it cannot be started). */
  masked?: boolean;
  /** systemd: the unit file changed on disk since systemd read it (daemon-reload needed). */
  needsReload?: boolean;
}

/** How to find one service's process, keyed by service name. */
export type ServiceProbe = Omit<ServiceTarget, 'name'>;

export interface ServiceActionOptions extends ServiceProbe {
  /** Bound of each wait (stop → gone, start → up). Default 10 s. */
  timeoutMs?: number;
  /** A started daemon must still be alive this long after it appeared. Default 300 ms. */
  settleMs?: number;
}

/** Parse serviceFactsCommand output. */
export function parseServiceFacts(names: string[], stdout: string): Record<string, ServiceFact> {
  const m = /^manager (systemd|sysv)$/m.exec(stdout);
  if (!m) throw new Error(`service facts: no "manager" line in ${JSON.stringify(stdout.slice(0, 120))}`);
  const manager = m[1] as ServiceManager;
  const out: Record<string, ServiceFact> = {};
  for (const n of names) out[n] = { exists: false, running: false, enabled: false, manager };
  let current: ServiceFact | undefined;
  stdout.split('\n').forEach((line, i) => {
    if (line === '' || line.startsWith('manager ')) return;
    const head = /^@@rb (\d+)$/.exec(line);
    if (head) {
      const name = names[Number(head[1]) - 1];
      if (name === undefined) throw new Error(`service facts: line ${i + 1}: record ${head[1]} for ${names.length} services`);
      current = out[name];
      return;
    }
    if (!current) throw new Error(`service facts: line ${i + 1}: data before any record`);
    const pid = /^pid (\d+)$/.exec(line);
    if (line === 'exists') current.exists = true;
    else if (line === 'enabled') current.enabled = true;
    else if (line === 'masked') current.masked = true;
    else if (line === 'needs-reload') current.needsReload = true;
    else if (pid) {
      current.pid = Number(pid[1]);
      current.running = true;
    } else throw new Error(`service facts: line ${i + 1}: unexpected ${JSON.stringify(line.slice(0, 80))}`);
  });
  return out;
}

/** serviceFacts as one command and the pure function reading its result (for batched facts). */
export function serviceFactsQuery(
  host: string,
  names: string[],
  probes: Record<string, ServiceProbe> = {},
): { command: string; parse(r: ExecResult): Record<string, ServiceFact> } {
  const command = serviceFactsCommand(names.map((name) => ({ name, ...probes[name] })));
  return {
    command,
    parse(r) {
      if (r.code !== 0) throw new CommandError({ host, command, ...r }, 'cannot read service state');
      return parseServiceFacts(names, r.stdout);
    },
  };
}

/** State of services, in one exec. Read-only. */
export async function serviceFacts(
  ctx: HostContext,
  names: string[],
  probes: Record<string, ServiceProbe> = {},
): Promise<Record<string, ServiceFact>> {
  const q = serviceFactsQuery(ctx.host, names, probes);
  return q.parse(await ctx.exec(q.command));
}

/**
 * start | stop | restart | reload `name` and verify the process table agrees.
 * Returns the daemon's pid afterwards (undefined after a stop).
 * Throws CommandError with the init script's output and the syslog tail.
 */
export async function serviceAction(
  ctx: HostContext,
  name: string,
  action: ServiceActionName,
  opts: ServiceActionOptions = {},
): Promise<{ pid?: number }> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const cmd = serviceActionCommand({ name, pidFile: opts.pidFile, process: opts.process, initScript: opts.initScript }, action, {
    timeoutMs,
    settleMs: opts.settleMs ?? 300,
  });
  // Restart waits twice (gone, then up); leave room for the script's own bounds.
  const r = await ctx.exec(cmd, { timeoutMs: 2 * timeoutMs + 15_000 });
  if (r.code !== 0) {
    const reason = /^rb-fail: (.*)$/m.exec(r.stderr)?.[1] ?? `${action} of ${name} failed`;
    throw new CommandError({ host: ctx.host, command: `${action} ${name}`, ...r }, reason);
  }
  const pid = /^pid (\d+)$/m.exec(r.stdout);
  return pid ? { pid: Number(pid[1]) } : {};
}

/** Enable or disable start at boot: systemctl, update-rc.d or chkconfig, whichever the host has. */
export async function serviceEnable(ctx: HostContext, name: string, enabled: boolean): Promise<void> {
  await ctx.run(serviceEnableCommand({ name }, enabled));
}
