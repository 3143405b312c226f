// The ipvsadm rules format: what `ipvsadm -Sn` prints and `ipvsadm -R`
// reads, one ipvsadm command line per line. The same reader takes the live
// table and the saved rules files (which may add comments, blank lines, a
// leading `ipvsadm` word, long option names and a `--set` line), and keeps
// every line with its position so the saved file can be edited in place.

import { DEFAULT_SCHEDULER, HOST_NETMASK, serviceId, type Forward, type Protocol, type RealServer, type ServiceKey, type VirtualService } from './model.js';

export interface Timeouts {
  tcp: number;
  tcpfin: number;
  udp: number;
}

export type RuleLine =
  | { kind: 'comment'; text: string }
  | { kind: 'service'; text: string; id: string }
  | { kind: 'real'; text: string; id: string }
  | { kind: 'set'; text: string; timeouts: Timeouts }
  /** A line rb does not model but keeps (`-C`, `--start-daemon ...`). */
  | { kind: 'other'; text: string };

export interface RulesText {
  lines: RuleLine[];
  /** Services in the order their -A lines appear. */
  services: VirtualService[];
  timeouts?: Timeouts;
}

export class RulesSyntaxError extends Error {
  constructor(readonly source: string, readonly line: number, message: string) {
    super(`${source}, line ${line}: ${message}`);
  }
}

const LONG: Record<string, string> = {
  '--add-service': '-A',
  '--edit-service': '-E',
  '--add-server': '-a',
  '--edit-server': '-e',
  '--tcp-service': '-t',
  '--udp-service': '-u',
  '--fwmark-service': '-f',
  '--ipv6': '-6',
  '--scheduler': '-s',
  '--persistent': '-p',
  '--netmask': '-M',
  '--sched-flags': '-b',
  '--ops': '-o',
  '--real-server': '-r',
  '--gatewaying': '-g',
  '--masquerading': '-m',
  '--ipip': '-i',
  '--weight': '-w',
  '--u-threshold': '-x',
  '--l-threshold': '-y',
};

/** Options that take a value (`-p` takes one only when a number follows). */
const WITH_VALUE = new Set(['-t', '-u', '--sctp-service', '-f', '-s', '-M', '-b', '--pe', '-r', '-w', '-x', '-y', '--tun-type']);
const FORWARD: Record<string, Forward> = { '-g': 'gate', '-m': 'masq', '-i': 'ipip' };

interface Words {
  command: string;
  opts: Map<string, string>;
}

