// The ha.cf directives rb models, in the order rb writes them. One table
// drives the params schema, the parser, the renderer and the diff, so they
// cannot disagree. Order matters to heartbeat: it applies each line as it
// reads it, and `use_logd` / `udpport` only count for the media lines that
// come after them (ha.cf(5)), so they are written first.

export type DirectiveKind =
  /** Heartbeat time syntax: seconds, or `NNNms`. Modelled as seconds (0.5 = 500ms). */
  | 'seconds'
  | 'int'
  /** on/off (heartbeat also reads yes/no/true/false/y/n/1/0). */
  | 'bool'
  | 'enum'
  /** One word (a path, a facility, a module name). */
  | 'word'
  /** Several values, one or more per line (`node a b`, `bcast eth0`): a set. */
  | 'words'
  /** The whole rest of the line is one value (`ucast eth0 10.0.0.2`, `respawn user cmd`): a set. */
  | 'lines';

export interface Directive {
  name: string;
  kind: DirectiveKind;
  description: string;
  enum?: readonly string[];
  min?: number;
  max?: number;
  /** Another keyword heartbeat reads as this one (`pacemaker` for `crm`). */
  alias?: string;
  /** A media line: `use_logd` and `udpport` must precede it. */
  media?: boolean;
  /** Must precede the media lines. */
  beforeMedia?: boolean;
  /** `cl_status hbparameter -p NAME` reports the running value. */
  runtime?: boolean;
  /** heartbeat's reload does not switch it: a change restarts heartbeat. */
  restart?: boolean;
}

