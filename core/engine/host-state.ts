// Per-host state across a run: variables, registered results, failure, the
// rollback journal and the handlers it notified.

import type { Change, ModuleDef, Plan } from '../module.js';
import type { Task } from '../playbook/types.js';
import type { ConnectionSpec } from '../transport/types.js';
import type { Prefetched } from './gather.js';
import type { PendingHandlers } from './journal.js';
import type { FactsRequest } from './system-facts.js';
import { factVars } from '../facts/index.js';

export interface JournalEntry {
  task: Task;
  def: ModuleDef;
  params: Record<string, unknown>;
  snapshot: unknown;
  plan: Plan;
  changes: Change[];
  /** The host the change was made on, when the task was delegated. */
  via?: HostState;
}

export class HostState {
  /** Inventory vars (all < parent < child < host). */
  readonly inventoryVars: Record<string, unknown>;
  /** play vars + vars_files, set per play. */
  playVars: Record<string, unknown> = {};
  /** set_fact and register results: they outlive the play, as in Ansible. */
  readonly facts: Record<string, unknown> = {};
  failed = false;
  unreachable = false;
  /** The loop variables of the looped includes the host is inside now (item, ansible_loop...). */
  loopScope: Record<string, unknown> = {};
  /** Applied changes of this run, in order, for rollback. */
  readonly journal: JournalEntry[] = [];
  /** Handler names notified on this host and not yet run. */
  readonly notified = new Set<string>();
  /** Handlers earlier runs left pending on this host, not fired yet (pending.ts). */
  owed: PendingHandlers[] = [];
  /** Handlers this run notified and did not run, per play (pending.ts). */
  readonly parked: PendingHandlers[] = [];
  /** rb drift --unmanaged: per module, what its tasks declared and saw (unmanaged.ts). */
  readonly declared = new Map<string, Array<{ params: unknown; facts: unknown; taskName: string }>>();
  /** Whether this run holds the host's lock (host-lock.ts). */
  lock?: Promise<void>;
  connection?: ConnectionSpec;
  /** Bumped before anything may change the host (apply, action, rollback): older facts are stale. */
  epoch = 0;
  /** Facts of later tasks gathered ahead, valid while `epoch` has not moved (gather.ts). */
  readonly prefetched = new Map<Task, Prefetched>();
  /** The host's last task applied changes: the next one gathers its facts alone. */
  justApplied = false;
  /** Gathered system facts (`ansible_facts`), kept for the run (system-facts.ts). */
  systemFacts?: Record<string, unknown>;
  /** The play gathers facts and they are not read yet: the host's next exec carries them. */
  factsPending?: FactsRequest;
  factsGathering?: Promise<void>;

  constructor(readonly name: string, inventoryVars: Record<string, unknown>, readonly groupNames: string[] = []) {
    this.inventoryVars = inventoryVars;
  }

  get active(): boolean {
    return !this.failed && !this.unreachable;
  }

  /** The host's variables as `hostvars[name]` shows them. */
  merged(extra: Record<string, unknown>): Record<string, unknown> {
    return { ...this.inventoryVars, ...this.playVars, ...this.factVars(), ...this.facts, ...extra, inventory_hostname: this.name };
  }

  /** `ansible_facts` and each gathered fact as `ansible_<name>`. */
  factVars(): Record<string, unknown> {
    return factVars(this.systemFacts ?? {});
  }
}

/** `hostvars`: a live view over every host's current variables. */
export function hostvarsView(states: Map<string, HostState>, extra: Record<string, unknown>): Record<string, unknown> {
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, key) => (typeof key === 'string' && states.has(key) ? states.get(key)!.merged(extra) : undefined),
    has: (_t, key) => typeof key === 'string' && states.has(key),
    ownKeys: () => [...states.keys()],
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && states.has(key) ? { enumerable: true, configurable: true, value: states.get(key)!.merged(extra) } : undefined,
  });
}
