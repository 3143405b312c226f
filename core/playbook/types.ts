// Typed plays and tasks, as loaded from YAML with their source positions.

import type { Location } from '../errors.js';
import type { Rollout } from './rollout.js';

export type Condition = string | boolean | Array<string | boolean>;

export interface Task {
  /** Unique within the run; also the order of definition. */
  id: number;
  name: string;
  /** Module name (`ansible.builtin.` prefix removed), or `meta`. */
  module: string;
  /** The key the module was written under (`ansible.builtin.copy`), for locating its args. */
  moduleKey: string;
  /** Raw module arguments as written (templates not yet rendered). */
  args: Record<string, unknown>;
  /** `meta: flush_handlers` and friends. */
  meta?: string;
  when?: Condition;
  loop?: unknown;
  loopVar: string;
  /** `loop_control.label`: what to print for each item. */
  loopLabel?: string;
  register?: string;
  notify: string[];
  tags: string[];
  /** true/false forces check mode on/off for this task; undefined = the run's mode. */
  checkMode?: boolean;
  ignoreErrors: boolean;
  changedWhen?: Condition;
  failedWhen?: Condition;
  become?: boolean;
  /** `throttle:` at most this many hosts run the task at once. */
  /** `diff: false`: no text diff of this task is shown, even with --diff. */
  diff?: boolean;
  /** `ignore_unreachable`: a host lost at this task is not failed; it goes on to the next task. */
  ignoreUnreachable?: boolean;
  /** `any_errors_fatal` on the task (or its block): its failure on one host ends the play for all. */
  anyErrorsFatal?: boolean;
  throttle?: number;
  becomeUser?: string;
  /** `environment` layers (mappings or templates), outermost first; merged per host. */
  environment?: unknown[];
  /** Task-level vars. */
  vars: Record<string, unknown>;
  noLog: boolean;
  /** Seconds the task may take (`timeout:`); undefined = the module's default. */
  timeout?: number;
  /** Handler names this handler also answers to. */
  listen: string[];
  /** Where the task is written. */
  file: string;
  loc: Location;
  /** Display path: `tasks[3]`, `handlers[0]`, `tasks[2] (from tasks/common.yml)`. */
  path: string;
  /** Location of a field below this task (`sysctl.value`); nearest parent if not found. */
  locate(subPath: string): Location;
  /** Enclosing block/rescue/always sections, outermost first. */
  blocks?: BlockFrame[];
  /** The role the task belongs to. */
  role?: RoleScope;
  /** `with_<lookup>`: how `loop` becomes items (items, dict, nested...); undefined for `loop`. */
  loopWith?: string;
  /** loop_control.index_var / pause (seconds). */
  indexVar?: string;
  loopPause?: number;
  delegateTo?: string;
  delegateFacts?: boolean;
  runOnce?: boolean;
  until?: Condition;
  retries?: number;
  delay?: number;
  /** A task of a dynamic include (include_tasks, include_role): listed as that include. */
  listedAs?: { id: number; name: string; tags: string[] };
  /**
   * Looped includes around the task (`include_tasks: f.yml` + `loop:`), outermost first:
   * each is a `meta: noop` task carrying the include's loop; the engine runs the tasks of
   * one include once per item, in order, with the item's variables.
   */
  loopFrames?: Task[];
  /** A task of a role already run in the play with the same parameters: listed, never run. */
  roleRepeat?: boolean;
  /** The action as written, for a task without a name (`--list-tasks` shows it). */
  action?: string;
  /** Inserted by the loader (handler flushes between play sections); never listed. */
  implicit?: boolean;
}

/** One level of block nesting: the block and which of its sections the task is in. */
export interface BlockFrame {
  block: BlockNode;
  section: 'block' | 'rescue' | 'always';
}

export interface BlockNode {
  id: number;
  name?: string;
  hasRescue: boolean;
  /** The frames around the block itself (where its failure goes when not rescued). */
  frames: BlockFrame[];
}

/** Variables of a role, layered into its tasks' scope as Ansible does. */
export interface RoleScope {
  name: string;
  path: string;
  /** defaults/ of its dependencies, the roles depending on it, then its own. */
  defaults: Record<string, unknown>;
  /** vars of the roles depending on it, its dependencies', the `vars:` it was given, then vars/. */
  vars: Record<string, unknown>;
  /** Role parameters (`- role: x` with `port: 80`): above everything but extra vars. */
  params: Record<string, unknown>;
}

export interface Play {
  name: string;
  /** The host patterns joined with commas, for display. */
  hosts: string;
  /** `hosts:` as written: one pattern, or a list of them (each split on its own). */
  patterns?: string[];
  vars: Record<string, unknown>;
  varsFiles: string[];
  tasks: Task[];
  handlers: Task[];
  /** Batch sizes: numbers or percentages ("30%"); the last repeats. Empty = all at once. */
  serial: Array<number | string>;
  anyErrorsFatal: boolean;
  /** Notified handlers run on hosts that failed too (`force_handlers`; --force-handlers sets it for every play). */
  forceHandlers?: boolean;
  maxFailPercentage?: number;
  become?: boolean;
  /** `connection:` (ssh, local): the default for hosts whose inventory does not set ansible_connection. */
  /** `strategy:` as written; rb runs every play in step (linear) and says so for another. */
  /** `order:` the order of the play's hosts (inventory by default). */
  order?: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  strategy?: string;
  connection?: string;
  /** `throttle:` at most this many hosts at once for each task of the play. */
  /** `ignore_unreachable` for every task of the play. */
  ignoreUnreachable?: boolean;
  throttle?: number;
  becomeUser?: string;
  /** `environment` layers (mappings or templates), outermost first; merged per host. */
  environment?: unknown[];
  remoteUser?: string;
  checkMode?: boolean;
  /** `gather_facts` (undefined: ansible.cfg `gathering` decides, gathering by default) and `gather_subset`. */
  gatherFacts?: boolean;
  gatherSubset?: string[];
  /** `rollout: ha`: HA groups changed one node at a time, the holders last, gated. */
  rollout?: Rollout;
  tags: string[];
  file: string;
  dir: string;
  loc: Location;
  /** defaults and vars of the play's static roles (`roles:`, import_role), seen by every task. */
  roleDefaults?: Record<string, unknown>;
  roleVars?: Record<string, unknown>;
  roleNames?: string[];
  /** Location of a play keyword (`hosts`, `serial`); the play's own when absent. */
  locate?(key: string): Location;
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}
