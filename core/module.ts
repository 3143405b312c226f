// The module contract. A module converges one kind of resource on a host:
//
//   facts(ctx, params)        → the current state. READ-ONLY: it may run commands
//                                that look (cat, ip -j addr, iptables-save, sysctl -n)
//                                and nothing else. Prefer ONE ctx.exec per call. It runs
//                                in check mode too, on a transport that refuses writes.
//   factsQuery(ctx, params)   → optional: the same facts as ONE read-only command and a
//                                pure parser of its output. The engine then gathers the
//                                facts of consecutive tasks in one exec (check and no-op
//                                runs cost one round trip per host); a task whose plan is
//                                not empty gets fresh facts just before apply.
//   plan(params, facts, ctx)  → Change[] (or a no-op reason). PURE and synchronous:
//                                no I/O, no clock, no randomness. Each change names the
//                                resource, the field, before and after.
//   apply(ctx, params, plan)  → makes the changes. Only called with a non-empty plan,
//                                never in check mode. Must survive a re-run after a
//                                partial failure (the engine re-gathers facts first).
//   rollback(ctx, params, snapshot) → puts back the state `facts` saw before apply:
//                                files from their backups, runtime state re-applied.
//                                Modules that cannot roll back leave it out and say so
//                                in `supports.rollback: false`.
//
// Params reach every hook validated, converted and defaulted against `params`.

import type { Fields, ObjectSpec } from './schema/types.js';
import { CommandError } from './errors.js';
import type { ExecResult, ExecOptions } from './transport/types.js';

export interface Change {
  /** kebab-case discriminator: `set-sysctl`, `add-real-server`, `write-file`. */
  kind: string;
  /** What is changed: `net.ipv4.ip_forward`, `/etc/keepalived/keepalived.conf`, `198.18.0.100/32 on lo`. */
  resource: string;
  /** Which aspect of the resource (`value`, `mode`, `vrrp_instance VI_1.priority`); absent = the whole resource. */
  field?: string;
  /** For the diff. `undefined` before = the resource is created; `undefined` after = removed. */
  before?: unknown;
  after?: unknown;
  /** Mask before/after in every output. */
  secret?: boolean;
  /**
   * Unified text diff of a file's content (`--diff`), when the module can show one.
   * Never printed when the change is `secret` or the task is `no_log`.
   */
  diff?: string;
  /**
   * The exact command lines apply runs for this change, when they are known at plan
   * time (built with `sh`/`argv`). Fixture tests assert them; shown only with -v.
   */
  commands?: string[];
  /** Module-private details apply needs (file content, ...). Never printed. */
  data?: unknown;
}

export interface Plan {
  changes: Change[];
  /** Why nothing needs to change, e.g. `sysctl net.ipv4.ip_forward is already 1`. */
  reason?: string;
  /**
   * The module cannot predict what a run would do (`command` without creates/removes).
   * Check mode reports "unknown", never "ok".
   */
  unknown?: boolean;
  /** Non-fatal notes shown to the user (e.g. "arping not installed: no gratuitous ARP"). */
  warnings?: string[];
}

/**
 * What a host looks like to `facts` and `factsQuery`: variables, templating,
 * controller paths and commands that only look (cat, ip -j addr, iptables-save).
 * No file transfer and no transport: a facts hook has no way to write but a
 * command, and the lab proves none does (test/integration/check-read-only).
 * `exec` never throws on a non-zero exit: check `code`.
 */
export interface FactsContext {
  /** Inventory name. */
  readonly host: string;
  /** Variables of the host as templates see them (read-only view). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** True in --check: apply is never called. */
  readonly check: boolean;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** exec that throws CommandError on a non-zero exit (or an exit not in `okCodes`). */
  run(command: string, opts?: ExecOptions & { okCodes?: number[] }): Promise<ExecResult>;
  /** Print a line under the task (verbose output, warnings). */
  log(message: string): void;
  /** Render a template text (nunjucks, strict undefined) with this host's vars. */
  render(text: string, extraVars?: Record<string, unknown>): string;
  /**
   * Resolve a controller-side path given in a task (`src:`): absolute paths as they
   * are, relative ones searched in the playbook's `files/` or `templates/` folder,
   * then the playbook's folder. Throws ModuleError naming the places tried.
   */
  localPath(path: string, kind: 'files' | 'templates' | 'vars'): string;
  /**
   * Controller folders a template's `{% include %}`/`{% import %}` is looked up in, in order:
   * the role's templates/ and the role, the task file's folder, the playbook's templates/ and the playbook.
   */
  readonly templatePaths?: readonly string[];
}

/** What apply, rollback and controller-side actions see: the facts context plus file transfer. In check mode writes are refused. */
export interface HostContext extends FactsContext {
  get(path: string): Promise<Buffer | null>;
  put(path: string, data: string | Buffer, mode?: number): Promise<void>;
}

