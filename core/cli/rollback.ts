// `rb rollback RUN-ID [--check] [--diff] [--limit P] [--force] [-i INV]`: undo a
// finished run's changes on its hosts, newest first, from the journal's
// snapshots, then fire the handlers of what was restored so the old
// configuration is live again. A host whose resources changed since that run
// (its state no longer what the run left) is refused unless --force.

import { dirname } from 'node:path';
import { ConfigError, RbError } from '../errors.js';
import { hostContext } from '../engine/context.js';
import { DEFAULT_LOCK_TIMEOUT_MS, releaseHostLock, takeHostLock } from '../engine/host-lock.js';
import { HostState } from '../engine/host-state.js';
import { readJournal, type JournalHost, type JournalRecord } from '../engine/journal.js';
import { runTask, type TaskEnv } from '../engine/task-runner.js';
import type { RunOptions } from '../engine/types.js';
import type { UndoEntry } from '../engine/undo.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import type { Change, ModuleRegistry } from '../module.js';
import { loadPlaybooks } from '../playbook/load.js';
import type { Play, Playbook, Task } from '../playbook/types.js';
import { changeLine } from '../report/format.js';
import { redactResult } from '../report/redact.js';
import { ConnectionPool, connectionFromVars } from '../transport/connect.js';
import type { Transport } from '../transport/types.js';
import { loadRegistry } from './registry.js';
import { parseRunArgs, type RunArgs } from './args.js';
import { lockPathFor } from '../engine/host-locks.js';

/** rb run's own options (-e, -u, --private-key, --timeout, --lock-timeout, -b, ansible.cfg...) plus --force; the run id in place of a playbook. */
interface RollbackArgs extends RunArgs {
  runId?: string;
  force: boolean;
}

const USAGE = 'rb rollback RUN-ID [--check] [--diff] [--limit P] [--force] [-i INV] [-e VARS] [--lock-timeout S] [connection options of rb run]';

function parse(argv: string[]): RollbackArgs {
  const force = argv.includes('--force');
  const a: RollbackArgs = { ...parseRunArgs(argv.filter((x) => x !== '--force')), force };
  const unsupported = (['tags', 'skipTags'] as const).filter((k) => a[k].length).concat(a.startAtTask ? ['startAtTask' as never] : []);
  if (unsupported.length || a.playbooks.length > 1 || a.list || a.shard || a.unmanaged) throw new ConfigError([{ message: `rb rollback: ${a.playbooks.length > 1 ? `one RUN-ID, got ${a.playbooks.join(' ')}` : 'an option of rb run that a rollback cannot take'} (usage: ${USAGE})` }]);
  a.runId = a.playbooks[0];
  if (!a.runId) throw new ConfigError([{ message: 'rb rollback: give the RUN-ID (rb runs lists them)' }]);
  return a;
}

const say = (s: string) => process.stdout.write(`${s}\n`);

/** The change as it will be undone: after → before. */
function reversed(c: Change): Change {
  return { ...c, before: c.after, after: c.before, diff: undefined };
}

