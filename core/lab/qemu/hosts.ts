// Which lab hosts live in the guest after an `up`.

import type { LabHost } from '../topology.js';
import { labHost } from '../topology.js';

/** `lab up N` keeps hosts beyond N that already run, so the guest holds the union. */
export function mergeHosts(previous: readonly Pick<LabHost, 'index'>[], n: number): LabHost[] {
  const count = Math.max(n, ...previous.map((h) => h.index));
  return Array.from({ length: count }, (_, i) => ({ ...labHost(i + 1), inGuest: true }));
}
