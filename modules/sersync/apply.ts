// Writing the engine's config and password file, then its daemon. Neither
// lsyncd nor sersync2 has a config-test option, so the check is the start
// itself: the daemon must come up and stay up (verified on the process table),
// else the task fails and rollback puts the old file and daemon state back.

import type { HostContext, Plan } from '../../core/module.js';
import { installFile, restoreCommand, restoreNewestBackupCommand } from '../../core/files/write.js';
import { sh } from '../../core/transport/shell.js';
import { daemonAction, type DaemonAction } from '../lib/daemon-process.js';
import { configPath, daemonSpec, gatherSersyncFacts, type Engine, type SersyncFacts } from './facts.js';
import type { SersyncParams } from './params.js';
import { passwordContent, resolveEngine } from './plan.js';

const ENGINES: Engine[] = ['lsyncd', 'sersync'];

export async function applySersync(ctx: HostContext, p: SersyncParams, plan: Plan, facts: SersyncFacts): Promise<void> {
  const engine = resolveEngine(p, facts, []);
  const other: Engine = engine === 'lsyncd' ? 'sersync' : 'lsyncd';
  for (const c of plan.changes) {
    if (c.kind === 'stop-other-engine') await daemonAction(ctx, daemonSpec(p, other, facts.bins[other]), 'stop');
    else if (c.kind === 'write-config' || c.kind === 'create-config') {
      // lsyncd will not start when it cannot open its log.
      if (engine === 'lsyncd') await ctx.run(sh`mkdir -p ${p.log_file.replace(/\/[^/]*$/, '') || '/'}`);
      await installFile(ctx, { path: configPath(p, engine), content: (c.data as { text: string }).text, mode: '0644', backup: true });
    } else if (c.kind === 'write-password') {
      // Content on stdin, never in a command line.
      await installFile(ctx, { path: p.auth!.password_file, content: passwordContent(p.auth!.password!), mode: '0600', owner: 'root', backup: true });
    } else if (c.kind === 'set-password-mode') for (const cmd of c.commands ?? []) await ctx.run(cmd);
    else {
      const m = /^(start|stop|restart)-(lsyncd|sersync)$/.exec(c.kind);
      if (m) await daemonAction(ctx, daemonSpec(p, engine, facts.bins[engine]), m[1] as DaemonAction);
    }
  }
}

/** The files facts saw, then both daemons as they were. */
export async function rollbackSersync(ctx: HostContext, p: SersyncParams, snapshot: SersyncFacts, applied: Plan): Promise<void> {
  const engine = resolveEngine(p, snapshot, []);
  const kinds = new Set(applied.changes.map((c) => c.kind));
  if (kinds.has('write-config') || kinds.has('create-config')) {
    const before = snapshot.configs[engine];
    if (before.exists && before.content !== undefined) await installFile(ctx, { path: configPath(p, engine), content: before.content, backup: false });
    else if (!before.exists) await ctx.run(restoreCommand(configPath(p, engine), null));
  }
  if (kinds.has('write-password') && p.auth) {
    await ctx.run(snapshot.password?.exists ? restoreNewestBackupCommand(p.auth.password_file) : restoreCommand(p.auth.password_file, null));
  }
  const now = await gatherSersyncFacts(ctx, p);
  for (const e of ENGINES) {
    const spec = daemonSpec(p, e, now.bins[e]);
    if (snapshot.daemons[e].running && !now.daemons[e].running) await daemonAction(ctx, spec, 'start');
    else if (!snapshot.daemons[e].running && now.daemons[e].running) await daemonAction(ctx, spec, 'stop');
    else if (e === engine && now.daemons[e].running && kinds.has(`restart-${e}`)) await daemonAction(ctx, spec, 'restart');
  }
}
