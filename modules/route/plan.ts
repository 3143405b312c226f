// Pure planning for route: the live route (added, replaced in place where the
// kernel allows it, or deleted and added when the metric differs: routes that
// differ in metric are distinct), and the boot-persistent hook or line.

import type { Change, Plan } from '../../core/module.js';
import { argv } from '../../core/transport/shell.js';
import { prefixText } from '../../core/net/address.js';
import { writeFileCommands } from '../../core/transport/script-parts.js';
import type { RouteFact, RouteFacts } from './facts.js';
import { destinationPrefix, type RouteParams } from './params.js';
import { findRouteLine, normalDestination, parseHook, persistPath, renderHook, routeWords, withRouteLine, type PersistStyle, type RouteModel } from './persist.js';

export const HOOK_MODE = '0755';

/** The route the params ask for, as a model (canonical destination). */
export function wantedRoute(p: RouteParams): RouteModel {
  const dst = destinationPrefix(p)!;
  return {
    destination: dst.prefix === 0 ? 'default' : prefixText(dst),
    ...(p.gateway !== undefined ? { gateway: destinationPrefix({ destination: p.gateway })!.address } : {}),
    ...(p.interface !== undefined ? { interface: p.interface } : {}),
    ...(p.metric !== undefined ? { metric: p.metric } : {}),
  };
}

export function factModel(r: RouteFact): RouteModel {
  return {
    destination: normalDestination(r.dst) ?? r.dst,
    ...(r.gateway ? { gateway: r.gateway } : {}),
    ...(r.dev ? { interface: r.dev } : {}),
    ...(r.metric ? { metric: r.metric } : {}),
  };
}

const ipCmd = (m: RouteModel, family6: boolean) => (family6 ? ['ip', '-6', 'route'] : ['ip', 'route']);
const words = (m: RouteModel) => routeWords(m).split(' ');

export function addCommand(m: RouteModel, v6: boolean, verb = 'add'): string {
  return argv([...ipCmd(m, v6), verb, ...words(m)]);
}

/** Deletes exactly that route: destination, type and metric single it out in the main table. */
export function delCommand(r: RouteFact, v6: boolean): string {
  return argv([...ipCmd(factModel(r), v6), 'del', ...(r.type ? [r.type] : []), normalDestination(r.dst) ?? r.dst, 'metric', r.metric]);
}

export function spec(m: RouteModel, type?: string): string {
  return `${type ? `${type} ` : ''}${routeWords(m)}`;
}

function fits(r: RouteFact, w: RouteModel): boolean {
  return !r.type && r.gateway === w.gateway && (w.interface === undefined || r.dev === w.interface) && (w.metric === undefined || r.metric === w.metric);
}

const FIELDS = [
  ['gateway', 'gateway'],
  ['interface', 'interface'],
  ['metric', 'metric'],
] as const;

export function planRoute(p: RouteParams, facts: RouteFacts): Plan {
  const w = wantedRoute(p);
  const v6 = destinationPrefix(p)!.family === 'inet6';
  const resource = `route ${w.destination}`;
  const changes: Change[] = [];
  const warnings: string[] = [];
  const mine = facts.routes.filter((r) => (normalDestination(r.dst) ?? r.dst) === w.destination);
  if (p.state === 'absent') {
    const gone = mine.filter((r) => (w.gateway === undefined || r.gateway === w.gateway) && (w.interface === undefined || r.dev === w.interface));
    changes.push(...gone.map((r) => ({ kind: 'remove-route', resource, field: 'route', before: spec(factModel(r), r.type), after: undefined, commands: [delCommand(r, v6)] })));
  } else {
    const good = mine.find((r) => fits(r, w));
    const stale = mine.filter((r) => r !== good);
    if (good) {
      changes.push(...stale.map((r) => ({ kind: 'remove-route', resource, field: 'route', before: spec(factModel(r), r.type), after: undefined, commands: [delCommand(r, v6)] })));
    } else if (stale.length === 0) {
      changes.push({ kind: 'add-route', resource, field: 'route', before: undefined, after: spec(w), commands: [addCommand(w, v6)] });
    } else {
      changes.push(...replaceChanges(w, stale, resource, v6));
    }
  }
  planPersist(p, w, facts, changes, warnings);
  const plan: Plan = { changes, ...(warnings.length ? { warnings } : {}) };
  if (changes.length === 0) plan.reason = p.state === 'present' ? `${spec(w)} is already configured` : `no route ${w.destination} to remove`;
  return plan;
}

