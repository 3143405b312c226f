// Writing keepalived.conf and bringing the daemon to it. The rendered file is
// checked by the host's own `keepalived -t` before it replaces anything: when
// keepalived refuses it, nothing on the host changed and the old config keeps
// running; its `(Line N)` messages are shown with the field each line holds.

import type { HostContext, Plan } from '../../core/module.js';
import { CommandError, ModuleError } from '../../core/errors.js';
import { installFile, restoreCommand } from '../../core/files/write.js';
import { sh } from '../../core/transport/shell.js';
import { MASK } from './diff.js';
import type { VrrpFacts } from './facts.js';
import { fromParams, type KeepalivedConfig } from './model.js';
import type { ServiceParams } from './plan.js';
import { render, type RenderedLine } from './render.js';
import { currentPid, reloadKeepalived, startKeepalived, stopKeepalived } from './service.js';

type Params = ServiceParams & Record<string, unknown>;

/** -e: a missing file is an error, not an empty config (rc 0 without it, LAB.md). */
export function validateCommand(tmp: string): string {
  return sh`keepalived -t -e -f ${tmp}`;
}

/** keepalived -t output → lines naming the rendered field, secrets masked. */
export function explainValidation(output: string, lines: RenderedLine[], secrets: string[]): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^\((?:[^()]*: )?Line (\d+)\)\s*(.*)$/.exec(l);
      if (!m) return l;
      const where = lines[Number(m[1]) - 1];
      return where?.label ? `line ${m[1]} (${where.label}): ${m[2]}` : `line ${m[1]}: ${m[2]}`;
    })
    .map((l) => secrets.reduce((s, secret) => s.split(secret).join(MASK), l));
}

function secretValues(c: KeepalivedConfig): string[] {
  return (c.instances ?? []).map((i) => i.authentication?.auth_pass).filter((s): s is string => Boolean(s));
}

export async function applyVrrp(ctx: HostContext, p: Params, plan: Plan, facts: VrrpFacts): Promise<{ backup?: string }> {
  let backup: string | undefined;
  if (plan.changes.some((c) => c.resource === p.path)) {
    const config = fromParams(p);
    const rendered = render(config);
    try {
      const r = await installFile(ctx, {
        path: p.path,
        content: rendered.text,
        // The file holds auth_pass: readable by root only when rb creates it.
        mode: facts.exists ? undefined : '0600',
        backup: true,
        validate: validateCommand,
      });
      backup = r.backup;
    } catch (e) {
      if (!(e instanceof CommandError) || !/validation of/.test(e.message)) throw e;
      const why = explainValidation(`${e.stderr}\n${e.stdout}`, rendered.lines, secretValues(config)).filter((l) => !/^validator exit/.test(l));
      throw new ModuleError(
        `${ctx.host}: keepalived -t refused the new ${p.path} (exit ${e.code}); nothing was changed${facts.running ? ' and keepalived keeps its old config' : ''}:\n  ${why.join('\n  ')}`,
      );
    }
  }
  const target = { service: p.service, pidFile: p.pid_file };
  for (const c of plan.changes) {
    if (c.kind === 'reload-keepalived') await reloadKeepalived(ctx, facts.pid!);
    else if (c.kind === 'start-keepalived') await startKeepalived(ctx, target);
    else if (c.kind === 'stop-keepalived') await stopKeepalived(ctx, target);
  }
  return backup ? { backup } : {};
}

/** Put back the file facts saw, then the daemon's state: reload, start or stop. */
export async function rollbackVrrp(ctx: HostContext, p: Params, snapshot: VrrpFacts, applied: Plan): Promise<void> {
  if (applied.changes.some((c) => c.resource === p.path)) {
    if (snapshot.exists && snapshot.content !== undefined) {
      await installFile(ctx, { path: p.path, content: snapshot.content, backup: false });
    } else if (!snapshot.exists) {
      await ctx.run(restoreCommand(p.path, null));
    }
  }
  const target = { service: p.service, pidFile: p.pid_file };
  const pid = await currentPid(ctx, target);
  if (snapshot.running && pid !== undefined) await reloadKeepalived(ctx, pid);
  else if (snapshot.running) await startKeepalived(ctx, target);
  else if (pid !== undefined) await stopKeepalived(ctx, target);
}
