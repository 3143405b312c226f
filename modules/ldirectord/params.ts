// Params of the ldirectord module: the ldirectord.cf model, checked as
// strictly as ldirectord 4's own reader (it has no config-test option, so a
// bad file is only found when the daemon reads it), and turned into the
// entries rb writes.

import type { Fields, ObjectSpec, ParamSpec } from '../../core/schema/types.js';
import type { Entry } from '../lib/ldirectord-conf/config.js';
import type { Model, VirtualModel } from '../lib/ldirectord-conf/model.js';
import { isIP } from 'node:net';
import { controlProblems, hostProblem, IPVS_SCHEDULERS, oneLine } from '../lib/config-values.js';

// In a virtual section ldirectord cuts a line at `#`; quoted values end at `"`.
// No blanks at either end: ldirectord trims unquoted values.
const TEXT: ParamSpec = oneLine({ type: 'string', pattern: /^[^"#\s](?:[^"#\r\n]*[^"#\s])?$/, patternName: 'text without ", # or a newline, nor blanks at either end' });
const SECRET_TEXT: ParamSpec = { ...TEXT, secret: true } as ParamSpec;
const WORD: ParamSpec = oneLine({ type: 'string', pattern: /^[^\s"#]+$/, patternName: 'one word' });
const SECONDS: ParamSpec = { type: 'int', min: 1, max: 86400 };
const FALLBACK: ParamSpec = {
  type: 'string',
  pattern: /^\S+( (gate|masq|ipip))?$/,
  check: (v: string) => serverProblem(v.split(' ')[0]),
  patternName: 'ADDRESS[:PORT] [gate|masq|ipip]',
  description: 'server used when every real server is down, e.g. "127.0.0.1:80 gate"',
};
const EXTRA: ParamSpec = {
  type: 'list',
  single: true,
  items: oneLine({ type: 'string', pattern: /^[a-z][a-z0-9_]*\s*=\s*[^#\r\n]*$/, patternName: 'a "key = value" line without #' }),
  default: [],
  description: 'ldirectord.cf lines rb does not model, written as they are',
};

export const CHECKTYPES = ['connect', 'negotiate', 'ping', 'off', 'on', 'external', 'external-perl'];
export const SERVICES = ['dns', 'ftp', 'http', 'https', 'http_proxy', 'imap', 'imaps', 'ldap', 'ldaps', 'mysql', 'nntp', 'none', 'oracle', 'pgsql', 'pop', 'pops', 'radius', 'simpletcp', 'sip', 'smtp', 'submission'];

export interface RealParams {
  address: string;
  port?: number;
  method: 'gate' | 'masq' | 'ipip';
  weight?: number;
  request?: string;
  receive?: string;
}

const realSpec: ParamSpec = {
  type: 'oneOf',
  options: [
    { type: 'string', pattern: /^\S+ (gate|masq|ipip)( \d+)?( l:\d+)?( u:\d+)?$/, patternName: '"ADDRESS:PORT gate|masq|ipip [WEIGHT] [l:LOWER] [u:UPPER]"', check: (v: string) => serverProblem(v.split(' ')[0]) },
    {
      type: 'object',
      fields: {
        address: { ...WORD, required: true, check: (v: string) => serverProblem(v, false), description: 'real server address (IPv6 in brackets with virtual6)' },
        port: { type: 'int', min: 0, max: 65535, description: 'port (default: the virtual port)' },
        method: { type: 'string', enum: ['gate', 'masq', 'ipip'], default: 'gate', description: 'gate = DR, masq = NAT, ipip = tunnel' },
        weight: { type: 'int', min: 0, max: 2147483647, description: 'weight (ldirectord default 1)' },
        request: { ...TEXT, description: 'check request for this real server only' },
        receive: { ...TEXT, description: 'expected answer for this real server only (with request)' },
      },
    },
  ],
};

/** Virtual-section keys in the order rb writes them, with their schema. */
const VIRTUAL_KEYS: Array<[string, ParamSpec]> = [
  ['fallback', FALLBACK],
  ['fallbackcommand', TEXT],
  ['service', { type: 'string', enum: SERVICES, description: 'protocol of negotiate checks' }],
  ['request', { ...TEXT, description: 'what a negotiate check requests (HTTP: a path)' }],
  ['receive', { ...TEXT, description: 'regexp the answer must match' }],
  ['virtualhost', { ...TEXT, description: 'Host header of HTTP checks' }],
  ['httpmethod', { type: 'string', enum: ['GET', 'HEAD'] }],
  ['scheduler', { type: 'string', enum: IPVS_SCHEDULERS, description: 'IPVS scheduler (ldirectord default wrr)' }],
  ['persistent', { type: 'int', min: 0, max: 4294967295, description: 'persistence timeout (s)' }],
  ['netmask', { ...WORD, description: 'persistence granularity: dotted quad (IPv4), prefix length (IPv6)' }],
  ['protocol', { type: 'string', enum: ['tcp', 'udp', 'fwm'], description: 'tcp or udp for ADDRESS:PORT, fwm for a firewall mark' }],
  ['checktype', { type: 'string', pattern: new RegExp(`^(${CHECKTYPES.join('|')}|\\d+)$`), patternName: `${CHECKTYPES.join(', ')} or a number N (N connects, then one negotiate)` }],
  ['checkport', { type: 'int', min: 1, max: 65535, description: 'port checks go to (default: the real server port)' }],
  ['checkcommand', TEXT],
  ['checktimeout', SECONDS],
  ['negotiatetimeout', SECONDS],
  ['checkinterval', SECONDS],
  ['failurecount', SECONDS],
  ['quiescent', { type: 'bool', description: 'a failed real server gets weight 0 instead of being removed' }],
  ['cleanstop', { type: 'bool' }],
  ['emailalert', TEXT],
  ['emailalertfreq', { type: 'int', min: 0, max: 86400 }],
  ['login', TEXT],
  ['passwd', SECRET_TEXT],
  ['database', TEXT],
  ['secret', SECRET_TEXT],
  ['monitorfile', TEXT],
  ['servicename', TEXT],
  ['comment', TEXT],
  ['ops', { type: 'bool', description: 'one-packet scheduling (UDP)' }],
];

const virtualSpec: ObjectSpec = {
  type: 'object',
  fields: {
    virtual: { type: 'string', required: true, pattern: /^(\d+|[^\s:"#\[\]]+:[A-Za-z0-9_-]+|\[[0-9A-Fa-f:]+\]:[A-Za-z0-9_-]+)$/, check: virtualProblem, patternName: 'ADDRESS:PORT, [IPV6]:PORT or a firewall mark', description: 'the virtual service' },
    ipv6: { type: 'bool', description: 'an IPv6 firewall-mark virtual (virtual6=MARK); an address in brackets says it by itself' },
    real: { type: 'list', single: true, items: realSpec, default: [], description: 'real servers' },
    ...Object.fromEntries(VIRTUAL_KEYS),
    extra: EXTRA,
  },
  check: checkVirtual,
};

/** Global keys in the order rb writes them. */
const GLOBAL_KEYS: Array<[string, ParamSpec]> = [
  ['checktimeout', { ...SECONDS, description: 'timeout of connect/ping/external checks (s)' }],
  ['checkinterval', { ...SECONDS, description: 'seconds between checks' }],
  ['negotiatetimeout', { ...SECONDS, description: 'timeout of negotiate checks (s)' }],
  ['connecttimeout', { type: 'int', description: 'refused by ldirectord 4 (use negotiatetimeout)' }],
  ['failurecount', { ...SECONDS, description: 'failed checks in a row before a real server is down' }],
  ['logfile', { ...TEXT, description: 'log file path, or a syslog facility (local0)' }],
  ['autoreload', { type: 'bool', description: 'reload when the file changes' }],
  ['callback', { ...TEXT, description: 'command run when the file changes' }],
  ['quiescent', { type: 'bool', description: 'failed real servers get weight 0 instead of being removed (ldirectord default yes)' }],
  ['readdquiescent', { type: 'bool' }],
  ['cleanstop', { type: 'bool', description: 'remove the virtual services when ldirectord stops (default yes)' }],
  ['fork', { type: 'bool' }],
  ['fallback', FALLBACK],
  ['fallback6', { ...FALLBACK, description: 'IPv6 server used for virtual6 services when every real server is down, e.g. "[::1]:80 gate"' }],
  ['fallbackcommand', TEXT],
  ['emailalert', TEXT],
  ['emailalertfreq', { type: 'int', min: 0, max: 86400 }],
  ['emailalertstatus', WORD],
  ['emailalertfrom', TEXT],
  ['smtp', WORD],
  ['maintenancedir', TEXT],
];

export const ldirectordParams: Fields = {
  path: { type: 'string', default: '/etc/ha.d/ldirectord.cf', pattern: /^\/[^\s"#]+$/, patternName: 'an absolute path', aliases: ['dest'], description: 'ldirectord.cf to manage' },
  managed_by: { type: 'string', enum: ['rb', 'heartbeat'], default: 'rb', description: 'rb: rb starts ldirectord and reloads it; heartbeat: heartbeat starts it (haresources), rb only writes the file and reloads a running daemon' },
  verify_timeout: { type: 'int', min: 1, max: 600, default: 30, description: 'seconds a started or reloaded ldirectord has to make the IPVS table match the file' },
  ...Object.fromEntries(GLOBAL_KEYS),
  extra: EXTRA,
  virtuals: { type: 'list', items: virtualSpec, default: [], description: 'virtual services' },
};

type Obj = Record<string, unknown>;

const isFwmark = (virtual: string) => /^\d+$/.test(virtual);
const isV6 = (virtual: string) => virtual.startsWith('[');
/** Whether a virtual of the params is an IPv6 one (virtual6=). */
const isV6Virtual = (v: Obj) => isV6(String(v.virtual)) || (isFwmark(String(v.virtual)) && v.ipv6 === true);

/** ADDRESS[:PORT] of a real or fallback server: IPv6 in brackets, IPv4 in range, or a host name. */
function serverProblem(text: string, withPort = true): string | undefined {
  const m = withPort ? /^(\[[^\]]*\]|[^:]+)(?::[A-Za-z0-9_-]+)?$/.exec(text) : /^(\[[^\]]*\]|[^:]+)$/.exec(text);
  if (!m) return `expected ADDRESS${withPort ? '[:PORT]' : ''} with an IPv6 address in brackets, got ${JSON.stringify(text)}`;
  const addr = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  if (m[1].startsWith('[')) return isIP(addr) === 6 ? undefined : `expected an IPv6 address in brackets, got ${JSON.stringify(m[1])}`;
  // An IPv4 range of real servers: 10.0.0.1->10.0.0.9 or 10.0.0.1->9.
  const range = /^(.*)->(.*)$/.exec(addr);
  if (range) return hostProblem(range[1]) ?? (/^\d+$/.test(range[2]) ? undefined : hostProblem(range[2]));
  return hostProblem(addr);
}

function virtualProblem(v: string): string | undefined {
  if (/^\d+$/.test(v)) return Number(v) >= 1 && Number(v) <= 4294967295 ? undefined : `a firewall mark is 1-4294967295, got ${v}`;
  return serverProblem(v);
}

const FAMILY_KEYS: Array<[string, string]> = [['fallback', 'fallback6'], ['real', 'real6']];

function checkVirtual(v: Obj): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const v6 = isV6Virtual(v);
  if (v.ipv6 === true && !isFwmark(String(v.virtual))) out.push(['ipv6', 'only for a firewall-mark virtual: an IPv6 address says it in brackets ([2001:db8::1]:80)']);
  if (v6 && v.fallback !== undefined && !String(v.fallback).startsWith('[')) out.push(['fallback', 'a virtual6 service takes an IPv6 fallback in brackets ([::1]:80 gate), written as fallback6']);
  if (!v6 && v.fallback !== undefined && String(v.fallback).startsWith('[')) out.push(['fallback', 'an IPv6 fallback needs an IPv6 virtual ([2001:db8::1]:80)']);
  for (const r of v.real as Array<string | RealParams>) {
    const addr = typeof r === 'string' ? r : r.address;
    if (addr.startsWith('[') !== v6) out.push(['real', `${addr}: ${v6 ? 'a virtual6 service takes IPv6 real servers in brackets' : 'an IPv4 virtual takes IPv4 real servers (or host names)'}`]);
  }
  out.push(...extraProblems(v.extra as string[], true));
  const virtual = String(v.virtual);
  const protocol = v.protocol as string | undefined;
  if (isFwmark(virtual) && protocol && protocol !== 'fwm') out.push(['protocol', 'a firewall-mark virtual needs protocol fwm']);
  if (!isFwmark(virtual) && protocol === 'fwm') out.push(['protocol', 'protocol fwm is for a firewall-mark virtual']);
  if (v.netmask !== undefined) {
    const ok = isV6Virtual(v) ? /^\d+$/.test(String(v.netmask)) && Number(v.netmask) >= 1 && Number(v.netmask) <= 128 : /^\d+\.\d+\.\d+\.\d+$/.test(String(v.netmask));
    if (!ok) out.push(['netmask', isV6Virtual(v) ? 'a prefix length from 1 to 128' : 'dotted quad notation, e.g. 255.255.255.0']);
  }
  if (v.httpmethod === 'HEAD' && v.receive !== undefined) out.push(['receive', 'httpmethod HEAD reads no body: leave receive unset']);
  if (v.ops === true && protocol !== 'udp') out.push(['ops', 'one-packet scheduling is for protocol udp']);
  const reals = (v.real as Array<string | RealParams>).map(realText);
  const dup = reals.find((r, i) => reals.findIndex((x) => x.split(' ')[0] === r.split(' ')[0]) !== i);
  if (dup) out.push(['real', `${dup.split(' ')[0]} is listed twice`]);
  return out;
}

/** Keys rb writes itself, and (at the top) the keys that open a section: never in `extra`. */
function extraProblems(extra: string[] | undefined, inVirtual: boolean): Array<[string, string]> {
  const own = new Set([...(inVirtual ? VIRTUAL_KEYS : GLOBAL_KEYS).map(([k]) => k), 'virtual', 'virtual6', ...FAMILY_KEYS.flat()]);
  const out: Array<[string, string]> = [];
  (extra ?? []).forEach((line, i) => {
    const key = /^([a-z][a-z0-9_]*)/.exec(line)?.[1];
    if (key && own.has(key)) out.push(['extra', `line ${i + 1}: ${key} ${key.startsWith('virtual') ? 'would open a virtual section' : 'has its own parameter'}, not an extra line`]);
  });
  return out;
}

export function checkLdirectordParams(v: Obj): Array<[string, string]> {
  const out: Array<[string, string]> = [...controlProblems(v), ...extraProblems(v.extra as string[], false)];
  if (v.fallback6 !== undefined && !String(v.fallback6).startsWith('[')) out.push(['fallback6', 'an IPv6 server in brackets, e.g. "[::1]:80 gate"']);
  if (v.fallback !== undefined && String(v.fallback).startsWith('[')) out.push(['fallback', 'an IPv6 fallback goes to fallback6']);
  if (v.connecttimeout !== undefined) out.push(['connecttimeout', 'ldirectord 4 refuses connecttimeout (deprecated): use negotiatetimeout']);
  const names = (v.virtuals as Obj[]).map((x) => `${isV6Virtual(x) ? 'virtual6' : 'virtual'}=${String(x.virtual)}`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) out.push(['virtuals', `${dup} is listed twice (ldirectord refuses duplicate virtual servers)`]);
  return out;
}

function realText(r: string | RealParams): string {
  if (typeof r === 'string') return r.trim().replace(/\s+/g, ' ');
  const addr = r.port !== undefined ? `${r.address}:${r.port}` : r.address;
  const weight = r.weight !== undefined ? ` ${r.weight}` : '';
  const check = r.request !== undefined ? ` "${r.request}", "${r.receive ?? ''}"` : '';
  return `${addr} ${r.method}${weight}${check}`;
}

function value(spec: ParamSpec, v: unknown): string {
  if (spec.type === 'bool') return v ? 'yes' : 'no';
  return String(v);
}

function entries(keys: Array<[string, ParamSpec]>, p: Obj, extra: unknown): Entry[] {
  const out: Entry[] = [];
  for (const [key, spec] of keys) if (p[key] !== undefined) out.push({ key, value: value(spec, p[key]) });
  for (const line of (extra as string[] | undefined) ?? []) {
    const m = /^([a-z][a-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)!;
    out.push({ key: m[1], value: m[2].replace(/^"(.*)"$/, '$1') });
  }
  return out;
}

/** The model the params describe. */
export function modelFromParams(p: Obj): Model {
  const virtuals: VirtualModel[] = (p.virtuals as Obj[]).map((v) => {
    const virtual = String(v.virtual);
    const v6 = isV6Virtual(v);
    const realKey = v6 ? 'real6' : 'real';
    const reals = (v.real as Array<string | RealParams>).map((r) => ({ key: realKey, value: realText(r) }));
    const options = entries(VIRTUAL_KEYS, v, v.extra).map((e) => (v6 && e.key === 'fallback' ? { ...e, key: 'fallback6' } : e));
    return { keyword: v6 ? 'virtual6' : 'virtual', virtual, options: [...reals, ...options] };
  });
  return { globals: entries(GLOBAL_KEYS.filter(([k]) => k !== 'connecttimeout'), p, p.extra), virtuals };
}
