// Writing the files and bringing heartbeat to them. Resource scripts go first
// (haresources may name them), then ha.cf, authkeys (0600, root: heartbeat
// refuses a key file others can read) and haresources, each through a temp
// file and an atomic rename. heartbeat has no option to check a file it has
// not been given, so the daemon step is the check: when `heartbeat -r`
// refuses the new files, or a start or restart fails, the previous files
// (and daemon state) come back before the task fails.

import type { FactsContext, HostContext, Plan } from '../../core/module.js';
import { CommandError, ModuleError } from '../../core/errors.js';
import { installFile, restoreCommand } from '../../core/files/write.js';
import { runFactsQuery } from '../../core/module.js';
import { reloadHeartbeat, restartHeartbeat, startHeartbeat, stopHeartbeat } from './daemon.js';
import { MASK } from './diff.js';
import { files, heartbeatFactsQuery, RUNTIME_KEYS, scriptPath, type FileState, type HeartbeatFacts } from './facts.js';
import { writtenValues } from './hacf.js';
import { render, runtimeValues, wanted } from './model.js';
import type { HeartbeatParams } from './params.js';

type FileKey = 'ha_cf' | 'authkeys' | 'haresources' | `script:${string}`;

export function gatherHeartbeatFacts(ctx: FactsContext, p: HeartbeatParams): Promise<HeartbeatFacts> {
  return runFactsQuery(ctx, heartbeatFactsQuery(ctx.host, { path: p.path, scripts: Object.keys(p.resource_scripts ?? {}) }));
}

/** The files a plan writes, in the order they are written. */
function targets(plan: Plan): FileKey[] {
  const keys = new Set<FileKey>();
  for (const c of plan.changes) {
    const d = c.data as { file?: string; name?: string } | undefined;
    if (d?.file === 'script') keys.add(`script:${d.name}`);
    else if (d?.file) keys.add(d.file as FileKey);
  }
  const rank = (k: FileKey) => (k.startsWith('script:') ? 0 : ['ha_cf', 'authkeys', 'haresources'].indexOf(k) + 1);
  return [...keys].sort((a, b) => rank(a) - rank(b));
}

function pathOf(p: HeartbeatParams, k: FileKey): string {
  if (k.startsWith('script:')) return scriptPath(p.path, k.slice('script:'.length));
  const f = files(p.path);
  return k === 'ha_cf' ? f.haCf : k === 'authkeys' ? f.authkeys : f.haresources;
}

function stateOf(facts: HeartbeatFacts, k: FileKey): FileState {
  if (k.startsWith('script:')) return facts.scripts[k.slice('script:'.length)] ?? { exists: false };
  return facts[k as 'ha_cf' | 'authkeys' | 'haresources'];
}

function masked(text: string, p: HeartbeatParams): string {
  const key = p.authkeys.key;
  return key ? text.split(key).join(MASK) : text;
}

export async function applyHeartbeat(ctx: HostContext, p: HeartbeatParams, plan: Plan, facts: HeartbeatFacts): Promise<Record<string, unknown>> {
  const w = wanted(p);
  const r = render(w);
  const backups: string[] = [];
  for (const k of targets(plan)) {
    const path = pathOf(p, k);
    const before = stateOf(facts, k);
    let content: string;
    let opts: { mode?: string; owner?: string; backup?: boolean } = { mode: before.exists ? undefined : '0644' };
    if (k.startsWith('script:')) {
      content = w.scripts[k.slice('script:'.length)];
      // A backup in resource.d would itself be a runnable resource script.
      opts = { mode: '0755', backup: false };
    } else if (k === 'authkeys') {
      content = r.authkeys;
      opts = { mode: '0600', owner: 'root' };
    } else content = k === 'ha_cf' ? r.haCf : r.haresources!;
    const made = await installFile(ctx, { path, content, ...opts });
    if (made.backup) backups.push(made.backup);
  }
  const daemon = plan.changes.find((c) => c.resource === 'service heartbeat');
  try {
    if (daemon?.kind === 'start-heartbeat') await startHeartbeat(ctx, p.timeout);
    else if (daemon?.kind === 'restart-heartbeat') await restartHeartbeat(ctx, p.timeout);
    else if (daemon?.kind === 'reload-heartbeat') await reloadHeartbeat(ctx, facts.daemon.pid!, files(p.path).haCf, runtimeValues(w.haCf), p.timeout);
    else if (daemon?.kind === 'stop-heartbeat') await stopHeartbeat(ctx, p.timeout);
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    let back = 'the previous files and daemon state are back';
    try {
      await rollbackHeartbeat(ctx, p, facts, plan);
    } catch (r) {
      back = `putting the previous files back failed too: ${(r as Error).message}`;
    }
    throw new ModuleError(masked(`${e.message}\n(${back})`, p));
  }
  return backups.length ? { backups } : {};
}

/**
 * Put back the files `snapshot` saw (those that differ now), then the daemon:
 * restarted when haresources came back, reloaded for ha.cf or authkeys,
 * started or stopped to match. Running it twice changes nothing the second time.
 */
export async function rollbackHeartbeat(ctx: HostContext, p: HeartbeatParams, snapshot: HeartbeatFacts, applied: Plan): Promise<void> {
  const now = await gatherHeartbeatFacts(ctx, p);
  const restored: FileKey[] = [];
  for (const k of targets(applied)) {
    const was = stateOf(snapshot, k);
    const is = stateOf(now, k);
    if (was.exists === is.exists && was.content === is.content) continue;
    const path = pathOf(p, k);
    if (!was.exists) await ctx.run(restoreCommand(path, null));
    else if (was.content !== undefined) {
      // authkeys stays 0600 whatever it was: heartbeat refuses to start with a readable key file.
      await installFile(ctx, { path, content: was.content, mode: k === 'authkeys' ? '0600' : was.mode, backup: false });
    }
    restored.push(k);
  }
  const wasRunning = snapshot.daemon.running;
  if (wasRunning && !now.daemon.running) await startHeartbeat(ctx, p.timeout);
  else if (wasRunning && restored.includes('haresources')) await restartHeartbeat(ctx, p.timeout);
  else if (wasRunning && (restored.includes('ha_cf') || restored.includes('authkeys'))) {
    const values = snapshot.ha_cf.content !== undefined ? writtenValues(snapshot.ha_cf.content, RUNTIME_KEYS) : {};
    await reloadHeartbeat(ctx, now.daemon.pid!, files(p.path).haCf, values, p.timeout);
  }
  else if (!wasRunning && now.daemon.running) await stopHeartbeat(ctx, p.timeout);
}
