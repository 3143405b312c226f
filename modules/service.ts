// service: converges a daemon's run state (started/stopped, or a restart or
// reload every time it runs) and its start at boot, with systemd where PID 1 is
// systemd, else service/init.d. Every action is verified on the process table:
// init scripts that say "ok" for a daemon that did not come back fail the task.
//
//   - name: keepalived running and enabled
//     service:
//       name: keepalived
//       state: started
//       enabled: true
//
// Ansible's systemd/systemd_service run as this module: `daemon_reload` reloads
// systemd when a unit file changed on disk (systemd says so: NeedDaemonReload),
// `masked` masks or unmasks the unit.

import { defineModule, noop, runFactsQuery, type Change, type FactsQuery, type Plan } from '../core/module.js';
import { CommandError, ModuleError } from '../core/errors.js';
import { sh } from '../core/transport/shell.js';
import {
  parseServiceFacts,
  serviceAction,
  serviceEnable,
  serviceEnableCommand,
  serviceFactsCommand,
  type ServiceFact,
  type ServiceProbe,
} from '../core/services/index.js';

export interface ServiceParams {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  pid_file?: string;
  process?: string;
  timeout: number;
  daemon_reload: boolean;
  masked?: boolean;
}

type RunAction = 'start' | 'stop' | 'restart' | 'reload';

const probe = (p: ServiceParams): ServiceProbe => ({ pidFile: p.pid_file, process: p.process });

/** The facts as one command and its parser (what serviceFacts runs), so the engine can batch them. */
function serviceQuery(host: string, p: ServiceParams): FactsQuery<ServiceFact> {
  const command = serviceFactsCommand([{ name: p.name, ...probe(p) }]);
  return {
    command,
    parse(r) {
      if (r.code !== 0) throw new CommandError({ host, command, ...r }, 'cannot read service state');
      return parseServiceFacts([p.name], r.stdout)[p.name];
    },
  };
}

export function planService(p: ServiceParams, f: ServiceFact): Plan {
  const changes: Change[] = [];
  const warnings: string[] = [];
  const now = f.running ? 'running' : 'stopped';
  const run = (action: RunAction, after: string) =>
    changes.push({ kind: `${action}-service`, resource: p.name, field: 'state', before: now, after, data: { action } });
  const systemd = f.manager === 'systemd';
  if (p.masked === true && !systemd) throw new ModuleError(`masked: ${p.name} cannot be masked without systemd (this host runs init scripts)`);
  if (!f.exists && !f.masked) warnings.push(`service ${p.name} is not installed (yet): no ${systemd ? 'unit' : 'init script'}`);
  // daemon_reload: only where systemd has not read the unit file as it is on disk.
  if (p.daemon_reload && systemd && f.needsReload) {
    changes.push({ kind: 'daemon-reload', resource: p.name, field: 'unit file', before: 'changed on disk', after: 'reloaded', commands: ['systemctl daemon-reload'] });
  }
  if (p.masked === false && f.masked) {
    changes.push({ kind: 'unmask-service', resource: p.name, field: 'masked', before: true, after: false, commands: [sh`systemctl unmask ${p.name}`] });
  }
  switch (p.state) {
    case 'started':
      if (!f.running) run('start', 'running');
      break;
    case 'stopped':
      if (f.running) run('stop', 'stopped');
      break;
    case 'restarted':
      // A stopped daemon is started: the point of a restart is that it runs the new config.
      run(f.running ? 'restart' : 'start', f.running ? 'restarted' : 'running');
      break;
    case 'reloaded':
      run(f.running ? 'reload' : 'start', f.running ? 'reloaded' : 'running');
      break;
  }
  if (p.enabled !== undefined && Boolean(f.enabled) !== p.enabled) {
    changes.push({
      kind: p.enabled ? 'enable-service' : 'disable-service',
      resource: p.name,
      field: 'enabled',
      before: Boolean(f.enabled),
      after: p.enabled,
      commands: [serviceEnableCommand({ name: p.name }, p.enabled)],
    });
  }
  if (p.masked === true && !f.masked) {
    changes.push({ kind: 'mask-service', resource: p.name, field: 'masked', before: false, after: true, commands: [sh`systemctl mask ${p.name}`] });
  }
  const out: Plan = changes.length
    ? { changes }
    : noop(
        `${p.name} is ${now}${f.pid ? ` (pid ${f.pid})` : ''}${p.enabled !== undefined ? `, ${p.enabled ? 'enabled' : 'disabled'} at boot` : ''}` +
          `${p.masked !== undefined ? `, ${p.masked ? 'masked' : 'not masked'}` : ''}`,
      );
  return warnings.length ? { ...out, warnings } : out;
}

