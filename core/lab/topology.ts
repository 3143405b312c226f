// Names and addresses of lab hosts: pure functions of the host index, so the
// same index always gives the same address, MAC and namespace names, in this
// machine's lab and in the qemu guest's.

export const NAME_PREFIX = 'rblab-';
export const BRIDGE = 'rblab0';
export const BRIDGE_ADDRESS = '198.18.0.1';
/** Fixed so hosts' ARP caches stay valid when ports join the bridge. */
export const BRIDGE_MAC = '02:72:62:00:00:00';
export const SUBNET = '198.18.0.0/24';
/**
 * A second L2 segment (eth1 in every host) with no address from the lab:
 * playbooks put theirs on it (an LVS-NAT director's outside side, say). The
 * machine holds no address there, so nothing on it is reachable from outside.
 */
export const BRIDGE2 = 'rblab1';
export const PREFIX_LEN = 24;
/** Host I is 198.18.0.(10+I): .254 is the last usable address. */
export const MAX_SMALL = 244;
/**
 * Hosts above MAX_SMALL (the bench's large runs) live on a segment of their
 * own: bridge rblab2 with 198.19.0.0/16 (the machine holds 198.19.0.1) and
 * rblab3 for their eth1, since a Linux bridge holds at most 1024 ports.
 */
export const LARGE_BRIDGE = 'rblab2';
export const LARGE_BRIDGE2 = 'rblab3';
export const LARGE_ADDRESS = '198.19.0.1';
export const LARGE_SUBNET = '198.19.0.0/16';
export const LARGE_PREFIX_LEN = 16;
export const MAX_HOSTS = MAX_SMALL + 1000;
export const DEFAULT_HOSTS = 4;

export interface LabHost {
  name: string;
  index: number;
  address: string;
  mac: string;
  netns: string;
  /** MAC of eth1, on the second segment: `02:72:62:01:00:II`. */
  mac2?: string;
  /** eth0's prefix length (24 on the first segment, 16 for hosts above MAX_SMALL). */
  prefixLen?: number;
  /** pid of the host's pid 1 (tini) as seen from the machine; absent for guest hosts. */
  pid?: number;
  /** The host lives inside the qemu guest (`rb lab up --ipvs`). */
  inGuest?: boolean;
}

export function labHost(index: number): LabHost {
  if (!Number.isInteger(index) || index < 1 || index > MAX_HOSTS) {
    throw new RangeError(`lab host index must be 1-${MAX_HOSTS}, got ${index}`);
  }
  const name = `rb${index}`;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const tail = `${hex(index >> 8)}:${hex(index & 255)}`;
  const j = index - MAX_SMALL + 9;
  return {
    name,
    index,
    address: index <= MAX_SMALL ? `198.18.0.${10 + index}` : `198.19.${j >> 8}.${j & 255}`,
    mac: `02:72:62:00:${tail}`,
    mac2: `02:72:62:01:${tail}`,
    netns: `${NAME_PREFIX}${name}`,
    prefixLen: index <= MAX_SMALL ? PREFIX_LEN : LARGE_PREFIX_LEN,
  };
}

/** The bridges of a host's eth0 and eth1. */
export function bridgesOf(h: Pick<LabHost, 'index'>): [string, string] {
  return h.index <= MAX_SMALL ? [BRIDGE, BRIDGE2] : [LARGE_BRIDGE, LARGE_BRIDGE2];
}

/** The machine-side end of the host's veth pair (the host side is eth0). */
export function vethName(host: Pick<LabHost, 'name'>): string {
  return `${NAME_PREFIX}${host.name}`;
}

/** The machine-side end of the host's eth1 veth pair (on BRIDGE2). */
export function veth2Name(host: Pick<LabHost, 'name'>): string {
  return `${NAME_PREFIX}${host.name}-1`;
}

/** "rb7" → 7; anything else → undefined. */
export function hostIndex(name: string): number | undefined {
  const m = /^rb([1-9]\d{0,3})$/.exec(name);
  if (!m) return undefined;
  const i = Number(m[1]);
  return i <= MAX_HOSTS ? i : undefined;
}

export function byIndex(a: { index: number }, b: { index: number }): number {
  return a.index - b.index;
}