const FACILITIES = ['auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user', 'uucp', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7', 'none'];

export const DIRECTIVES: readonly Directive[] = [
  { name: 'use_logd', kind: 'bool', beforeMedia: true, description: 'log through ha_logd instead of logfile/debugfile/logfacility' },
  { name: 'udpport', kind: 'int', min: 1, max: 65535, beforeMedia: true, runtime: true, description: 'UDP port of bcast/ucast heartbeats (default 694)' },
  { name: 'baud', kind: 'int', min: 300, max: 460800, description: 'serial link speed' },
  { name: 'logfile', kind: 'word', description: 'log file of non-debug messages' },
  { name: 'debugfile', kind: 'word', description: 'log file of debug messages' },
  { name: 'logfacility', kind: 'enum', enum: FACILITIES, runtime: true, description: 'syslog facility (none: no syslog)' },
  { name: 'keepalive', kind: 'seconds', runtime: true, description: 'seconds between heartbeats (default 1)' },
  { name: 'deadtime', kind: 'seconds', runtime: true, description: 'seconds of silence before a node is dead (default 30)' },
  { name: 'warntime', kind: 'seconds', runtime: true, description: 'seconds of silence before a "late heartbeat" warning' },
  { name: 'initdead', kind: 'seconds', runtime: true, description: 'deadtime right after heartbeat starts (at least deadtime, 10 or more advised)' },
  { name: 'deadping', kind: 'seconds', description: 'seconds before a ping node is dead' },
  { name: 'bcast', kind: 'words', media: true, description: 'interfaces that broadcast heartbeats' },
  { name: 'mcast', kind: 'lines', media: true, description: 'multicast links: "DEV GROUP PORT TTL LOOP" or {dev, group, port, ttl, loop}' },
  { name: 'mcast6', kind: 'lines', media: true, description: 'IPv6 multicast links: "DEV GROUP PORT HOPS LOOP"' },
  { name: 'ucast', kind: 'lines', media: true, description: 'unicast links: "DEV PEER" or {dev, peer}; a line to the host itself is ignored by heartbeat' },
  { name: 'ucast6', kind: 'lines', media: true, description: 'IPv6 unicast links: "DEV PEER"' },
  { name: 'serial', kind: 'words', media: true, description: 'serial ports carrying heartbeats' },
  { name: 'ping', kind: 'words', description: 'ping nodes (addresses)' },
  { name: 'ping_group', kind: 'lines', description: 'ping groups: "NAME ADDR ADDR ..."' },
  { name: 'auto_failback', kind: 'enum', enum: ['on', 'off', 'legacy'], runtime: true, description: 'resources go back to their preferred node when it returns (default legacy)' },
  { name: 'autojoin', kind: 'enum', enum: ['none', 'other', 'any'], description: 'nodes that may join without a node line' },
  { name: 'hopfudge', kind: 'int', min: 0, max: 255, description: 'extra hops of serial rings' },
  { name: 'debug', kind: 'int', min: 0, max: 255, description: 'debug level (0 in production)' },
  { name: 'realtime', kind: 'bool', description: 'realtime scheduling and memory locking (default on)' },
  { name: 'rtprio', kind: 'int', min: 1, max: 99, description: 'realtime priority' },
  { name: 'coredumps', kind: 'bool', description: 'let heartbeat dump core' },
  { name: 'uuidfrom', kind: 'enum', enum: ['file', 'nodename'], description: 'where the node UUID comes from' },
  { name: 'hbgenmethod', kind: 'enum', enum: ['file', 'time'], description: 'how the generation number is kept' },
  { name: 'msgfmt', kind: 'enum', enum: ['classic', 'netstring'], description: 'wire format of messages' },
  { name: 'compression', kind: 'word', description: 'compression module (zlib, bz2)' },
  { name: 'compression_threshold', kind: 'int', min: 0, max: 1048576, description: 'KB above which messages are compressed' },
  { name: 'traditional_compression', kind: 'bool', description: 'compress whole messages' },
  { name: 'conn_logd_time', kind: 'seconds', description: 'seconds between attempts to reconnect to ha_logd' },
  { name: 'max_rexmit_delay', kind: 'int', min: 0, max: 3600000, description: 'maximum retransmission delay (ms)' },
  { name: 'memreserve', kind: 'int', min: 0, max: 1048576, description: 'KB heartbeat preallocates' },
  { name: 'watchdog', kind: 'word', description: 'watchdog device (e.g. /dev/watchdog)' },
  { name: 'crm', kind: 'enum', enum: ['on', 'off', 'respawn', 'manual'], alias: 'pacemaker', restart: true, description: 'run pacemaker (on/respawn) instead of haresources (off)' },
  { name: 'crm_daemon_dir', kind: 'word', description: 'where the pacemaker daemons are' },
  { name: 'crmd_spawns_pengine', kind: 'bool', description: 'crmd starts the policy engine itself' },
  { name: 'respawn', kind: 'lines', description: 'processes heartbeat starts and restarts: "USER COMMAND"' },
  { name: 'apiauth', kind: 'lines', description: 'API access: "GROUP uid=... gid=..."' },
  { name: 'node', kind: 'words', description: 'cluster nodes, each as its `uname -n`' },
];

export const BY_NAME: ReadonlyMap<string, Directive> = new Map(DIRECTIVES.flatMap((d) => [[d.name, d] as const, ...(d.alias ? [[d.alias, d] as const] : [])]));

/** Directives heartbeat 3.0.6 accepts that rb does not model: kept in `extra` without a warning. */
export const OTHER_KNOWN = new Set([
  'env',
  'nice_failback',
  'use_apphbd',
  'log_badpack',
  'coreroot',
  'record_config_changes',
  'record_pengine_inputs',
  'enable_config_writes',
  'stonith',
  'stonith_host',
  'hbaping',
  'ping6',
  'udp',
]);

const TRUE = new Set(['on', 'yes', 'true', 'y', '1']);
const FALSE = new Set(['off', 'no', 'false', 'n', '0']);

/** heartbeat's boolean words → true/false; anything else undefined. */
export function boolWord(v: string): boolean | undefined {
  const s = v.toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
}

/** Heartbeat time syntax → seconds: `2`, `1.5`, `2s`, `500ms`, `250000us`. */
export function parseSeconds(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|us)?$/.exec(v.trim().toLowerCase());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'us' ? n / 1e6 : n;
}

/** Seconds as heartbeat reads them: whole seconds bare, anything finer in ms. */
export function secondsText(s: number): string {
  return Number.isInteger(s) ? String(s) : `${Math.round(s * 1000)}ms`;
}

/** An enum value as heartbeat means it: on/off directives also take boolean words. */
export function enumValue(d: Directive, v: string | boolean): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  const s = v.toLowerCase();
  if (d.enum?.includes('on')) {
    const b = boolWord(s);
    if (b !== undefined) return b ? 'on' : 'off';
  }
  return s;
}
