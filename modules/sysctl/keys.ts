// Sysctl key and value rules shared by the parser, the file editor and the planner.

/** Components are letters, digits and the characters interface names use; at least two of them. */
export const KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_@+:-]*(?:[./][A-Za-z0-9_@+:-]+)+$/;

/**
 * The form `sysctl` prints: dot-separated, with a dot inside a component (a VLAN
 * interface `eth0.100`) written as `/`. procps reads a key whose first separator
 * is `/` as a path (`net/ipv4/conf/eth0.100/arp_ignore`), so both spellings of a
 * key compare equal once canonical.
 */
export function canonicalKey(key: string): string {
  const k = key.trim();
  const slash = k.indexOf('/');
  const dot = k.indexOf('.');
  if (slash === -1 || (dot !== -1 && dot < slash)) return k;
  return k
    .split('/')
    .map((c) => c.replace(/\./g, '/'))
    .join('.');
}

/** `1` equals ` 1`; vectors compare word by word (`1024 65000` equals `1024\t65000`). */
export function normaliseValue(value: string): string {
  return value.trim().split(/\s+/).join(' ');
}

export function sameValue(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a === b;
  return normaliseValue(a) === normaliseValue(b);
}

// The kernel module that provides a family of keys, for the "no such key" message.
const PROVIDERS: Array<[RegExp, string]> = [
  [/^net\.ipv4\.vs\./, 'the IPVS kernel module (ip_vs) is not loaded'],
  [/^net\.(netfilter\.|nf_conntrack_max)/, 'the connection tracking module (nf_conntrack) is not loaded'],
  [/^net\.bridge\./, 'the br_netfilter module is not loaded'],
  [/^net\.ipv6\./, 'IPv6 is disabled on this host'],
];

/** Why a key may be missing on a host: the likely cause, in words. */
export function likelyCause(key: string): string {
  const k = canonicalKey(key);
  const perIf = /^net\.ipv[46]\.(?:conf|neigh)\.([^.]+)\./.exec(k);
  if (perIf && !['all', 'default'].includes(perIf[1])) {
    return `no network interface "${perIf[1].replace(/\//g, '.')}" on this host (check the interface name)`;
  }
  for (const [re, cause] of PROVIDERS) if (re.test(k)) return cause;
  return 'the name is misspelt or the kernel module providing it is not loaded';
}
