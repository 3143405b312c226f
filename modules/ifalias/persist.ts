// Boot-persistent form of an address: a Debian ifupdown stanza in
// /etc/network/interfaces.d/ or a RHEL ifcfg-<label> file (the two-box seed's
// `ifcfg-lo:0`). Both are compared as models, so comments, key order and
// foreign keys such as NAME=loopback do not count as drift.

import { netmaskToPrefix, parsePrefix, prefixText, prefixToNetmask, type IpPrefix } from '../../core/net/address.js';

export type PersistStyle = 'debian' | 'redhat';

export interface PersistModel {
  /** Interface or label the file configures (`lo:0`). */
  device: string;
  /** ADDR/PREFIX, canonical. */
  address: string;
  broadcast?: string;
  /** The file also installs the host route (Debian `up ip route replace`). */
  host_route: boolean;
  /** Brought up at boot (`auto` / `ONBOOT=yes`). */
  onboot: boolean;
}

export const HEADER = '# Managed by rb (ifalias module)';

export function persistPath(style: PersistStyle, device: string, addr: IpPrefix): string {
  if (style === 'redhat') return `/etc/sysconfig/network-scripts/ifcfg-${device}`;
  // ifupdown's `source-directory` skips names with other characters (':' included).
  const name = (device.includes(':') ? device : `${device}-${addr.address}`).replace(/[^A-Za-z0-9_-]/g, '-');
  return `/etc/network/interfaces.d/rb-${name}`;
}

/** The host route line a Debian stanza carries; `replace` so ifup never fails on it. */
function routeLine(m: PersistModel, iface: string): string {
  const host = parsePrefix(m.address)!;
  return `up ip route replace ${host.address}/${host.family === 'inet' ? 32 : 128} dev ${iface}`;
}

export function renderPersist(style: PersistStyle, m: PersistModel, iface: string): string {
  const addr = parsePrefix(m.address)!;
  if (style === 'redhat') {
    const lines = [HEADER, `DEVICE=${m.device}`, `IPADDR=${addr.address}`, `NETMASK=${prefixToNetmask(addr.prefix)}`];
    if (m.broadcast) lines.push(`BROADCAST=${m.broadcast}`);
    lines.push(`ONBOOT=${m.onboot ? 'yes' : 'no'}`);
    return `${lines.join('\n')}\n`;
  }
  const lines = [HEADER];
  if (m.onboot) lines.push(`auto ${m.device}`);
  lines.push(`iface ${m.device} ${addr.family} static`, `    address ${prefixText(addr)}`);
  if (m.broadcast) lines.push(`    broadcast ${m.broadcast}`);
  if (m.host_route) lines.push(`    ${routeLine(m, iface)}`);
  return `${lines.join('\n')}\n`;
}

/** The model a file describes, or null when it holds no usable address. */
export function parsePersist(style: PersistStyle, text: string): PersistModel | null {
  return style === 'redhat' ? parseIfcfg(text) : parseStanza(text);
}

function parseIfcfg(text: string): PersistModel | null {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(raw);
    if (m) vars.set(m[1], m[2].trim().replace(/^(["'])(.*)\1$/, '$2'));
  }
  const ip = vars.get('IPADDR');
  const prefix = vars.has('PREFIX') ? Number(vars.get('PREFIX')) : vars.has('NETMASK') ? netmaskToPrefix(vars.get('NETMASK')!) : 32;
  const addr = ip && prefix !== null ? parsePrefix(`${ip}/${prefix}`) : null;
  if (!addr) return null;
  return {
    device: vars.get('DEVICE') ?? '',
    address: prefixText(addr),
    ...(vars.get('BROADCAST') ? { broadcast: vars.get('BROADCAST') } : {}),
    host_route: false,
    onboot: (vars.get('ONBOOT') ?? 'yes').toLowerCase() === 'yes',
  };
}

function parseStanza(text: string): PersistModel | null {
  let device: string | undefined;
  let address: string | undefined;
  let netmask: number | null | undefined;
  let broadcast: string | undefined;
  let hostRoute = false;
  const auto = new Set<string>();
  for (const raw of text.split('\n')) {
    const words = raw.trim().split(/\s+/);
    const [key, ...rest] = words;
    if (key === 'auto' || key === 'allow-hotplug') rest.forEach((d) => auto.add(d));
    else if (key === 'iface') device ??= rest[0];
    else if (device === undefined) continue;
    else if (key === 'address') address = rest[0];
    else if (key === 'netmask') netmask = /^\d+$/.test(rest[0]) ? Number(rest[0]) : netmaskToPrefix(rest[0]);
    else if (key === 'broadcast') broadcast = rest[0];
    else if ((key === 'up' || key === 'post-up') && /\bip (-\d )?route (add|replace)\b/.test(raw)) hostRoute = true;
  }
  if (device === undefined || address === undefined) return null;
  const addr = parsePrefix(address.includes('/') || netmask == null ? address : `${address}/${netmask}`);
  if (!addr) return null;
  return { device, address: prefixText(addr), ...(broadcast ? { broadcast } : {}), host_route: hostRoute, onboot: auto.has(device) };
}