/** One change per differing field of the route being replaced; the last carries the commands. */
function replaceChanges(w: RouteModel, stale: RouteFact[], resource: string, v6: boolean): Change[] {
  const first = stale[0];
  const was = factModel(first);
  const diffs: Change[] = [];
  if (first.type) diffs.push({ kind: 'replace-route', resource, field: 'type', before: first.type, after: 'unicast' });
  for (const [field, key] of FIELDS) {
    if (key !== 'gateway' && w[key] === undefined) continue;
    const before = key === 'metric' ? first.metric : was[key];
    if (before !== w[key]) diffs.push({ kind: 'replace-route', resource, field, before, after: w[key] });
  }
  for (const r of stale.slice(1)) diffs.push({ kind: 'remove-route', resource, field: 'route', before: spec(factModel(r), r.type), after: undefined });
  if (diffs.length === 0) diffs.push({ kind: 'replace-route', resource, field: 'route', before: spec(was, first.type), after: spec(w) });
  // In place when the kernel can (same metric, one route): the destination is never without a route.
  const inPlace = stale.length === 1 && !first.type && first.metric === (w.metric ?? 0);
  diffs[diffs.length - 1].commands = inPlace ? [addCommand(w, v6, 'replace')] : [...stale.map((r) => delCommand(r, v6)), addCommand(w, v6)];
  return diffs;
}

/** Which persistence applies on this host; null = none. */
export function persistStyle(p: RouteParams, os: RouteFacts['os']): PersistStyle | null {
  if (p.persist === 'none') return null;
  if (p.persist !== 'auto') return p.persist;
  if (os === 'redhat') return p.interface !== undefined ? 'redhat' : null;
  return os === 'debian' ? 'debian' : null;
}

export function candidateFiles(p: RouteParams): string[] {
  const dst = destinationPrefix(p)!;
  const files: string[] = [];
  if (p.persist === 'auto' || p.persist === 'debian') files.push(persistPath('debian', dst, p.interface));
  if ((p.persist === 'auto' || p.persist === 'redhat') && p.interface !== undefined) files.push(persistPath('redhat', dst, p.interface));
  return files;
}

function planPersist(p: RouteParams, w: RouteModel, facts: RouteFacts, changes: Change[], warnings: string[]): void {
  const style = persistStyle(p, facts.os);
  if (style === null) {
    if (p.persist === 'auto') warnings.push(`no boot persistence for route ${w.destination}: ${facts.os === 'redhat' ? 'route-<interface> needs an interface' : 'neither a Debian nor a RHEL host'}`);
    return;
  }
  const path = persistPath(style, destinationPrefix(p)!, p.interface);
  if (style === 'debian' && p.state === 'present' && !facts.ifupdown) warnings.push(`${path} is not run at boot: ifupdown is not installed`);
  const current = facts.files[path] ?? null;
  const model = current === null ? null : style === 'debian' ? parseHook(current) : (findRouteLine(current, w.destination)?.model ?? null);
  if (p.state === 'absent') {
    if (style === 'debian' && current !== null) changes.push({ kind: 'unpersist-route', resource: path, field: 'file', before: model ? routeWords(model) : 'present', after: undefined, commands: [argv(['rm', '-f', path])] });
    if (style === 'redhat' && model !== null) {
      changes.push({ kind: 'unpersist-route', resource: path, field: 'route', before: routeWords(model), after: undefined, commands: writeFileCommands(path, withRouteLine(current, null, w.destination)) });
    }
    return;
  }
  const diffs: Change[] = [];
  if (model === null) {
    diffs.push({ kind: 'persist-route', resource: path, field: 'route', before: undefined, after: routeWords(w) });
  } else {
    for (const f of ['destination', 'gateway', 'interface', 'metric'] as const) {
      if (model[f] !== w[f]) diffs.push({ kind: 'persist-route', resource: path, field: f, before: model[f], after: w[f] });
    }
  }
  if (diffs.length === 0) return;
  diffs[diffs.length - 1].commands =
    style === 'debian' ? writeFileCommands(path, renderHook(w), HOOK_MODE) : writeFileCommands(path, withRouteLine(current, w, w.destination));
  changes.push(...diffs);
}