/**
 * Facts as data: one read-only command and the pure function reading its result.
 * `parse` sees exactly what `ctx.exec(command)` would return (code, stdout, stderr).
 * The command may share one shell with other tasks' fact commands: it sets every
 * variable it reads (a command using exit, set -e, cd, trap, IFS= ... gets a subshell).
 */
export interface FactsQuery<F> {
  /** The read-only command; '' when the facts need no remote read (parse then sees an empty success). */
  command: string;
  /** Pure: no I/O. Throws (ModuleError) on output it cannot read, as `facts` would. */
  parse(result: ExecResult): F;
  /**
   * Finish facts that one read could not (a keepalived include the host-side walk
   * could not follow): runs before the facts are used, and returns them unchanged,
   * with no exec, when nothing is left to read.
   */
  refine?(facts: F, ctx: FactsContext): Promise<F>;
}

/**
 * A query whose parser reads stdout; output it cannot read becomes a
 * CommandError carrying the command and what it printed ("cannot read WHAT facts").
 */
export function stdoutFactsQuery<F>(host: string, what: string, command: string, parse: (stdout: string) => F): FactsQuery<F> {
  return {
    command,
    parse(r) {
      try {
        return parse(r.stdout);
      } catch (e) {
        throw new CommandError({ host, command, ...r }, `cannot read ${what} facts: ${(e as Error).message}`);
      }
    },
  };
}

/** `facts` written through a query: run its one command, parse the result. */
export async function runFactsQuery<F>(ctx: FactsContext, query: FactsQuery<F>): Promise<F> {
  const facts = query.parse(query.command === '' ? { code: 0, stdout: '', stderr: '', durationMs: 0 } : await ctx.exec(query.command));
  return query.refine ? query.refine(facts, ctx) : facts;
}

/** Result of apply: values made available to `register` (stdout, rc, msg, ...). */
export type ApplyResult = Record<string, unknown> | void;

/** Some modules act on the controller's state instead of a host (set_fact, debug, assert). */
export interface ActionResult {
  changed?: boolean;
  failed?: boolean;
  msg?: string;
  /** Variables to set on the host (set_fact). */
  facts?: Record<string, unknown>;
  /** Gathered system facts (setup), without the `ansible_` prefix: they become `ansible_facts` and `ansible_*`. */
  ansibleFacts?: Record<string, unknown>;
  /** Registered result extras. */
  data?: Record<string, unknown>;
}

/**
 * Capabilities the engine acts on: `check: false`, the module cannot predict:
 * check mode reports its tasks `unknown` without gathering facts; `diff: false`,
 * no text diff is shown for its changes; `rollback: false`, a failed host's
 * rollback reports its changes as not undone; `idempotent: false` (command,
 * shell), a run repeats it unless its plan says there is nothing to do, so
 * check mode never reports it `ok` without a no-op reason (it is `unknown`).
 */
export interface ModuleSupports {
  check: boolean;
  diff: boolean;
  rollback: boolean;
  idempotent?: boolean;
}

