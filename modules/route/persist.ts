// Boot-persistent form of a route: on Debian an ifupdown hook in
// /etc/network/if-up.d/ that puts the route back when its interface comes up;
// on RHEL a line of network-scripts/route-<interface> (`ip route` syntax, one
// route per line, other lines kept). Both are compared as models, field by
// field, so a hand-edited gateway or metric is drift of that field.

import { isIP } from 'node:net';
import { canonicalIp, parsePrefix, prefixText, type IpPrefix } from '../../core/net/address.js';

export type PersistStyle = 'debian' | 'redhat';

export interface RouteModel {
  /** `default` or ADDR/PREFIX, canonical. */
  destination: string;
  gateway?: string;
  interface?: string;
  metric?: number;
}

export const HEADER = '# Managed by rb (route module)';

export function persistPath(style: PersistStyle, dst: IpPrefix, iface: string | undefined): string {
  if (style === 'redhat') return `/etc/sysconfig/network-scripts/route-${iface}`;
  // run-parts runs only names of letters, digits, '_' and '-'.
  const name = dst.prefix === 0 ? `default${dst.family === 'inet6' ? '6' : ''}` : prefixText(dst).replace(/[^A-Za-z0-9]/g, '-');
  return `/etc/network/if-up.d/rb-route-${name}`;
}

/** The route as `ip route` words after add/replace/del. */
export function routeWords(m: RouteModel): string {
  const words = [m.destination];
  if (m.gateway) words.push('via', m.gateway);
  if (m.interface) words.push('dev', m.interface);
  if (m.metric !== undefined) words.push('metric', String(m.metric));
  return words.join(' ');
}

export function renderHook(m: RouteModel): string {
  const ip = m.destination.includes(':') || (m.gateway !== undefined && isIP(m.gateway) === 6) ? 'ip -6' : 'ip';
  const guard = m.interface ? `[ "$IFACE" = "${m.interface}" ] || exit 0` : '[ "$IFACE" != lo ] || exit 0';
  return `#!/bin/sh\n${HEADER}\n${guard}\n${ip} route replace ${routeWords(m)} 2>/dev/null || true\n`;
}

/** The model a route line or hook describes (`[ip [-6]] route replace|add WORDS` or bare WORDS), or null. */
export function parseRouteLine(line: string): RouteModel | null {
  const words = line.trim().replace(/\s+2>\/dev\/null.*$/, '').replace(/\s*\|\|.*$/, '').split(/\s+/);
  let i = 0;
  if (words[i] === 'ip') {
    i++;
    if (/^-[46]$/.test(words[i] ?? '')) i++;
    if (words[i] !== 'route' && words[i] !== 'r') return null;
    i++;
    if (!['add', 'replace', 'append', 'change'].includes(words[i] ?? '')) return null;
    i++;
  }
  const dst = normalDestination(words[i++] ?? '');
  if (dst === null) return null;
  const m: RouteModel = { destination: dst };
  for (; i < words.length; i += 2) {
    const [k, v] = [words[i], words[i + 1]];
    if (v === undefined) break;
    if (k === 'via' && isIP(v)) m.gateway = canonicalIp(v);
    else if (k === 'dev') m.interface = v;
    else if (k === 'metric' || k === 'priority' || k === 'preference') m.metric = Number(v);
  }
  return m;
}

export function normalDestination(text: string): string | null {
  if (text === 'default' || text === '0.0.0.0/0' || text === '::/0') return 'default';
  const p = parsePrefix(text);
  return p ? prefixText(p) : null;
}

/** The hook's model, or null when it holds no route line. */
export function parseHook(text: string): RouteModel | null {
  for (const line of text.split('\n')) {
    if (/^\s*ip\s+(-[46]\s+)?r(oute)?\s+(replace|add)\b/.test(line)) return parseRouteLine(line);
  }
  return null;
}

/** route-<interface>: the line for `destination` (its index and model), if any. */
export function findRouteLine(text: string, destination: string): { index: number; model: RouteModel } | null {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    if (/^\s*(#|$)/.test(lines[index])) continue;
    const model = parseRouteLine(lines[index]);
    if (model?.destination === destination) return { index, model };
  }
  return null;
}

/** route-<interface> with the line for the model's destination replaced or added (others kept). */
export function withRouteLine(text: string | null, m: RouteModel | null, destination: string): string {
  const lines = text === null || text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const found = text === null ? null : findRouteLine(text, destination);
  if (found) {
    if (m) lines[found.index] = routeWords(m);
    else lines.splice(found.index, 1);
  } else if (m) lines.push(routeWords(m));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
