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
  becomeUser?: string;
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
  becomeUser?: string;
  remoteUser?: string;
  checkMode?: boolean;
  /** `rollout: ha`: HA groups changed one node at a time, the holders last, gated. */
  rollout?: Rollout;
  tags: string[];
  file: string;
  dir: string;
  loc: Location;
  /** Location of a play keyword (`hosts`, `serial`); the play's own when absent. */
  locate?(key: string): Location;
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}