export async function rollbackCommand(argv: string[]): Promise<number> {
  let a: RollbackArgs;
  let rec: JournalRecord;
  try {
    a = parse(argv);
    const found = (await readJournal()).find((r) => r.runId === a.runId);
    if (!found) throw new ConfigError([{ message: `rb rollback: no run ${a.runId} in the journal (rb runs lists them)` }]);
    rec = found;
  } catch (e) {
    if (e instanceof RbError) {
      process.stderr.write(`rb: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const inventories = a.inventories.length ? a.inventories : rec.inventories ?? [];
  const inventory = await loadInventory(inventories);
  const books = await loadPlaybooks(rec.playbooks, { registry: await loadRegistry(rec.playbooks) });
  const registry = await loadRegistry(rec.playbooks);
  const wanted = a.limit ? new Set(selectHosts(inventory, a.limit)) : undefined;
  const hosts = Object.entries(rec.hosts).filter(([h, x]) => x.undo?.length && (!wanted || wanted.has(h)));
  if (!hosts.length) {
    say(`run ${rec.runId}: nothing to roll back${a.limit ? ` on ${a.limit}` : ''}`);
    return 0;
  }
  await registry.load?.(new Set(hosts.flatMap(([, x]) => x.undo!.map((u) => u.module))));
  const pool = new ConnectionPool();
  let bad = false;
  try {
    for (const [name, x] of hosts) {
      const h = inventory.hosts.get(name);
      if (!h) {
        say(`${name}: not in the inventory, skipped`);
        bad = true;
        continue;
      }
      const ok = await rollbackOne(a, rec, name, h.vars, x, registry, books, pool);
      bad ||= !ok;
    }
  } finally {
    await pool.closeAll();
  }
  return bad ? 3 : 0;
}

function findTask(books: Playbook[], u: UndoEntry): { play: Play; task: Task } | undefined {
  for (const b of books) for (const play of b.plays) for (const task of [...play.tasks, ...play.handlers]) if (task.file === u.file && task.path === u.path && task.name === u.task) return { play, task };
  return undefined;
}

/** The host's variables as the run's connection saw them: ansible.cfg, the inventory, the vars of the plays the run changed it in, extra vars. */
function hostVars(a: RollbackArgs, inventoryVars: Record<string, unknown>, plays: Play[]): Record<string, unknown> {
  const playVars = Object.assign({}, ...plays.map((p) => p.vars)) as Record<string, unknown>;
  return { ...a.connectionDefaults, ...inventoryVars, ...playVars, ...a.extraVars };
}

async function rollbackOne(a: RollbackArgs, rec: JournalRecord, name: string, inventoryVars: Record<string, unknown>, journal: JournalHost, registry: ModuleRegistry, books: Playbook[], pool: ConnectionPool): Promise<boolean> {
  const undo = journal.undo!;
  const runPlays = [...new Set(undo.map((u) => findTask(books, u)?.play).filter((p): p is Play => !!p))];
  const vars = hostVars(a, inventoryVars, runPlays);
  const firstPlay = runPlays[0];
  const spec = connectionFromVars(name, vars, { hostKeyChecking: a.hostKeyChecking, timeoutMs: a.timeoutMs, user: firstPlay?.remoteUser ?? a.remoteUser });
  const t: Transport = await pool.get(spec);
  const entries = [...undo].reverse();
  const ctxFor = (u: UndoEntry, check: boolean) =>
    hostContext({ transport: t, vars, check, become: u.become ?? findTask(books, u)?.play.become ?? a.become, playbookDir: dirname(rec.playbooks[0] ?? '.'), taskDir: dirname(u.file), log: (m) => say(`  ${name}: ${m}`) });
  // Drift since the run: the newest entry on each resource must still plan nothing.
  const drifted: string[] = [];
  const seen = new Set<string>();
  for (const u of entries) {
    const def = registry.get(u.module);
    if (!u.params || !def?.facts || !def.plan) continue;
    const resources = (u.plan?.changes ?? []).map((c) => c.resource);
    const newer = resources.length > 0 && resources.every((r) => seen.has(r));
    for (const r of resources) seen.add(r);
    if (newer) continue;
    const facts = await def.facts(ctxFor(u, true), u.params);
    const plan = def.plan(u.params, facts, { host: name, vars, taskName: u.task });
    if (plan.changes.length) drifted.push(`${u.task}: ${plan.changes.map((c) => changeLine(c)).join('; ')}`);
  }
  if (drifted.length && !a.force) {
    say(`REFUSED [${name}]: changed since run ${rec.runId} (--force to roll back anyway):`);
    for (const d of drifted) say(`  ${d}`);
    return false;
  }
  say(`ROLLBACK${a.check ? ' (check)' : ''} [${name}] run ${rec.runId}${drifted.length ? ' (forced over drift)' : ''}`);
  const notify = new Set<string>();
  const plays = new Set<Play>();
  let ok = true;
  // The lock a run of the same hosts takes: rb_lock_path from -e first, then the one the run took (journal), else as rb run finds it.
  const lock = a.check ? undefined : 'rb_lock_path' in a.extraVars || !journal.lock ? lockPathFor(vars, spec) : journal.lock.path;
  const lockBecome = journal.lock?.become ?? entries[0]?.become ?? firstPlay?.become ?? a.become;
  const runId = `rollback-${rec.runId}`;
  if (lock) {
    try {
      await takeHostLock({ transport: t, path: lock, runId, timeoutMs: a.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, become: lockBecome, report: (m) => say(`  ${m}`) });
    } catch (e) {
      say(`FAILED [${name}]: ${(e as Error).message}`);
      return false;
    }
  }
  try {
    for (const u of entries) {
      const def = registry.get(u.module);
      if (u.unrestorable || !def?.rollback || !u.params) {
        say(`  not restored: ${u.task} (${u.module}: ${u.unrestorable ?? 'cannot roll back'})`);
        continue;
      }
      if (a.check) say(`  would restore: ${u.task} (${u.module})`);
      else {
        try {
          await def.rollback(ctxFor(u, false), u.params, u.snapshot, u.plan!);
          say(`  restored: ${u.task} (${u.module})`);
        } catch (e) {
          ok = false;
          say(`  FAILED to restore: ${u.task} (${u.module}) — ${(e as Error).message}`);
          continue;
        }
      }
      if (a.diff) for (const c of u.plan?.changes ?? []) say(`    ${changeLine(reversed(c))}`);
      for (const n of u.notify) notify.add(n);
      const found = findTask(books, u);
      if (found) plays.add(found.play);
    }
    // The handlers of what was restored, so the old configuration is live again.
    for (const play of plays) {
      for (const handler of play.handlers) {
        if (![handler.name, ...handler.listen].some((n) => notify.has(n))) continue;
        if (a.check) {
          say(`  would run handler: ${handler.name}`);
          continue;
        }
        const r = redactResult(await runTask(handlerEnv(registry, play, t, vars), handler, new HostState(name, vars), true));
        say(`  handler ${handler.name}: ${r.status}${r.status === 'failed' ? ` — ${r.msg}` : ''}`);
        if (r.status === 'failed' || r.status === 'unreachable') ok = false;
      }
    }
  } finally {
    if (lock) await releaseHostLock(t, lock, runId, lockBecome);
  }
  return ok;
}

function handlerEnv(registry: ModuleRegistry, play: Play, t: Transport, vars: Record<string, unknown>): TaskEnv {
  const options: RunOptions = { check: false, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 1, rollback: false, verbose: 0 };
  return {
    registry,
    options,
    play,
    transport: () => t,
    vars: (s, task) => ({ ...vars, ...play.vars, ...task.vars, inventory_hostname: s.name }),
    log: (host, m) => say(`  ${host}: ${m}`),
  };
}
