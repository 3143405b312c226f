// Interfaces, addresses and default routes from `ip -j -d addr show` and
// `ip -j route get` (one batch), shaped as Ansible's setup reports them.

interface IpAddr { family?: string; local?: string; prefixlen?: number; broadcast?: string; scope?: string; label?: string; secondary?: boolean; address?: string }
interface IpLink { ifname?: string; flags?: string[]; mtu?: number; operstate?: string; link_type?: string; address?: string; linkinfo?: { info_kind?: string }; addr_info?: IpAddr[] }
interface IpRoute { dst?: string; gateway?: string; dev?: string; prefsrc?: string }

const V4_PROBE = '8.8.8.8';
const V6_PROBE = '2404:6800:400a:800::1012';

function netmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

function network(address: string, prefix: number): string {
  const mask = netmask(prefix).split('.').map(Number);
  return address.split('.').map((o, i) => Number(o) & mask[i]).join('.');
}

function ifaceType(link: IpLink): string {
  const kind = link.linkinfo?.info_kind;
  if (kind === 'bridge') return 'bridge';
  if (kind === 'bond') return 'bonding';
  if (link.link_type === 'ether') return 'ether';
  if (link.link_type === 'loopback') return 'loopback';
  if (link.link_type === 'ppp') return 'ppp';
  if (link.link_type === 'none' && kind === 'tun') return 'unknown';
  return 'unknown';
}

function ipv4Of(a: IpAddr, prefix: number) {
  return { address: a.local!, broadcast: a.broadcast ?? '', netmask: netmask(prefix), network: network(a.local!, prefix), prefix: String(prefix) };
}

/** Parse the batch output: one JSON array per line. */
export function networkFacts(text: string | undefined): Record<string, unknown> {
  let links: IpLink[] = [];
  const routes: IpRoute[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (!line.trim().startsWith('[')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (!Array.isArray(parsed)) continue;
    if (parsed.some((x) => x && typeof x === 'object' && 'ifname' in x)) links = parsed as IpLink[];
    else routes.push(...(parsed as IpRoute[]));
  }
  const route = (dst: string) => routes.find((r) => r.dst === dst);
  const def4 = defaultOf(route(V4_PROBE), V4_PROBE);
  const def6 = defaultOf(route(V6_PROBE), V6_PROBE);
  const facts: Record<string, unknown> = {};
  const interfaces: string[] = [];
  const all4: string[] = [];
  const all6: string[] = [];
  for (const link of links) {
    if (!link.ifname) continue;
    const device = link.ifname;
    const key = device.replace(/:/g, '_');
    interfaces.push(key);
    const info: Record<string, unknown> = { device };
    if (link.address && link.address !== '00:00:00:00:00:00' && link.link_type !== 'none') info.macaddress = link.address;
    if (typeof link.mtu === 'number') info.mtu = link.mtu;
    info.active = (link.operstate ?? '').toLowerCase() !== 'down';
    info.type = ifaceType(link);
    info.promisc = (link.flags ?? []).includes('PROMISC');
    for (const a of link.addr_info ?? []) {
      if (!a.local) continue;
      if (a.family === 'inet') {
        const prefix = a.prefixlen ?? 32;
        const v4 = ipv4Of(a, prefix);
        if (!a.secondary && info.ipv4 === undefined) info.ipv4 = v4;
        else ((info.ipv4_secondaries ??= []) as unknown[]).push(v4);
        if (def4.address === a.local) Object.assign(def4, { broadcast: v4.broadcast, netmask: v4.netmask, network: v4.network, prefix: v4.prefix, macaddress: info.macaddress ?? 'unknown', mtu: info.mtu, type: info.type, alias: a.label ?? device });
        if (!a.local.startsWith('127.')) all4.push(a.local);
      } else if (a.family === 'inet6') {
        const v6 = { address: a.local, prefix: String(a.prefixlen ?? 128), scope: a.scope ?? 'global' };
        ((info.ipv6 ??= []) as unknown[]).push(v6);
        if (def6.address === a.local) Object.assign(def6, { prefix: v6.prefix, scope: v6.scope, macaddress: info.macaddress ?? 'unknown', mtu: info.mtu, type: info.type });
        if (a.local !== '::1') all6.push(a.local);
      }
    }
    facts[key] = info;
  }
  return { ...facts, interfaces, all_ipv4_addresses: all4, all_ipv6_addresses: all6, default_ipv4: def4, default_ipv6: def6 };
}

function defaultOf(r: IpRoute | undefined, probe: string): Record<string, unknown> {
  if (!r) return {};
  const out: Record<string, unknown> = {};
  if (r.dev) out.interface = r.dev;
  if (r.prefsrc) out.address = r.prefsrc;
  if (r.gateway && r.gateway !== probe) out.gateway = r.gateway;
  return out;
}
