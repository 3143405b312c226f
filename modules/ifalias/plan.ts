// Pure planning for ifalias: the live address (never re-adding an existing one:
// the kernel answers rc 2), the optional host route, the announcement, and the
// boot-persistent file.

import type { Change, Plan } from '../../core/module.js';
import { sh } from '../../core/transport/shell.js';
import { maxPrefix, parsePrefix, prefixText, type IpPrefix } from '../../core/net/address.js';
import type { AddressFact, IfaliasFacts } from './facts.js';
import type { IfaliasParams } from './params.js';
import { parsePersist, persistPath, renderPersist, type PersistModel, type PersistStyle } from './persist.js';
import { writeFileCommands } from '../../core/transport/script-parts.js';

export interface Wanted {
  addr: IpPrefix;
  /** IPv4: the label the kernel reports (the interface name when none is given). */
  label?: string;
}

export function wanted(p: IfaliasParams): Wanted {
  const addr = parsePrefix(p.address)!;
  return { addr, ...(addr.family === 'inet' ? { label: p.label ?? p.interface } : {}) };
}

/** Which persistence applies on this host; null = none. */
export function persistStyle(p: IfaliasParams, os: IfaliasFacts['os']): PersistStyle | null {
  if (p.persist === 'none') return null;
  if (p.persist !== 'auto') return p.persist;
  if (os === 'redhat' && p.label !== undefined && parsePrefix(p.address)?.family === 'inet') return 'redhat';
  return os === 'debian' ? 'debian' : null;
}

export function addressSpec(a: { local: string; prefixlen: number; label?: string; broadcast?: string }, iface: string): string {
  const label = a.label && a.label !== iface ? ` label ${a.label}` : '';
  const brd = a.broadcast ? ` broadcast ${a.broadcast}` : '';
  return `${a.local}/${a.prefixlen}${brd} dev ${iface}${label}`;
}

function addCommand(p: IfaliasParams, w: Wanted): string {
  const brd = p.broadcast ? sh` broadcast ${p.broadcast}` : '';
  const label = p.label ? sh` label ${p.label}` : '';
  return sh`ip addr add ${prefixText(w.addr)}` + brd + sh` dev ${p.interface}` + label;
}

export const delCommand = (a: AddressFact, iface: string) => sh`ip addr del ${`${a.local}/${a.prefixlen}`} dev ${iface}`;

function matches(a: AddressFact, p: IfaliasParams, w: Wanted): boolean {
  return a.prefixlen === w.addr.prefix && a.label === w.label && (p.broadcast === undefined || a.broadcast === p.broadcast);
}

/** A route the kernel already uses for ADDR on IF: the host route itself or a connected route. */
function hasRoute(facts: IfaliasFacts, p: IfaliasParams): boolean {
  return (facts.routes ?? []).some((r) => r.dev === p.interface && !r.gateway && r.dst !== 'default');
}

export function hostRoute(w: Wanted): string {
  return `${w.addr.address}/${maxPrefix(w.addr.family)}`;
}

export function planIfalias(p: IfaliasParams, facts: IfaliasFacts): Plan {
  const w = wanted(p);
  const changes: Change[] = [];
  const warnings: string[] = [];
  const after = addressSpec({ local: w.addr.address, prefixlen: w.addr.prefix, label: w.label, broadcast: p.broadcast }, p.interface);
  planAddress(p, w, facts, after, changes, warnings);
  planRoute(p, w, facts, changes);
  planPersist(p, w, facts, changes, warnings);
  const plan: Plan = { changes, ...(warnings.length ? { warnings } : {}) };
  if (changes.length === 0) plan.reason = p.state === 'present' ? `${after} is already configured` : `${w.addr.address} on ${p.interface} is already absent`;
  return plan;
}

function planAddress(p: IfaliasParams, w: Wanted, facts: IfaliasFacts, after: string, changes: Change[], warnings: string[]): void {
  const resource = `${w.addr.address} on ${p.interface}`;
  const mine = (facts.addresses ?? []).filter((a) => a.local === w.addr.address);
  const remove = (a: AddressFact): Change => ({ kind: 'remove-address', resource, field: 'address', before: addressSpec(a, p.interface), after: undefined, commands: [delCommand(a, p.interface)] });
  if (p.state === 'absent') {
    changes.push(...mine.map(remove));
    return;
  }
  const good = mine.find((a) => matches(a, p, w));
  const stale = mine.filter((a) => a !== good);
  if (good) {
    changes.push(...stale.map(remove));
  } else if (stale.length > 0) {
    const before = stale.map((a) => addressSpec(a, p.interface)).join(', ');
    changes.push({ kind: 'replace-address', resource, field: 'address', before, after, commands: [...stale.map((a) => delCommand(a, p.interface)), addCommand(p, w)] });
  } else {
    changes.push({ kind: 'add-address', resource, field: 'address', before: undefined, after, commands: [addCommand(p, w)] });
    announce(p, w, facts, changes, warnings);
  }
}

