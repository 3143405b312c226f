// The minimal edit list from the live table to the wanted one, ordered so
// traffic keeps flowing:
//   1. new services (-A) and new real servers (-a): capacity arrives first;
//   2. scheduler / persistence changes in place (-E, never -D + -A of a live
//      service: that drops every connection it carries), real-server edits (-e);
//   3. with drain: leaving real servers (and those of leaving services) get
//      weight 0, then one bounded wait for their active connections to end;
//   4. removals: real servers (-d), then services (-D).
// Pure: tests assert the exact commands.

import type { Change } from '../../core/module.js';
import { argv } from '../../core/transport/shell.js';
import {
  persistenceText,
  realId,
  realOptions,
  realText,
  serviceArgs,
  serviceId,
  serviceOptions,
  serviceText,
  type RealServer,
  type VirtualService,
} from '../lib/ipvs-table/model.js';

export interface TableEdit {
  /** Services to converge, each with its complete list of real servers. */
  want: VirtualService[];
  /** Services to remove (by id). */
  remove: string[];
  /** Seconds a leaving real server may keep its active connections at weight 0. */
  drain: number;
}

/** Module-private data of table changes: ipvsadm's words per command (for `ipvsadm -R`), the drain a weight-0 step waits on. */
export interface TableData {
  words: string[][];
  drain?: { service: string; real: string };
}

export const addServiceWords = (s: VirtualService) => ['-A', ...serviceArgs(s.key), ...serviceOptions(s)];
export const editServiceWords = (s: VirtualService) => ['-E', ...serviceArgs(s.key), ...serviceOptions(s)];
export const deleteServiceWords = (s: Pick<VirtualService, 'key'>) => ['-D', ...serviceArgs(s.key)];
export const addRealWords = (s: Pick<VirtualService, 'key'>, r: RealServer) => ['-a', ...serviceArgs(s.key), '-r', realId(r), ...realOptions(r)];
/** -e resets what it is not given (a missing -m means -g): always the whole real server. */
export const editRealWords = (s: Pick<VirtualService, 'key'>, r: RealServer) => ['-e', ...serviceArgs(s.key), '-r', realId(r), ...realOptions(r)];
export const deleteRealWords = (s: Pick<VirtualService, 'key'>, r: Pick<RealServer, 'address' | 'port'>) => ['-d', ...serviceArgs(s.key), '-r', realId(r)];

/** The commands and data of a change made of these ipvsadm invocations. */
function run(words: string[][], drain?: TableData['drain']): Pick<Change, 'commands' | 'data'> {
  const data: TableData = drain ? { words, drain } : { words };
  return { commands: words.map((w) => argv(['ipvsadm', ...w])), data };
}

function serviceFieldChanges(have: VirtualService, want: VirtualService): Change[] {
  const resource = serviceId(want.key);
  const out: Change[] = [];
  const field = (name: string, before: unknown, after: unknown) => out.push({ kind: 'edit-service', resource, field: name, before, after });
  if (have.scheduler !== want.scheduler) field('scheduler', have.scheduler, want.scheduler);
  if (persistenceText(have) !== persistenceText(want)) field('persistent', persistenceText(have), persistenceText(want));
  if (have.schedFlags.join(',') !== want.schedFlags.join(',')) field('sched_flags', have.schedFlags.join(',') || 'none', want.schedFlags.join(',') || 'none');
  if ((have.pe ?? 'none') !== (want.pe ?? 'none')) field('pe', have.pe ?? 'none', want.pe ?? 'none');
  if (have.ops !== want.ops) field('ops', have.ops, want.ops);
  // One -E carries every field: it goes with the first change of the service.
  if (out.length) Object.assign(out[0], run([editServiceWords(want)]));
  return out;
}

function realFieldChanges(s: VirtualService, have: RealServer, want: RealServer): Change[] {
  const resource = `${serviceId(s.key)} -> ${realId(want)}`;
  const out: Change[] = [];
  const field = (name: string, before: unknown, after: unknown) => out.push({ kind: 'edit-real-server', resource, field: name, before, after });
  if (have.forward !== want.forward) field('forward', have.forward, want.forward);
  if (have.weight !== want.weight) field('weight', have.weight, want.weight);
  if (have.uThreshold !== want.uThreshold) field('u_threshold', have.uThreshold, want.uThreshold);
  if (have.lThreshold !== want.lThreshold) field('l_threshold', have.lThreshold, want.lThreshold);
  if (out.length) Object.assign(out[0], run([editRealWords(s, want)]));
  return out;
}

export function planTable(live: VirtualService[], edit: TableEdit): Change[] {
  const liveById = new Map(live.map((s) => [serviceId(s.key), s]));
  const adds: Change[] = [];
  const edits: Change[] = [];
  const drains: Change[] = [];
  const realRemovals: Change[] = [];
  const serviceRemovals: Change[] = [];

  // A leaving real server: weight 0 first when draining, then -d (unless its service's -D removes it).
  const leave = (s: VirtualService, r: RealServer, withDelete: boolean) => {
    const resource = `${serviceId(s.key)} -> ${realId(r)}`;
    if (edit.drain > 0 && r.weight > 0) {
      drains.push({
        kind: 'drain-real-server',
        resource,
        field: 'weight',
        before: r.weight,
        after: 0,
        ...run([editRealWords(s, { ...r, weight: 0 })], { service: serviceId(s.key), real: realId(r) }),
      });
    }
    if (withDelete) realRemovals.push({ kind: 'remove-real-server', resource, before: realText(r), after: undefined, ...run([deleteRealWords(s, r)]) });
  };

  for (const want of edit.want) {
    const id = serviceId(want.key);
    const have = liveById.get(id);
    if (!have) {
      adds.push({ kind: 'add-service', resource: id, before: undefined, after: serviceText(want), ...run([addServiceWords(want), ...want.reals.map((r) => addRealWords(want, r))]) });
      continue;
    }
    edits.push(...serviceFieldChanges(have, want));
    const haveReals = new Map(have.reals.map((r) => [realId(r), r]));
    const wantIds = new Set(want.reals.map(realId));
    for (const r of want.reals) {
      const old = haveReals.get(realId(r));
      if (!old) adds.push({ kind: 'add-real-server', resource: `${id} -> ${realId(r)}`, before: undefined, after: realText(r), ...run([addRealWords(want, r)]) });
      else edits.push(...realFieldChanges(want, old, r));
    }
    for (const r of have.reals) if (!wantIds.has(realId(r))) leave(have, r, true);
  }

  for (const id of edit.remove) {
    const have = liveById.get(id);
    if (!have) continue;
    // The service's -D removes its real servers; they are drained first when asked.
    for (const r of have.reals) leave(have, r, false);
    serviceRemovals.push({ kind: 'remove-service', resource: id, before: serviceText(have), after: undefined, ...run([deleteServiceWords(have)]) });
  }
  return [...adds, ...edits, ...drains, ...realRemovals, ...serviceRemovals];
}
