// The rsyncd.conf parameters rb knows (rsyncd.conf(5) of rsync 3.2-3.5), with
// the kind of value each takes, so values compare by meaning (`yes` = `true`,
// `hosts allow` lists split on spaces or commas) and params are checked before
// any host is touched.

export type ValueKind = 'bool' | 'int' | 'list' | 'string';

export interface KeyInfo {
  /** The name as rsyncd.conf(5) spells it: `hosts allow`. */
  name: string;
  kind: ValueKind;
  /** Only meaningful before the first [module] (the daemon's own settings). */
  globalOnly?: boolean;
  /**
   * Read once when the daemon starts (listening socket, pid file, privileges):
   * changing it needs a restart. Everything else is re-read by the daemon on
   * each client connection, so a new file is live without touching the daemon.
   */
  restart?: boolean;
}

const G = { globalOnly: true, restart: true };

const TABLE: KeyInfo[] = [
  { name: 'address', kind: 'string', ...G },
  { name: 'port', kind: 'int', ...G },
  { name: 'pid file', kind: 'string', ...G },
  { name: 'socket options', kind: 'string', ...G },
  { name: 'listen backlog', kind: 'int', ...G },
  { name: 'daemon chroot', kind: 'string', ...G },
  { name: 'daemon uid', kind: 'string', ...G },
  { name: 'daemon gid', kind: 'string', ...G },
  { name: 'proxy protocol', kind: 'bool', ...G },
  { name: 'proxy protocol hosts', kind: 'list', ...G },
  { name: 'motd file', kind: 'string', globalOnly: true },
  { name: 'comment', kind: 'string' },
  { name: 'path', kind: 'string' },
  { name: 'use chroot', kind: 'bool' },
  { name: 'name converter', kind: 'string' },
  { name: 'numeric ids', kind: 'bool' },
  { name: 'munge symlinks', kind: 'bool' },
  { name: 'charset', kind: 'string' },
  { name: 'max connections', kind: 'int' },
  { name: 'log file', kind: 'string' },
  { name: 'syslog facility', kind: 'string' },
  { name: 'syslog tag', kind: 'string' },
  { name: 'max verbosity', kind: 'int' },
  { name: 'lock file', kind: 'string' },
  { name: 'read only', kind: 'bool' },
  { name: 'write only', kind: 'bool' },
  { name: 'open noatime', kind: 'bool' },
  { name: 'list', kind: 'bool' },
  { name: 'uid', kind: 'string' },
  { name: 'gid', kind: 'string' },
  { name: 'fake super', kind: 'bool' },
  { name: 'filter', kind: 'string' },
  { name: 'exclude', kind: 'list' },
  { name: 'include', kind: 'list' },
  { name: 'exclude from', kind: 'string' },
  { name: 'include from', kind: 'string' },
  { name: 'incoming chmod', kind: 'string' },
  { name: 'outgoing chmod', kind: 'string' },
  { name: 'auth users', kind: 'list' },
  { name: 'secrets file', kind: 'string' },
  { name: 'auth digest', kind: 'string' },
  { name: 'strict modes', kind: 'bool' },
  { name: 'hosts allow', kind: 'list' },
  { name: 'hosts deny', kind: 'list' },
  { name: 'reverse lookup', kind: 'bool' },
  { name: 'forward lookup', kind: 'bool' },
  { name: 'ignore errors', kind: 'bool' },
  { name: 'ignore nonreadable', kind: 'bool' },
  { name: 'transfer logging', kind: 'bool' },
  { name: 'log format', kind: 'string' },
  { name: 'timeout', kind: 'int' },
  { name: 'refuse options', kind: 'list' },
  { name: 'dont compress', kind: 'list' },
  { name: 'early exec', kind: 'string' },
  { name: 'pre-xfer exec', kind: 'string' },
  { name: 'post-xfer exec', kind: 'string' },
  { name: 'temp dir', kind: 'string' },
];

/** rsync ignores case and every space in parameter names: `Hosts  Allow` = `hostsallow`. */
export function keyId(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '');
}

const BY_ID = new Map(TABLE.map((k) => [keyId(k.name), k]));

export function keyInfo(name: string): KeyInfo | undefined {
  return BY_ID.get(keyId(name));
}

/** The spelling rb writes and shows: the manual's for known keys, lower case with single spaces otherwise. */
export function canonicalKey(name: string): string {
  return keyInfo(name)?.name ?? name.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Param name in a playbook: `hosts allow` → `hosts_allow`, `pre-xfer exec` → `pre_xfer_exec`. */
export function paramName(key: string): string {
  return key.replace(/[ -]/g, '_');
}

export const KEYS: readonly KeyInfo[] = TABLE;

const TRUE = new Set(['yes', 'true', '1']);
const FALSE = new Set(['no', 'false', '0']);

/** A value as rsync means it: booleans as yes/no, lists as single-spaced words, numbers without padding. */
export function normaliseValue(key: string, value: string): string {
  const v = value.trim();
  switch (keyInfo(key)?.kind) {
    case 'bool':
      if (TRUE.has(v.toLowerCase())) return 'yes';
      if (FALSE.has(v.toLowerCase())) return 'no';
      return v;
    case 'list':
      // A leading comma means "split on commas only" (names with spaces, auth users).
      if (v.startsWith(',')) return `, ${v.split(',').map((w) => w.trim()).filter(Boolean).join(', ')}`;
      return v.split(/[\s,]+/).filter(Boolean).join(' ');
    case 'int':
      return /^[-+]?\d+$/.test(v) ? String(Number(v)) : v;
    default:
      return v;
  }
}
