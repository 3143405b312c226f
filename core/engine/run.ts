// A whole run: inventory + playbooks loaded and validated before any host is
// contacted, then play after play over one pooled connection per host.

import { statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { ConfigError, configError, type ConfigProblem } from '../errors.js';
import { isIpAddress } from '../inventory/host-range.js';
import { groupsMap, loadInventory, type Inventory } from '../inventory/index.js';
import { selectHosts } from '../inventory/patterns.js';
import { lookupHooks } from '../template/lookups.js';
import type { ModuleRegistry } from '../module.js';
import { loadPlaybooks } from '../playbook/load.js';
import type { Play, Task } from '../playbook/types.js';
import { ConnectionPool, connectionFromVars } from '../transport/connect.js';
import type { Transport, TransportStats } from '../transport/types.js';
import { selectPlayHosts, type PlayHosts } from './host-selection.js';
import { checkPlayStructure, preflightConnections, preflightPlay, runtimeNames } from './preflight.js';
import { VarOrigins } from './var-origins.js';
import { redactingReporter, redactSummary } from '../report/redact.js';
import { HostState, hostvarsView } from './host-state.js';
import { FactsRider, startGathering } from './system-facts.js';
import { HostLocks } from './host-locks.js';
import { newRunId } from './journal.js';
import { LazyTransport } from './lazy-transport.js';
import { pendingOf } from './pending.js';
import { undoOf } from './undo.js';
import { unmanagedOf } from './unmanaged.js';
import { runPlay, type PlayRun } from './play-runner.js';
import { shardOfHosts } from './shard.js';
import { ensureOpenFiles } from './open-files.js';
import { haKeysOf } from './shard-peers.js';
import type { TaskEnv } from './task-runner.js';
import { emptyStats, type HostStats, type Reporter, type RollbackReport, type RunOptions, type RunSummary, type TaskResult } from './types.js';

export interface RunRequest {
  playbooks: string[];
  inventories: string[];
  registry: ModuleRegistry;
  options: RunOptions;
  reporter: Reporter;
}

export async function runPlaybooks(request: RunRequest): Promise<RunSummary> {
  const started = Date.now();
  // Reporters only ever see results with no_log and secrets honoured.
  const req = { ...request, reporter: redactingReporter(request.reporter) };
  const books = await loadPlaybooks(req.playbooks, { registry: req.registry, extraVars: req.options.extraVars, rolesPath: req.options.rolesPath });
  const inventory = await loadInventory(req.inventories, { playbookDir: books[0] ? dirname(books[0].file) : undefined });
  lookupHooks.hosts = (pattern) => selectHosts(inventory, pattern);
  // Resolve every play's hosts up front: a bad pattern is bad input, found before any connection.
  let plays = selectPlayHosts(inventory, books.flatMap((b) => b.plays), req.options.limit, req.options.extraVars);
  if (req.options.startAtTask && !plays.some(({ play }) => play.tasks.some((t) => t.name === req.options.startAtTask))) {
    throw configError(`--start-at-task: no task named "${req.options.startAtTask}"`);
  }

  const runId = req.options.runId ?? newRunId(new Date(started));
  req.options = { ...req.options, runId };
  const states = new Map<string, HostState>();
  for (const [name, h] of inventory.hosts) {
    const s = new HostState(name, h.vars, h.groups.filter((g) => g !== 'all').sort());
    s.owed = req.options.owed?.get(name) ?? [];
    states.set(name, s);
  }
  if (req.options.shard) plays = shardPlays(req, plays, states, commonVars(inventory, req.options, states));
  const locks = new HostLocks(req.options, (m) => req.reporter.warn(m));
  checkBeforeConnecting(req, inventory, plays, states, commonVars(inventory, req.options, states), books[0]?.dir);
  await ensureOpenFiles(new Set(plays.flatMap((p) => p.hosts)).size);
  const pool = new ConnectionPool();
  const transports = new Map<string, Transport>();
  const results: TaskResult[] = [];
  const rollbacks: RollbackReport[] = [];
  const magic = commonVars(inventory, req.options, states);
  const startAt = { pending: req.options.startAtTask };
  const delegates = new Map<string, HostState>();
  try {
    for (const { play, hosts } of plays) {
      if (req.options.stop?.signal) break;
      const active = hosts.filter((h) => states.get(h)!.active);
      if (!active.length) {
        req.reporter.playStart(play, []);
        continue;
      }
      for (const h of active) states.get(h)!.playVars = play.vars;
      startGathering(play, active.map((h) => states.get(h)!), req.options.gathering);
      const env = taskEnv(req, play, active, magic, (s) => {
        // A play's own connection (connection: local) gets its own transport beside the host's usual one.
        const key = play.connection ? `${s.name}\0${play.connection}` : s.name;
        let t = transports.get(key);
        if (!t) {
          // Extra vars win over the inventory, connection variables included (as in Ansible).
          // The play's `connection:` is a default: a host's own ansible_connection wins, as in Ansible.
          const vars = { ...req.options.connectionDefaults, ...(play.connection ? { ansible_connection: play.connection } : {}), ...s.merged(req.options.extraVars) };
          const spec = connectionFromVars(s.name, vars, { hostKeyChecking: req.options.hostKeyChecking, timeoutMs: req.options.timeoutMs, user: play.remoteUser ?? req.options.remoteUser });
          t = new FactsRider(new LazyTransport(s.name, () => pool.get(spec)), s);
          transports.set(key, t);
          locks.configure(s, t, spec, vars);
        }
        return t;
      }, locks);
      env.delegate = (name) => delegateState(states, delegates, name);
      const run: PlayRun = { env, options: req.options, reporter: req.reporter, states, results, onRollback: (r) => rollbacks.push(r), startAt };
      await runPlay(run, play, active);
    }
  } finally {
    await locks.releaseAll();
    await pool.closeAll();
  }
  const transport: Record<string, TransportStats> = {};
  for (const [key, t] of transports) {
    if (!t.stats) continue;
    // A play's own connection counts for its host.
    const name = key.split('\0')[0];
    const sum = transport[name] as unknown as Record<string, number> | undefined;
    if (!sum) transport[name] = { ...t.stats };
    else for (const [k, v] of Object.entries(t.stats)) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
  }
  const summary: RunSummary = {
    stats: stats(results, states),
    results,
    rollbacks,
    check: req.options.check,
    durationMs: Date.now() - started,
    transport,
    runId,
    startedAt: new Date(started).toISOString(),
    pending: pendingOf(states.values()),
    undo: undoOf(states.values()),
    locks: locks.taken(),
    ...(req.options.unmanaged ? { unmanaged: unmanagedOf(states.values(), req.registry) } : {}),
    interrupted: req.options.stop?.signal,
    ...(req.options.shard ? { shard: req.options.shard } : {}),
  };
  const shown = redactSummary(summary);
  await req.reporter.runEnd(shown);
  return shown;
}

/** Every play's tasks on every host, and each host's connection, checked before the first connection. */
export function checkBeforeConnecting(req: RunRequest, inventory: Inventory, plays: PlayHosts[], states: Map<string, HostState>, magic: Record<string, unknown>, playbookDir?: string): void {
  const origins = new VarOrigins(inventory, playbookDir);
  const runtime = runtimeNames(plays.map((p) => p.play), req.registry);
  const problems: ConfigProblem[] = [];
  // A task whose templates do not parse is reported once, not again for every host.
  const broken = new Set<Task>();
  for (const { play } of plays) problems.push(...checkPlayStructure(play, req.registry, broken));
  const selected = [...new Set(plays.flatMap((p) => p.hosts))].map((h) => states.get(h)!);
  problems.push(...preflightConnections(selected, { hostKeyChecking: req.options.hostKeyChecking, timeoutMs: req.options.timeoutMs }, origins, req.options.extraVars));
  for (const { play, hosts } of plays) {
    const ss = hosts.map((h) => states.get(h)!);
    const saved = ss.map((s) => s.playVars);
    for (const s of ss) s.playVars = play.vars;
    const env = taskEnv(req, play, hosts, magic, () => {
      throw new Error('no connection is made before every host is checked');
    });
    problems.push(...preflightPlay(env, play, ss, runtime, origins, broken));
    ss.forEach((s, i) => (s.playVars = saved[i]));
  }
  if (problems.length) throw new ConfigError(problems);
}

/** --shard K/N: each play keeps the hosts of this shard; an HA group's nodes stay together. */
function shardPlays(req: RunRequest, plays: PlayHosts[], states: Map<string, HostState>, magic: Record<string, unknown>): PlayHosts[] {
  const shard = req.options.shard!;
  const keys = new Map<string, string[]>();
  for (const { play, hosts } of plays) {
    const env = taskEnv(req, play, hosts, magic, () => {
      throw new Error('sharding reads no host');
    });
    for (const h of hosts) {
      const s = states.get(h)!;
      const saved = s.playVars;
      s.playVars = play.vars;
      keys.set(h, [...(keys.get(h) ?? []), ...haKeysOf(env, play.tasks, s)]);
      s.playVars = saved;
    }
  }
  const all = [...keys.keys()];
  const shardOf = shardOfHosts(all, keys, shard.count);
  const mine = all.filter((h) => shardOf.get(h) === shard.index);
  req.reporter.warn(`shard ${shard.index}/${shard.count}: ${mine.length} of ${all.length} selected hosts`);
  return plays.map((p) => ({ ...p, hosts: p.hosts.filter((h) => shardOf.get(h) === shard.index) }));
}

/** A delegate_to target: an inventory host, else localhost on the local connection, else a host by that name. */
function delegateState(states: Map<string, HostState>, extra: Map<string, HostState>, name: string): HostState {
  const known = states.get(name);
  if (known) return known;
  let s = extra.get(name);
  if (!s) {
    const local = name === 'localhost' || name === '127.0.0.1' || name === '::1';
    s = new HostState(name, local ? { ansible_connection: 'local' } : {});
    extra.set(name, s);
  }
  return s;
}

export function commonVars(inv: Inventory, options: RunOptions, states: Map<string, HostState>): Record<string, unknown> {
  const base = { groups: groupsMap(inv), ansible_check_mode: options.check, ansible_diff_mode: options.diff, ...inventoryPlace(inv.sources) };
  return { ...base, hostvars: hostvarsView(states, { ...base, ...options.extraVars }) };
}

export function taskEnv(req: RunRequest, play: Play, hosts: string[], magic: Record<string, unknown>, transport: (s: HostState) => Transport, locks?: HostLocks): TaskEnv {
  const playMagic = { ansible_play_hosts: hosts, ansible_play_batch: hosts, play_hosts: hosts, playbook_dir: play.dir, ansible_play_name: play.name, role_names: play.roleNames ?? [], ansible_play_role_names: play.roleNames ?? [] };
  return {
    registry: req.registry,
    options: req.options,
    play,
    transport,
    vars: (s: HostState, task: Task) => ({
      // Ansible's precedence: role defaults < inventory < play vars < role vars < facts, task vars < role params < extra vars.
      ...play.roleDefaults,
      ...task.role?.defaults,
      ...s.inventoryVars,
      ...s.playVars,
      ...play.roleVars,
      ...task.role?.vars,
      ...s.factVars(),
      ...s.facts,
      ...task.vars,
      ...task.role?.params,
      ...s.loopScope,
      ...req.options.extraVars,
      ...(task.role ? { role_path: task.role.path, role_name: task.role.name, ansible_role_name: task.role.name } : {}),
      ...magic,
      ...playMagic,
      inventory_hostname: s.name,
      inventory_hostname_short: isIpAddress(s.name) ? s.name : s.name.split('.')[0],
      group_names: s.groupNames,
    }),
    log: (host, message) => req.reporter.warn(`${host}: ${message}`),
    beforeChange: async (s, task) => locks?.take(s, task.become ?? play.become),
  };
}

function stats(results: TaskResult[], states: Map<string, HostState>): Record<string, HostStats> {
  const out: Record<string, HostStats> = {};
  for (const r of results) {
    const s = (out[r.host] ??= emptyStats());
    if ((r.status === 'failed' && r.task.ignoreErrors) || (r.status === 'unreachable' && r.ignored)) s.ignored++;
    else if (r.status === 'failed' && r.rescued) s.rescued++;
    else s[r.status]++;
  }
  for (const [name, st] of states) if (st.unreachable && out[name]) out[name].unreachable = Math.max(1, out[name].unreachable);
  // Inventory order, not the order results arrived in.
  return Object.fromEntries([...states.keys()].filter((n) => out[n]).map((n) => [n, out[n]]));
}

/** inventory_file and inventory_dir: the (last) inventory source given, as Ansible sets them for its hosts. */
function inventoryPlace(sources: string[]): Record<string, string> {
  const last = sources.at(-1);
  if (!last || last.includes(',')) return {};
  const file = resolvePath(last);
  return { inventory_file: file, inventory_dir: isDirectory(file) ? file : dirname(file) };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
