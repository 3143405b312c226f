// Read side of route, one exec: the main table's routes for the destination
// (`ip -j route show table main exact DST`), whether the interface exists,
// the distribution family, whether ifupdown is there, and the persistent files.

import { sh } from '../../core/transport/shell.js';
import { canonicalIp, prefixText, type IpPrefix } from '../../core/net/address.js';
import { OS_FAMILY_PART, parseFilePart, parseOsFamily, partsScript, readFilePart, splitParts, type OsFamily } from '../../core/transport/script-parts.js';

export interface RouteFact {
  /** `default`, `198.18.0.100` (a host route), `10.1.0.0/16`: as `ip` prints it. */
  dst: string;
  gateway?: string;
  dev?: string;
  /** 0 when `ip` prints none. */
  metric: number;
  /** `unreachable`, `blackhole`...; absent for a unicast route. */
  type?: string;
}

export interface RouteFacts {
  routes: RouteFact[];
  /** null when no interface was asked about. */
  interfaceExists: boolean | null;
  os: OsFamily;
  /** Debian: ifupdown is installed (else nothing runs if-up.d hooks at boot). */
  ifupdown: boolean;
  /** Content per persistent file path read; null = absent. */
  files: Record<string, string | null>;
}

export function routeFactsCommand(dst: IpPrefix, iface: string | undefined, files: readonly string[]): string {
  const ip = dst.family === 'inet6' ? 'ip -6 -j' : 'ip -j';
  return partsScript([
    `${ip} ${sh`route show table main exact ${prefixText(dst)}`}`,
    iface === undefined ? ':' : sh`ip -j link show dev ${iface} >/dev/null`,
    OS_FAMILY_PART,
    'if command -v ifup >/dev/null 2>&1; then echo yes; else echo no; fi',
    ...files.map(readFilePart),
  ]);
}

export function parseRouteFacts(stdout: string, files: readonly string[], askedInterface: boolean): RouteFacts {
  const [route, link, os, ifup, ...fileParts] = splitParts(stdout, 4 + files.length);
  if (route.code !== 0) throw new Error(`ip route show failed (exit ${route.code}): ${route.out.trim().slice(0, 200)}`);
  return {
    routes: parseIpRoutes(route.out),
    interfaceExists: askedInterface ? link.code === 0 : null,
    os: parseOsFamily(os),
    ifupdown: ifup.out.trim() === 'yes',
    files: Object.fromEntries(files.map((f, i) => [f, parseFilePart(fileParts[i])])),
  };
}

/** `ip -j route show ...`: destination, gateway, device, metric, type. */
export function parseIpRoutes(text: string): RouteFact[] {
  if (text.trim() === '') return [];
  let routes: unknown;
  try {
    routes = JSON.parse(text);
  } catch {
    throw new Error(`ip -j route: not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  if (!Array.isArray(routes)) throw new Error('ip -j route: expected a JSON list');
  return routes.map((r: any): RouteFact => {
    if (typeof r?.dst !== 'string') throw new Error(`ip -j route: route without dst: ${JSON.stringify(r)}`);
    return {
      dst: r.dst,
      ...(typeof r.gateway === 'string' ? { gateway: canonicalIp(r.gateway) } : {}),
      ...(typeof r.dev === 'string' ? { dev: r.dev } : {}),
      metric: typeof r.metric === 'number' ? r.metric : 0,
      ...(typeof r.type === 'string' && r.type !== 'unicast' ? { type: r.type } : {}),
    };
  });
}
