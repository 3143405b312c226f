// The REDIRECT bypass of a real server (seed 002 scheme 2, or a DR real server
// without the VIP on lo): a nat PREROUTING rule sends the VIP's traffic to the
// host's own address, so it accepts what a director forwards to it without
// holding the VIP, and without balancing it again.

import type { Model, Redirect, Service } from './model.js';

function ipv4(a: string): number | null {
  const p = a.split('.');
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return null;
  return p.reduce((n, x) => n * 256 + Number(x), 0);
}

/** `value` matched by an iptables match written as `[! ]VALUE`, with `test` for the positive form. */
function matches(written: string | undefined, test: (v: string) => boolean): boolean {
  if (written === undefined) return true;
  const m = /^(!\s*)?(.*)$/.exec(written.trim())!;
  return test(m[2].trim()) !== !!m[1];
}

function inNet(addr: string, net: string): boolean {
  const [base, bits] = net.split('/');
  if (bits === undefined) return base.toLowerCase() === addr.toLowerCase();
  const a = ipv4(addr);
  const b = ipv4(base);
  if (a === null || b === null) return false;
  const n = Number(bits);
  const size = 2 ** (32 - n);
  return Math.floor(a / size) === Math.floor(b / size);
}

function inPorts(port: number, range: string): boolean {
  const [lo, hi] = range.split(':').map(Number);
  return hi === undefined ? port === lo : port >= lo && port <= hi;
}

/** The service's protocol: `tcp 10.0.0.1:80` → tcp. */
export const serviceProtocol = (s: Service) => (/^(tcp|udp|sctp)\s/i.exec(s.key)?.[1] ?? 'tcp').toLowerCase();

/** Whether the rule redirects packets for vip:port over protocol. */
export function redirects(r: Redirect, vip: string, port: number | undefined, protocol: string): boolean {
  if (!matches(r.destination, (net) => inNet(vip, net))) return false;
  if (!matches(r.protocol, (p) => ['all', '0', protocol, { tcp: '6', udp: '17', sctp: '132' }[protocol]].includes(p.toLowerCase()))) return false;
  return port === undefined ? r.dport === undefined : matches(r.dport, (range) => inPorts(port, range));
}

/** The host's REDIRECT rule that takes the service's traffic, if any. */
export function bypassOf(m: Model, host: string, s: Service): Redirect | undefined {
  return s.vip ? m.redirects.find((r) => r.host === host && redirects(r, s.vip!, s.port, serviceProtocol(s))) : undefined;
}
