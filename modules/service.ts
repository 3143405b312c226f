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

import { defineModule, noop, runFactsQuery, type Change, type FactsQuery, type Plan } from '../core/module.js';
import { CommandError } from '../core/errors.js';
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
  if (!f.exists) warnings.push(`service ${p.name} is not installed (yet): no ${f.manager === 'systemd' ? 'unit' : 'init script'}`);
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
  const out: Plan = changes.length
    ? { changes }
    : noop(`${p.name} is ${now}${f.pid ? ` (pid ${f.pid})` : ''}${p.enabled !== undefined ? `, ${p.enabled ? 'enabled' : 'disabled'} at boot` : ''}`);
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
  },
  rules: (p) => (p.state === undefined && p.enabled === undefined ? [['', 'give state, enabled or both']] : []),
  supports: { check: true, diff: true, rollback: true },
  // An init script that hangs is stopped after 5 minutes.
  timeout: 300,
  example: `- service: { name: keepalived, state: restarted }
- service: { name: rsync, state: started, enabled: true, pid_file: /var/run/rsync.pid }`,

  factsQuery: (ctx, p) => serviceQuery(ctx.host, p),
  facts: (ctx, p) => runFactsQuery(ctx, serviceQuery(ctx.host, p)),
  plan: planService,
  async apply(ctx, p, plan) {
    let pid: number | undefined;
    for (const c of plan.changes) {
      if (c.field === 'enabled') await serviceEnable(ctx, p.name, c.after as boolean);
      else pid = (await serviceAction(ctx, p.name, (c.data as { action: RunAction }).action, { ...probe(p), timeoutMs: p.timeout * 1000 })).pid;
    }
    return { name: p.name, state: p.state, changed: true, ...(pid ? { pid } : {}) };
  },
  async rollback(ctx, p, snapshot, applied) {
    for (const c of applied.changes) {
      if (c.field === 'enabled') await serviceEnable(ctx, p.name, Boolean(snapshot.enabled));
      else if (!snapshot.running) await serviceAction(ctx, p.name, 'stop', { ...probe(p), timeoutMs: p.timeout * 1000 });
      else if (c.kind === 'stop-service') await serviceAction(ctx, p.name, 'start', { ...probe(p), timeoutMs: p.timeout * 1000 });
      // A restart or reload of a running daemon leaves it running: nothing to undo
      // here; the restored config files notify their own reload.
    }
  },
});