export default defineModule<ServiceParams, ServiceFact>({
  name: 'service',
  summary: 'A daemon started/stopped/restarted/reloaded (verified) and enabled at boot',
  params: {
    name: { type: 'string', required: true, pattern: /^[A-Za-z0-9_.@-]+$/, patternName: 'a service name' },
    state: { type: 'string', enum: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'bool', description: 'start at boot' },
    pid_file: { type: 'string', pattern: /^\/\S+$/, patternName: 'an absolute path without spaces', description: "the daemon's pid file, when not /run/NAME.pid" },
    process: { type: 'string', description: 'exact process name of the daemon, when it differs from the service name' },
    timeout: { type: 'int', default: 10, min: 1, max: 600, description: 'seconds to wait for the daemon to stop or to come up' },
    daemon_reload: { type: 'bool', default: false, aliases: ['daemon-reload'], description: 'systemd: reload the unit files first when one changed on disk' },
    masked: { type: 'bool', description: 'systemd: the unit masked (never started) or not' },
  },
  rules: (p) => [
    ...(p.state === undefined && p.enabled === undefined && p.masked === undefined && !p.daemon_reload ? [['', 'give state, enabled, masked or daemon_reload'] as [string, string]] : []),
    ...(p.masked === true && (p.state === 'started' || p.state === 'restarted' || p.state === 'reloaded') ? [['masked', `a masked unit cannot be ${p.state}`] as [string, string]] : []),
    ...(p.masked === true && p.enabled === true ? [['masked', 'a masked unit cannot be enabled'] as [string, string]] : []),
  ],
  supports: { check: true, diff: true, rollback: true },
  // An init script that hangs is stopped after 5 minutes.
  timeout: 300,
  example: `- service: { name: keepalived, state: restarted }
- service: { name: rsync, state: started, enabled: true, pid_file: /var/run/rsync.pid }
- systemd: { name: keepalived, daemon_reload: true, masked: false, state: started }`,

  factsQuery: (ctx, p) => serviceQuery(ctx.host, p),
  facts: (ctx, p) => runFactsQuery(ctx, serviceQuery(ctx.host, p)),
  plan: planService,
  async apply(ctx, p, plan) {
    let pid: number | undefined;
    for (const c of plan.changes) {
      if (c.kind === 'daemon-reload' || c.field === 'masked') await ctx.run(c.commands![0]);
      else if (c.field === 'enabled') await serviceEnable(ctx, p.name, c.after as boolean);
      else pid = (await serviceAction(ctx, p.name, (c.data as { action: RunAction }).action, { ...probe(p), timeoutMs: p.timeout * 1000 })).pid;
    }
    return { name: p.name, state: p.state, changed: true, ...(pid ? { pid } : {}) };
  },
  async rollback(ctx, p, snapshot, applied) {
    for (const c of [...applied.changes].reverse()) {
      if (c.kind === 'daemon-reload') continue;
      if (c.field === 'masked') await ctx.run(sh`systemctl ${snapshot.masked ? 'mask' : 'unmask'} ${p.name}`);
      else if (c.field === 'enabled') await serviceEnable(ctx, p.name, Boolean(snapshot.enabled));
      else if (!snapshot.running) await serviceAction(ctx, p.name, 'stop', { ...probe(p), timeoutMs: p.timeout * 1000 });
      else if (c.kind === 'stop-service') await serviceAction(ctx, p.name, 'start', { ...probe(p), timeoutMs: p.timeout * 1000 });
      // A restart or reload of a running daemon leaves it running: nothing to undo
      // here; the restored config files notify their own reload.
    }
  },
});
