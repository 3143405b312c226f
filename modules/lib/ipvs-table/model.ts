// The IPVS table as rb compares it: virtual services keyed by protocol +
// address + port (or firewall mark), each with its scheduler, persistence and
// real servers. The same model is read from `ipvsadm -Sn`, from a saved rules
// file and from the task's params, so the three compare field by field.

export type Protocol = 'tcp' | 'udp' | 'sctp';
export type Forward = 'gate' | 'masq' | 'ipip';

export type ServiceKey =
  | { protocol: Protocol; address: string; port: number; fwmark?: undefined }
  | { fwmark: number; ipv6?: boolean; protocol?: undefined };

export interface RealServer {
  address: string;
  /** 0 for fwmark services whose real servers take the request's port. */
  port: number;
  forward: Forward;
  weight: number;
  uThreshold: number;
  lThreshold: number;
}

export interface VirtualService {
  key: ServiceKey;
  scheduler: string;
  /** Persistence timeout in seconds; absent = not persistent. */
  persistent?: number;
  /** Persistence granularity (IPv4 dotted quad, or an IPv6 prefix length); only with persistence. */
  netmask?: string;
  /** Scheduler flags (sh-fallback, sh-port, mh-fallback, mh-port), sorted. */
  schedFlags: string[];
  /** Persistence engine (`sip`). */
  pe?: string;
  /** One-packet scheduling. */
  ops: boolean;
  reals: RealServer[];
}

/** ipvsadm's default scheduler when `-s` is not given. */
export const DEFAULT_SCHEDULER = 'wlc';
/** The default persistence granularity ipvsadm does not print. */
export const HOST_NETMASK = '255.255.255.255';

const FORWARD_FLAG: Record<Forward, string> = { gate: '-g', masq: '-m', ipip: '-i' };
export const forwardFlag = (f: Forward): string => FORWARD_FLAG[f];

/** `198.18.0.100:80`, `[2001:db8::1]:80`. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The stable name of a service in plans and messages: `tcp 198.18.0.100:80`, `fwmark 3`. */
export function serviceId(k: ServiceKey): string {
  if (k.fwmark !== undefined) return `fwmark ${k.fwmark}${k.ipv6 ? ' (ipv6)' : ''}`;
  return `${k.protocol} ${hostPort(k.address, k.port)}`;
}

export function realId(r: Pick<RealServer, 'address' | 'port'>): string {
  return hostPort(r.address, r.port);
}

/** ipvsadm's words naming a virtual service: `-t 198.18.0.100:80`, `-f 3`, `-f 3 -6`. */
export function serviceArgs(k: ServiceKey): string[] {
  if (k.fwmark !== undefined) return k.ipv6 ? ['-f', String(k.fwmark), '-6'] : ['-f', String(k.fwmark)];
  const flag = k.protocol === 'tcp' ? '-t' : k.protocol === 'udp' ? '-u' : '--sctp-service';
  return [flag, hostPort(k.address, k.port)];
}

/** The service options ipvsadm -A/-E takes: scheduler, persistence, flags. */
export function serviceOptions(s: VirtualService): string[] {
  const out = ['-s', s.scheduler];
  if (s.persistent !== undefined) {
    out.push('-p', String(s.persistent));
    if (s.netmask !== undefined && s.netmask !== HOST_NETMASK && s.netmask !== '128') out.push('-M', s.netmask);
  }
  if (s.schedFlags.length > 0) out.push('-b', s.schedFlags.join(','));
  if (s.pe) out.push('--pe', s.pe);
  if (s.ops) out.push('-o');
  return out;
}

/** The real-server options ipvsadm -a/-e takes. */
export function realOptions(r: RealServer): string[] {
  const out = [forwardFlag(r.forward), '-w', String(r.weight)];
  if (r.uThreshold) out.push('-x', String(r.uThreshold));
  if (r.lThreshold) out.push('-y', String(r.lThreshold));
  return out;
}

/** One service as `ipvsadm -Sn` prints it (lines without the `ipvsadm` word). */
export function ruleLines(s: VirtualService): string[] {
  const svc = serviceArgs(s.key).join(' ');
  return [`-A ${svc} ${serviceOptions(s).join(' ')}`, ...s.reals.map((r) => `-a ${svc} -r ${realId(r)} ${realOptions(r).join(' ')}`)];
}

/** Persistence and granularity as one readable value for diffs. */
export function persistenceText(s: Pick<VirtualService, 'persistent' | 'netmask'>): string {
  if (s.persistent === undefined) return 'not persistent';
  const mask = s.netmask && s.netmask !== HOST_NETMASK && s.netmask !== '128' ? ` netmask ${s.netmask}` : '';
  return `${s.persistent} s${mask}`;
}

export function realText(r: RealServer): string {
  const extra = `${r.uThreshold ? ` u_threshold ${r.uThreshold}` : ''}${r.lThreshold ? ` l_threshold ${r.lThreshold}` : ''}`;
  return `${r.forward} weight ${r.weight}${extra}`;
}

export function serviceText(s: VirtualService): string {
  const flags = s.schedFlags.length ? ` flags ${s.schedFlags.join(',')}` : '';
  const pers = s.persistent !== undefined ? `, persistent ${persistenceText(s)}` : '';
  return `${s.scheduler}${flags}${pers}, ${s.reals.length} real server${s.reals.length === 1 ? '' : 's'}`;
}