function words(text: string, fail: (m: string) => never): Words {
  let w = text.trim().split(/\s+/);
  if (w[0].endsWith('ipvsadm')) w = w.slice(1);
  const command = LONG[w[0]] ?? w[0];
  const opts = new Map<string, string>();
  for (let i = 1; i < w.length; i++) {
    const o = LONG[w[i]] ?? w[i];
    if (opts.has(o)) fail(`option ${w[i]} given twice`);
    if (o === '-p') {
      // A bare -p is 360 s: what ipvsadm 1.31 sets and `-Sn` prints (its man page says 300).
      opts.set(o, /^\d+$/.test(w[i + 1] ?? '') ? w[++i] : '360');
    } else if (WITH_VALUE.has(o)) {
      if (w[i + 1] === undefined) fail(`option ${w[i]} without a value`);
      opts.set(o, w[++i]);
    } else if (o === '-6' || o === '-o' || o in FORWARD) {
      opts.set(o, '');
    } else {
      fail(`unknown option ${JSON.stringify(w[i])}`);
    }
  }
  return { command, opts };
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function int(value: string, what: string, max: number, fail: (m: string) => never): number {
  if (!/^\d+$/.test(value) || Number(value) > max) fail(`${what} must be a number from 0 to ${max}, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** `198.18.0.100:80`, `[2001:db8::1]:80`, `198.18.0.100` (port 0). */
export function parseHostPort(text: string, fail: (m: string) => never): { address: string; port: number } {
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\S+))?$/.exec(text);
  const v4 = /^([^:\[\]]+)(?::(\S+))?$/.exec(text);
  const m = v6 ?? v4;
  if (!m || (!v6 && !IPV4.test(m[1]))) fail(`${JSON.stringify(text)} is not ADDRESS:PORT with a numeric address`);
  const port = m[2] === undefined ? 0 : int(m[2], 'port', 65535, fail);
  return { address: v6 ? m[1].toLowerCase() : m[1], port };
}

function serviceKey(opts: Map<string, string>, fail: (m: string) => never): ServiceKey {
  const given = ['-t', '-u', '--sctp-service', '-f'].filter((o) => opts.has(o));
  if (given.length !== 1) fail('exactly one of -t, -u, --sctp-service or -f names the virtual service');
  const o = given[0];
  if (o === '-f') {
    const mark = int(opts.get(o)!, 'firewall mark', 0xffffffff, fail);
    return opts.has('-6') ? { fwmark: mark, ipv6: true } : { fwmark: mark };
  }
  const protocol: Protocol = o === '-t' ? 'tcp' : o === '-u' ? 'udp' : 'sctp';
  return { protocol, ...parseHostPort(opts.get(o)!, fail) };
}

function only(opts: Map<string, string>, allowed: string[], what: string, fail: (m: string) => never): void {
  for (const o of opts.keys()) if (!allowed.includes(o)) fail(`option ${o} does not belong on a ${what} line`);
}

const SERVICE_OPTS = ['-t', '-u', '--sctp-service', '-f', '-6', '-s', '-p', '-M', '-b', '--pe', '-o'];
const REAL_OPTS = ['-t', '-u', '--sctp-service', '-f', '-6', '-r', '-g', '-m', '-i', '-w', '-x', '-y', '--tun-type'];

function parseService(opts: Map<string, string>, fail: (m: string) => never): VirtualService {
  only(opts, SERVICE_OPTS, 'service (-A)', fail);
  const s: VirtualService = {
    key: serviceKey(opts, fail),
    scheduler: opts.get('-s') ?? DEFAULT_SCHEDULER,
    schedFlags: opts.has('-b') ? opts.get('-b')!.split(',').filter(Boolean).sort() : [],
    ops: opts.has('-o'),
    reals: [],
  };
  if (opts.has('-p')) {
    s.persistent = int(opts.get('-p')!, 'persistence timeout', 0xffffffff, fail);
    s.netmask = opts.get('-M') ?? (s.key.fwmark === undefined && s.key.address.includes(':') ? '128' : HOST_NETMASK);
  } else if (opts.has('-M')) {
    fail('-M (netmask) without -p (persistence)');
  }
  if (opts.has('--pe')) s.pe = opts.get('--pe');
  return s;
}

function parseReal(opts: Map<string, string>, fail: (m: string) => never): { key: ServiceKey; real: RealServer } {
  only(opts, REAL_OPTS, 'real server (-a)', fail);
  if (!opts.has('-r')) fail('a real server line without -r');
  const methods = Object.keys(FORWARD).filter((f) => opts.has(f));
  if (methods.length > 1) fail('more than one of -g, -m, -i');
  const tun = opts.get('--tun-type');
  if (tun !== undefined && tun !== 'ipip') fail(`tunnel type ${tun} is not supported by rb (only ipip)`);
  return {
    key: serviceKey(opts, fail),
    real: {
      ...parseHostPort(opts.get('-r')!, fail),
      forward: methods.length ? FORWARD[methods[0]] : 'gate',
      weight: opts.has('-w') ? int(opts.get('-w')!, 'weight', 2147483647, fail) : 1,
      uThreshold: opts.has('-x') ? int(opts.get('-x')!, 'upper threshold', 65535, fail) : 0,
      lThreshold: opts.has('-y') ? int(opts.get('-y')!, 'lower threshold', 65535, fail) : 0,
    },
  };
}

function parseSet(text: string, fail: (m: string) => never): Timeouts {
  const w = text.trim().split(/\s+/).filter((x) => !x.endsWith('ipvsadm'));
  if (w.length !== 4) fail('--set takes three timeouts: tcp tcpfin udp');
  const [tcp, tcpfin, udp] = w.slice(1).map((v, i) => int(v, ['tcp', 'tcpfin', 'udp'][i] + ' timeout', 0x7fffffff, fail));
  return { tcp, tcpfin, udp };
}

/**
 * Read rules text (`ipvsadm -Sn` output or a saved rules file). `source` names
 * it in errors. Throws RulesSyntaxError with the line number.
 */
export function parseRules(text: string, source: string): RulesText {
  const out: RulesText = { lines: [], services: [] };
  const byId = new Map<string, VirtualService>();
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  raw.forEach((line, i) => {
    const fail = (m: string): never => {
      throw new RulesSyntaxError(source, i + 1, m);
    };
    const t = line.trim();
    if (t === '' || t.startsWith('#')) {
      out.lines.push({ kind: 'comment', text: line });
      return;
    }
    const ws = t.split(/\s+/);
    const first = ws[0].endsWith('ipvsadm') ? ws[1] : ws[0];
    if (first === '--set') {
      const timeouts = parseSet(t, fail);
      out.timeouts = timeouts;
      out.lines.push({ kind: 'set', text: line, timeouts });
      return;
    }
    if (['-C', '--clear', '--start-daemon', '--stop-daemon'].includes(first)) {
      out.lines.push({ kind: 'other', text: line });
      return;
    }
    const w = words(t, fail);
    if (w.command === '-A') {
      const s = parseService(w.opts, fail);
      const id = serviceId(s.key);
      if (byId.has(id)) fail(`service ${id} is added twice`);
      byId.set(id, s);
      out.services.push(s);
      out.lines.push({ kind: 'service', text: line, id });
    } else if (w.command === '-a') {
      const { key, real } = parseReal(w.opts, fail);
      const id = serviceId(key);
      const s = byId.get(id) ?? fail(`real server for ${id} before the line adding that service`);
      if (s.reals.some((r) => r.address === real.address && r.port === real.port)) fail(`real server ${line.trim()} is added twice`);
      s.reals.push(real);
      out.lines.push({ kind: 'real', text: line, id });
    } else {
      fail(`unexpected command ${JSON.stringify(w.command)} (rb reads -A, -a, -C and --set lines)`);
    }
  });
  return out;
}
