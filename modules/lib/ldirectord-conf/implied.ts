// The IPVS table an ldirectord.cf implies, worked out the way ldirectord does
// it (defaults: scheduler wrr, weight 1, protocol udp for port 53 else tcp; a
// real server's port is the virtual's unless it is masqueraded), and the
// comparison of that table with the live one. Real servers whose check fails
// are absent (or at weight 0 when quiescent): that is ldirectord doing its
// job, so they are reported as down, not as a mismatch.

import { HOST_NETMASK, persistenceText, realId, serviceId, type Forward, type RealServer, type ServiceKey, type VirtualService } from '../ipvs-table/model.js';
import { group, type Model } from './model.js';

/** The /etc/services names ldirectord configs commonly use for ports. */
const PORT_NAMES: Record<string, number> = {
  ftp: 21, ssh: 22, smtp: 25, domain: 53, http: 80, pop3: 110, nntp: 119, imap: 143, ldap: 389, https: 443,
  submission: 587, ldaps: 636, imaps: 993, pop3s: 995, mysql: 3306, postgresql: 5432, sip: 5060, 'http-alt': 8080,
};

export interface ImpliedService {
  service: VirtualService;
  /** realId of the fallback server, which ldirectord adds only when every real server is down. */
  fallback?: string;
}

export interface Implied {
  services: ImpliedService[];
  /** Virtuals rb cannot map to a table entry (host names, unknown port names). */
  unresolved: string[];
}

function port(text: string | undefined): number | undefined {
  if (text === undefined) return 0;
  if (/^\d+$/.test(text)) return Number(text);
  return PORT_NAMES[text];
}

function hostPort(text: string): { address: string; port?: string } | undefined {
  const m = /^\[([0-9A-Fa-f:]+)\](?::(\S+))?$/.exec(text) ?? /^(\d+\.\d+\.\d+\.\d+)(?::(\S+))?$/.exec(text);
  return m ? { address: m[1].toLowerCase(), port: m[2] } : undefined;
}

const METHODS: Record<string, Forward> = { gate: 'gate', masq: 'masq', ipip: 'ipip' };

function expandRange(address: string): string[] {
  const m = /^(\d+\.\d+\.\d+\.)(\d+)->(?:\d+\.\d+\.\d+\.)?(\d+)$/.exec(address);
  if (!m) return [address];
  const out: string[] = [];
  for (let i = Number(m[2]); i <= Number(m[3]); i++) out.push(`${m[1]}${i}`);
  return out;
}

function reals(values: string[], key: ServiceKey): RealServer[] | undefined {
  const out: RealServer[] = [];
  for (const v of values) {
    const [where, method, weight] = v.split(/\s+/);
    const colon = where.startsWith('[') ? where.lastIndexOf(']:') + 1 : where.lastIndexOf(':');
    const addrPart = colon > 0 ? where.slice(0, colon) : where;
    const p = port(colon > 0 ? where.slice(colon + 1) : undefined);
    const forward = METHODS[method];
    if (p === undefined || !forward) return undefined;
    for (const raw of expandRange(addrPart)) {
      const hp = hostPort(raw);
      if (!hp) return undefined;
      const realPort = key.fwmark !== undefined ? p : forward === 'masq' && p !== 0 ? p : key.port;
      out.push({ address: hp.address, port: realPort, forward, weight: weight && /^\d+$/.test(weight) ? Number(weight) : 1, uThreshold: 0, lThreshold: 0 });
    }
  }
  return out;
}

export function impliedTable(m: Model): Implied {
  const out: Implied = { services: [], unresolved: [] };
  for (const v of m.virtuals) {
    const g = group(v.options);
    // ldirectord assigns each key as it reads it: the last one counts.
    const one = (k: string) => g.get(k)?.at(-1);
    let key: ServiceKey;
    if (/^\d+$/.test(v.virtual)) {
      key = v.keyword === 'virtual6' ? { fwmark: Number(v.virtual), ipv6: true } : { fwmark: Number(v.virtual) };
    } else {
      const hp = hostPort(v.virtual);
      const p = port(hp?.port);
      if (!hp || !p) {
        out.unresolved.push(`${v.keyword}=${v.virtual}`);
        continue;
      }
      const protocol = (one('protocol') as 'tcp' | 'udp' | undefined) ?? (p === 53 ? 'udp' : 'tcp');
      key = { protocol, address: hp.address, port: p };
    }
    const rs = reals([...(g.get('real') ?? []), ...(g.get('real6') ?? [])], key);
    if (!rs) {
      out.unresolved.push(`${v.keyword}=${v.virtual}`);
      continue;
    }
    const service: VirtualService = { key, scheduler: one('scheduler') ?? 'wrr', schedFlags: [], ops: one('ops') === 'yes', reals: rs };
    const persistent = one('persistent');
    if (persistent !== undefined) {
      service.persistent = Number(persistent);
      service.netmask = one('netmask') ?? (key.fwmark === undefined && key.address.includes(':') ? '128' : HOST_NETMASK);
    }
    const fbKey = v.keyword === 'virtual6' ? 'fallback6' : 'fallback';
    const fb = one(fbKey) ?? group(m.globals).get(fbKey)?.at(-1);
    const fbReal = fb ? reals([fb.includes(' ') ? fb : `${fb} gate`], key)?.[0] : undefined;
    out.services.push({ service, ...(fbReal ? { fallback: realId(fbReal) } : {}) });
  }
  return out;
}

export interface TableCheck {
  /** What is wrong with the live table: empty = it matches. */
  mismatches: string[];
  /** Real servers of the config that are not serving (check failed, or quiescent at weight 0). */
  down: string[];
}

/** The live table against the implied one; `gone` are service ids that must no longer exist. */
export function checkTable(implied: ImpliedService[], live: VirtualService[], gone: string[] = []): TableCheck {
  const out: TableCheck = { mismatches: [], down: [] };
  const byId = new Map(live.map((s) => [serviceId(s.key), s]));
  for (const { service: want, fallback } of implied) {
    const id = serviceId(want.key);
    const have = byId.get(id);
    if (!have) {
      out.mismatches.push(`${id} is not in the IPVS table`);
      continue;
    }
    if (have.scheduler !== want.scheduler) out.mismatches.push(`${id}: scheduler ${have.scheduler}, the file says ${want.scheduler}`);
    if (persistenceText(have) !== persistenceText(want)) out.mismatches.push(`${id}: persistence ${persistenceText(have)}, the file says ${persistenceText(want)}`);
    const wanted = new Map(want.reals.map((r) => [realId(r), r]));
    for (const r of have.reals) {
      const w = wanted.get(realId(r));
      if (!w && realId(r) !== fallback) out.mismatches.push(`${id}: real server ${realId(r)} is not in the file`);
      else if (w && w.forward !== r.forward) out.mismatches.push(`${id}: real server ${realId(r)} forwards by ${r.forward}, the file says ${w.forward}`);
      else if (w && r.weight !== 0 && r.weight !== w.weight) out.mismatches.push(`${id}: real server ${realId(r)} has weight ${r.weight}, the file says ${w.weight}`);
    }
    for (const [rid] of wanted) {
      const r = have.reals.find((x) => realId(x) === rid);
      if (!r || r.weight === 0) out.down.push(`${id} -> ${rid}`);
    }
  }
  for (const id of gone) if (byId.has(id)) out.mismatches.push(`${id} is still in the IPVS table though the file no longer has it`);
  return out;
}