function planRoute(p: IfaliasParams, w: Wanted, facts: IfaliasFacts, changes: Change[]): void {
  if (!p.host_route) return;
  const route = `${hostRoute(w)} dev ${p.interface}`;
  if (p.state === 'present' && !hasRoute(facts, p)) {
    changes.push({ kind: 'add-host-route', resource: route, field: 'route', before: undefined, after: route, commands: [sh`ip route add ${hostRoute(w)} dev ${p.interface}`] });
  }
  const exact = (facts.routes ?? []).some((r) => r.dev === p.interface && (r.dst === w.addr.address || r.dst === hostRoute(w)));
  if (p.state === 'absent' && exact) {
    changes.push({ kind: 'remove-host-route', resource: route, field: 'route', before: route, after: undefined, commands: [sh`ip route del ${hostRoute(w)} dev ${p.interface}`] });
  }
}

// A moved VIP must reach the neighbours' ARP caches at once (heartbeat's startvip does the same).
function announce(p: IfaliasParams, w: Wanted, facts: IfaliasFacts, changes: Change[], warnings: string[]): void {
  if (!p.gratuitous_arp || w.addr.family !== 'inet' || p.interface === 'lo') return;
  if (facts.arping === null) {
    warnings.push(`arping is not installed on the host: no gratuitous ARP for ${w.addr.address} on ${p.interface}`);
    return;
  }
  // Without a reply arping exits 1; for an unsolicited announcement that is the normal case.
  // Habets' arping waits a second for replies unless given a deadline.
  const cmd =
    facts.arping === 'habets'
      ? sh`arping -q -U -c 1 -w 0.2 -i ${p.interface} -S ${w.addr.address} ${w.addr.address}`
      : sh`arping -q -U -c 1 -I ${p.interface} ${w.addr.address}`;
  changes.push({ kind: 'announce-address', resource: `${w.addr.address} on ${p.interface}`, field: 'gratuitous ARP', before: undefined, after: 'sent', commands: [`${cmd} || [ $? -eq 1 ]`] });
}

function planPersist(p: IfaliasParams, w: Wanted, facts: IfaliasFacts, changes: Change[], warnings: string[]): void {
  const style = persistStyle(p, facts.os);
  if (style === null) {
    if (p.persist === 'auto') warnings.push(`no boot persistence for ${w.addr.address}: neither a Debian nor a RHEL host${facts.os === 'redhat' ? ' with a label' : ''}`);
    return;
  }
  const device = p.label ?? p.interface;
  const path = persistPath(style, device, w.addr);
  const current = facts.files?.[path] ?? null;
  const model = current === null ? null : parsePersist(style, current);
  if (p.state === 'absent') {
    if (current !== null) changes.push({ kind: 'unpersist-address', resource: path, field: 'file', before: model?.address ?? 'present', after: undefined, commands: [sh`rm -f ${path}`] });
    return;
  }
  const want: PersistModel = {
    device,
    address: prefixText(w.addr),
    ...(p.broadcast ? { broadcast: p.broadcast } : {}),
    host_route: p.host_route && style === 'debian',
    onboot: true,
  };
  if (p.host_route && style === 'redhat') warnings.push('host_route is not persisted in ifcfg files (add a route-<interface> file)');
  if (style === 'debian' && !facts.ifupdownReadsDir) warnings.push(`${path} is not read at boot: /etc/network/interfaces does not source interfaces.d (is ifupdown installed?)`);
  const diffs: Change[] = [];
  const fields = ['device', 'address', 'broadcast', 'host_route', 'onboot'] as const;
  for (const f of fields) {
    const before = model?.[f];
    if (model !== null && before === want[f]) continue;
    if (model === null && f !== 'address') continue; // a new file: one change says it all
    diffs.push({ kind: 'persist-address', resource: path, field: f, before, after: want[f] });
  }
  if (diffs.length === 0) return;
  diffs[diffs.length - 1].commands = writeFileCommands(path, renderPersist(style, want, p.interface));
  changes.push(...diffs);
}
