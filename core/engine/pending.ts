// Handlers that survive a failed, stopped or lost run: what a host was notified
// of and never ran is parked at the end of its batch and written to the
// journal; the next run of the playbook fires it first.

import type { Play } from '../playbook/types.js';
import type { HostState } from './host-state.js';

/** A play is the same across runs when its playbook file and name are. */
function samePlay(play: Play, p: { playbook: string; play: string }): boolean {
  return p.playbook === play.file && p.play === play.name;
}

/**
 * Move the handlers earlier runs left pending for `play` into the hosts'
 * notified sets; returns one line per host to say so.
 */
export function takeOwed(play: Play, states: HostState[]): string[] {
  const said: string[] = [];
  for (const s of states) {
    if (!s.active) continue;
    const mine = s.owed.filter((p) => samePlay(play, p));
    if (!mine.length) continue;
    s.owed = s.owed.filter((p) => !samePlay(play, p));
    const known = new Set(play.handlers.flatMap((h) => [h.name, ...h.listen]));
    for (const p of mine) for (const h of p.handlers) if (known.has(h)) s.notified.add(h);
    const runs = [...new Set(mine.map((p) => p.fromRun))].join(', ');
    said.push(`${s.name}: pending from run ${runs}: ${[...new Set(mine.flatMap((p) => p.handlers))].join(', ')}`);
  }
  return said;
}

/** What is still notified at the end of a batch did not run: park it for the journal. */
export function parkNotified(play: Play, states: HostState[], runId: string): void {
  for (const s of states) {
    if (!s.notified.size) continue;
    s.parked.push({ playbook: play.file, play: play.name, handlers: [...s.notified], fromRun: runId });
    s.notified.clear();
  }
}

/** Per host: parked handlers plus owed ones this run never reached. */
export function pendingOf(states: Iterable<HostState>): Record<string, import('./journal.js').PendingHandlers[]> {
  const out: Record<string, import('./journal.js').PendingHandlers[]> = {};
  for (const s of states) {
    const all = [...s.owed, ...s.parked];
    if (all.length) out[s.name] = all;
  }
  return out;
}
