// What a playbook asks of every host, without running it: each task's params
// rendered with the host's variables and validated, as the run would use them
// (`rb lint`). With `facts`, each task's facts are also read from the host,
// read-only, the way `rb drift` reads them.

import { dirname } from 'node:path';
import type { Location } from '../errors.js';
import { groupsMap, loadInventory } from '../inventory/index.js';
import { loadPlaybooks } from '../playbook/load.js';
import { resolveTaskKeywords } from '../playbook/keyword-values.js';
import type { Task } from '../playbook/types.js';
import { evalCondition } from '../template/index.js';
import { ConnectionPool, connectionFromVars } from '../transport/connect.js';
import type { Transport } from '../transport/types.js';
import { selectPlayHosts } from './host-selection.js';
import { HostState } from './host-state.js';
import { LazyTransport } from './lazy-transport.js';
import { controllerSubdir, globDirs, itemVars, loopItems } from './loops.js';
import { retryRead } from './read-retry.js';
import { checkBeforeConnecting, commonVars, taskEnv, type RunRequest } from './run.js';
import { renderParams, taskContext } from './task-context.js';

/** One task as one host would run it. */
export interface ResolvedTask {
  host: string;
  play: string;
  name: string;
  module: string;
  params: Record<string, unknown>;
  loc: Location;
  /** Read from the host (only when facts were asked for); an Error when they could not be read. */
  facts?: unknown;
}

export interface ResolvedHost {
  name: string;
  groups: string[];
  vars: Record<string, unknown>;
}

export interface Resolution {
  hosts: Map<string, ResolvedHost>;
  /** Every inventory group and its hosts. */
  groups: Record<string, string[]>;
  tasks: ResolvedTask[];
  /** Tasks whose params depend on what only a run knows (registered results, facts): not resolved. */
  deferred: Array<{ host: string; name: string; loc: Location }>;
}

/** Loads and checks everything as a run would (bad input throws), then renders every task for every host. */
export async function resolvePlaybooks(req: Omit<RunRequest, 'reporter'>, opts: { facts?: boolean } = {}): Promise<Resolution> {
  const books = await loadPlaybooks(req.playbooks, { registry: req.registry, extraVars: req.options.extraVars, rolesPath: req.options.rolesPath });
  const inventory = await loadInventory(req.inventories, { playbookDir: books[0] ? dirname(books[0].file) : undefined });
  const plays = selectPlayHosts(inventory, books.flatMap((b) => b.plays), req.options.limit, req.options.extraVars);
  const states = new Map<string, HostState>();
  const hosts = new Map<string, ResolvedHost>();
  for (const [name, h] of inventory.hosts) {
    const groups = h.groups.filter((g) => g !== 'all').sort();
    states.set(name, new HostState(name, h.vars, groups));
    hosts.set(name, { name, groups, vars: h.vars });
  }
  const full: RunRequest = { ...req, reporter: { warn: () => undefined } as unknown as RunRequest['reporter'] };
  const magic = commonVars(inventory, req.options, states);
  checkBeforeConnecting(full, inventory, plays, states, magic, books[0]?.dir);

  const pool = new ConnectionPool();
  const transports = new Map<string, Transport>();
  const transportOf = (s: HostState): Transport => {
    let t = transports.get(s.name);
    if (!t) {
      const spec = connectionFromVars(s.name, { ...req.options.connectionDefaults, ...s.merged(req.options.extraVars) }, { hostKeyChecking: req.options.hostKeyChecking, timeoutMs: req.options.timeoutMs, user: req.options.remoteUser });
      t = new LazyTransport(s.name, () => pool.get(spec));
      transports.set(s.name, t);
    }
    return t;
  };
  const out: Resolution = { hosts, groups: groupsMap(inventory) as Record<string, string[]>, tasks: [], deferred: [] };
  try {
    for (const { play, hosts: names } of plays) {
      const env = taskEnv(full, play, names, magic, transportOf);
      for (const name of names) {
        const s = states.get(name)!;
        s.playVars = play.vars;
        for (const task0 of play.tasks) {
          if (task0.meta || !req.registry.has(task0.module)) continue;
          const def = req.registry.get(task0.module)!;
          let scopes: Array<Record<string, unknown>>;
          let task: Task = task0;
          try {
            const vars = env.vars(s, task0);
            task = resolveTaskKeywords(task0, vars);
            if (task.loop === undefined) scopes = [vars];
            else {
              const items = loopItems(task, vars, globDirs(task, play.dir), controllerSubdir(def));
              scopes = items.slice(0, 200).map((item, i) => itemVars(task, vars, item, i, items.length));
            }
          } catch {
            out.deferred.push({ host: name, name: task0.name, loc: task0.loc });
            continue;
          }
          for (const scope of scopes) {
            try {
              if (task.when !== undefined && !evalCondition(task.when, scope)) continue;
              const params = renderParams(task, def, scope);
              const r: ResolvedTask = { host: name, play: play.name, name: task.name, module: task.module, params, loc: task.loc };
              if (opts.facts && def.facts) {
                const ctx = taskContext(env, task, s, scope, true, transportOf(s));
                r.facts = await retryRead(() => def.facts!(ctx, params)).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
              }
              out.tasks.push(r);
            } catch {
              out.deferred.push({ host: name, name: task.name, loc: task.loc });
            }
          }
        }
      }
    }
  } finally {
    await pool.closeAll();
  }
  return out;
}
