// Read side of ifalias, one exec: the interface's addresses (`ip -j addr`), the
// main-table routes covering the address (`ip -j route ... match`), the
// distribution family, the persistent files, which arping is installed, and
// whether ifupdown reads interfaces.d at boot.

import { sh } from '../../core/transport/shell.js';
import { canonicalIp, type IpPrefix } from '../../core/net/address.js';
import { OS_FAMILY_PART, parseFilePart, parseOsFamily, partsScript, readFilePart, splitParts, type OsFamily, type PartOutput } from '../../core/transport/script-parts.js';

export interface AddressFact {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  /** IPv4 only: `lo` for an unlabelled address of lo, `lo:0` for an alias. */
  label?: string;
  broadcast?: string;
}

export interface RouteFact {
  dst: string;
  dev?: string;
  gateway?: string;
}

export interface IfaliasFacts {
  interfaceExists: boolean;
  addresses: AddressFact[];
  routes: RouteFact[];
  os: OsFamily;
  /** Content per persistent file path read; null = absent. */
  files: Record<string, string | null>;
  arping: 'iputils' | 'habets' | null;
  /** Debian: /etc/network/interfaces pulls in interfaces.d (else a stanza is never read). */
  ifupdownReadsDir: boolean;
}

const ARPING_PART = 'if command -v arping >/dev/null 2>&1; then arping --help 2>&1 | head -n 1; fi';
/** No probe (two processes) where no announcement can follow: the part stays, empty. */
const NO_ARPING_PART = ':';
const IFUPDOWN_PART = "grep -qsE '^[[:space:]]*source(-directory)?[[:space:]]+(/etc/network/)?interfaces\\.d' /etc/network/interfaces && echo yes || echo no";

/** `probeArping`: whether an announcement may follow (IPv4, not on lo, gratuitous_arp on). */
export function ifaliasFactsCommand(iface: string, addr: IpPrefix, files: readonly string[], probeArping = true): string {
  const ip = addr.family === 'inet6' ? 'ip -6 -j' : 'ip -j';
  return partsScript([
    sh`ip -j addr show dev ${iface}`,
    `${ip} ${sh`route show table main match ${addr.address}`}`,
    OS_FAMILY_PART,
    probeArping ? ARPING_PART : NO_ARPING_PART,
    IFUPDOWN_PART,
    ...files.map(readFilePart),
  ]);
}

export function parseIfaliasFacts(stdout: string, files: readonly string[]): IfaliasFacts {
  const [addr, route, os, arping, ifupdown, ...fileParts] = splitParts(stdout, 5 + files.length);
  const exists = addr.code === 0;
  return {
    interfaceExists: exists,
    addresses: exists ? parseIpAddr(addr.out) : [],
    routes: route.code === 0 ? parseIpRoute(route.out) : [],
    os: parseOsFamily(os),
    files: Object.fromEntries(files.map((f, i) => [f, parseFilePart(fileParts[i])])),
    arping: parseArping(arping),
    ifupdownReadsDir: ifupdown.out.trim() === 'yes',
  };
}

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
}

/** `ip -j addr show dev IF`: the addresses of that one interface. */
export function parseIpAddr(text: string): AddressFact[] {
  const links = json(text, 'ip -j addr');
  if (!Array.isArray(links)) throw new Error('ip -j addr: expected a JSON list');
  return links.flatMap((link: any) =>
    (Array.isArray(link?.addr_info) ? link.addr_info : [])
      .filter((a: any) => a.family === 'inet' || a.family === 'inet6')
      .map((a: any): AddressFact => {
        if (typeof a.local !== 'string' || typeof a.prefixlen !== 'number') throw new Error(`ip -j addr: address without local/prefixlen: ${JSON.stringify(a)}`);
        return {
          family: a.family,
          local: canonicalIp(a.local),
          prefixlen: a.prefixlen,
          ...(typeof a.label === 'string' ? { label: a.label } : {}),
          ...(typeof a.broadcast === 'string' ? { broadcast: a.broadcast } : {}),
        };
      }),
  );
}

/** `ip -j route show ...`: destination, device, gateway. */
export function parseIpRoute(text: string): RouteFact[] {
  if (text.trim() === '') return [];
  const routes = json(text, 'ip -j route');
  if (!Array.isArray(routes)) throw new Error('ip -j route: expected a JSON list');
  return routes.map((r: any) => ({
    dst: String(r.dst),
    ...(typeof r.dev === 'string' ? { dev: r.dev } : {}),
    ...(typeof r.gateway === 'string' ? { gateway: r.gateway } : {}),
  }));
}

function parseArping(part: PartOutput): IfaliasFacts['arping'] {
  const first = part.out.trim();
  if (first === '') return null;
  return /Habets/.test(first) ? 'habets' : 'iputils';
}
