// rb lint: findings about a whole topology (several hosts at once), from the
// params every host's tasks resolve to, before any connection.

import type { Location } from '../errors.js';

export type Severity = 'error' | 'warning';

export interface Finding {
  /** The rule's id (`vrrp/vrid-mismatch`). */
  rule: string;
  severity: Severity;
  /** The hosts the finding is about, in inventory order. */
  hosts: string[];
  /** What is wrong, with the values involved. */
  message: string;
  /** Why it breaks the service. */
  why: string;
  /** What to change. */
  fix: string;
  /** Found in what runs on the hosts now (rb lint --facts), not in what the playbooks ask. */
  live?: boolean;
  /** Where one of the tasks involved is written. */
  loc?: Location;
}

/** One check across hosts; `check` sees the whole topology and returns what it finds. */
export interface Rule<M = unknown> {
  id: string;
  /** One line: what the rule makes sure of. */
  summary: string;
  check(model: M): Finding[];
}