export interface ModuleDef<P = any, F = any> {
  name: string;
  summary: string;
  params: Fields;
  /** Cross-field rules on the whole params object. */
  rules?: ObjectSpec['check'];
  /** A scalar given as the module's value (`command: ls -l`) goes to this param. */
  freeForm?: string;
  supports: ModuleSupports;
  /**
   * Controller-side modules: `action` replaces facts/plan/apply. It runs in
   * check mode too (it must not touch hosts in check mode).
   */
  action?: (ctx: HostContext, params: P) => Promise<ActionResult> | ActionResult;
  /**
   * Variables a task of this module sets for the rest of the run (set_fact, include_vars), read
   * from its arguments as written, before any host is contacted: the checks before connecting then
   * leave later uses of those names to the run. 'any' when only the run can tell which.
   */
  definesVars?: (args: Readonly<Record<string, unknown>>) => readonly string[] | 'any';
  facts?: (ctx: FactsContext, params: P) => Promise<F>;
  /**
   * `facts` split into one command + a pure parser, so the engine can batch it with
   * the facts of other tasks. Controller-side work (reading `src`, rendering a
   * template) happens here; the host is never touched. Must describe exactly what
   * `facts` does: modules define `facts` as `runFactsQuery(ctx, factsQuery(...))`.
   */
  factsQuery?: (ctx: FactsContext, params: P) => FactsQuery<F> | Promise<FactsQuery<F>>;
  plan?: (params: P, facts: F, ctx: PlanContext) => Plan;
  /**
   * Optional, PURE: what `register:` stores from the facts when the plan is
   * empty or in check mode (stat's `stat`, slurp's `content`), so modules that
   * only look cost no exec of their own: their facts are batched like others'.
   */
  registers?: (params: P, facts: F) => Record<string, unknown>;
  apply?: (ctx: HostContext, params: P, plan: Plan, facts: F) => Promise<ApplyResult>;
  rollback?: (ctx: HostContext, params: P, snapshot: F, applied: Plan) => Promise<void>;
  /**
   * Optional, for `rb drift --unmanaged`: given the params and facts of every task
   * of this module on one host (gathered by the drift run anyway: no extra exec),
   * the resources on the host that none of them declares, one line each
   * (`tcp 198.18.0.100:80 real 10.0.0.9:80`). PURE, like plan.
   */
  unmanaged?: (declared: Array<{ params: P; facts: F; taskName: string }>) => string[];
  /** Example YAML shown by `rb modules NAME`. */
  example?: string;
  /** Seconds a task of this module may take before it is stopped (the task's `timeout` overrides it). */
  timeout?: number;
  /**
   * Modules of high-availability daemons: the groups of nodes this host belongs to,
   * from the task's params (who the peers are) and facts (what this node holds now).
   * PURE. `rollout: ha` changes a group's nodes one at a time, the holders last,
   * and checks the group's health between them.
   */
  haGroup?: (params: P, facts: F, host: string) => HaMembership[];
  /**
   * The facts `haGroup` reads, when it needs more than the task's own facts
   * (heartbeat asks each resource's script for its status, seconds of CPU for
   * some): read only by `rollout: ha`, so other runs never pay for them.
   */
  haFacts?: (ctx: FactsContext, params: P) => Promise<F>;
  /**
   * The keys of `haGroup`'s groups, from the params alone (no host is read):
   * `--shard K/N` keeps the nodes of one group in one shard. PURE.
   */
  haKeys?: (params: P, host: string) => string[];
  /**
   * Optional, for `rb adopt`: how to read a hand-built host into tasks of this
   * module. The facts are gathered with `probe` (validated like a task's params)
   * and `params` turns them into the params of the tasks that would find
   * nothing to change on that host. Adopting from the module's own facts is what
   * makes the first drift of the adopted playbook zero.
   */
  adopt?: ModuleAdopt<F>;
}

/** A module's adopt hook (see ModuleDef.adopt). */
export interface ModuleAdopt<F> {
  /** Params the facts are gathered with: the places the host's config is read from (several: each is read). */
  probe: Record<string, unknown> | Array<Record<string, unknown>>;
  /**
   * Where what to read is not at fixed places (addresses, routes, rules): a
   * read-only command run first, and from its output the probes, one per thing
   * found (then `probe` is not used).
   */
  discover?: { command: string; probes(stdout: string): Array<Record<string, unknown>> };
  /** PURE: the params of each task that reproduces what `facts` saw; [] when the host has none of it. `probe`: the one the facts were gathered with. */
  params(facts: F, host: string, probe?: Record<string, unknown>): Array<Record<string, unknown>>;
}

/** One node's view of one HA group (a VRRP instance, a heartbeat cluster). */
export interface HaMembership {
  /** Nodes whose tasks give the same key form one group, e.g. `vrrp eth0 vrid 51`. */
  group: string;
  /** The daemon that moves the resources (`keepalived`), for messages. */
  daemon: string;
  /** Whether that daemon runs on this node now. */
  running: boolean;
  /** What the group moves between its nodes: VIPs, resource groups. Exactly one node holds each. */
  resources: string[];
  /** Of `resources`, those this node holds now. */
  held: string[];
  /**
   * What the task would do to the daemon now, when the module can tell from the
   * facts: 'none' (nothing that moves resources or restarts the daemon), or a
   * change the group's nodes must take at the same moment, with the reason
   * (heartbeat: ha.cf or authkeys taken by reload). Absent: a change that goes
   * one node at a time. A cluster whose nodes all say 'none' or together, with
   * at least one together, is changed on all its nodes at once when the rest of
   * the play changes nothing there (rollout/together.ts).
   */
  pending?: 'none' | { together: string };
}

export interface PlanContext {
  readonly host: string;
  readonly vars: Readonly<Record<string, unknown>>;
  /** Name of the task (for stable comments such as `rb:<task name>`). */
  readonly taskName: string;
}

/** Identity function that types a module definition. */
export function defineModule<P, F = unknown>(def: ModuleDef<P, F>): ModuleDef<P, F> {
  if (!def.action && !(def.facts && def.plan && def.apply)) {
    throw new Error(`module ${def.name}: define either action, or facts + plan + apply`);
  }
  if (def.supports.rollback && !def.rollback) throw new Error(`module ${def.name}: supports.rollback without rollback()`);
  return def;
}

/**
 * The registry the engine is given (core never imports modules/). `load`, when
 * present, must be awaited for the modules a playbook names before `get`.
 */
export interface ModuleRegistry extends ReadonlyMap<string, ModuleDef> {
  load?(names: Iterable<string>): Promise<void>;
}

/** Convenience for plans. */
export function noop(reason: string): Plan {
  return { changes: [], reason };
}
