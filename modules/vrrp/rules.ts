// Rules across fields, checked before any host is touched. Each one stands for
// a mistake keepalived would only report on the host (`keepalived -t` fails,
// or worse, silently does something else). Problems are reported on the
// top-level param they concern, naming the instance or server in the message.
// `warnings` are the sanity checks that are legal but probably unintended.

import { ConfSyntaxError, splitWords } from '../lib/keepalived-conf/lexer.js';
import { fromParams, type KeepalivedConfig, type VrrpInstance, type VirtualServer } from './model.js';
import { parseConf } from '../lib/keepalived-conf/parser.js';
import { SPECS } from './grammar.js';
import { blockProblems } from './safety.js';
import { isIp, isIPv4, vipFromParam } from './values.js';

type Problem = [string, string];
type Obj = Record<string, unknown>;

export function checkParams(p: Obj): Problem[] {
  const problems: Problem[] = [];
  problems.push(...checkExtras(p));
  if (problems.length) return problems;
  problems.push(...blockProblems(SPECS.root, p));
  const c = fromParams(p);
  problems.push(...checkScripts(c), ...checkInstances(p, c), ...checkSyncGroups(c), ...checkVirtualServers(c));
  return problems;
}

function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

/** Every `extra` entry must be keepalived syntax; walked through the raw params, reported on the entry. */
function checkExtras(p: Obj, path = ''): Problem[] {
  const out: Problem[] = [];
  const at = (k: string | number) => (typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k);
  for (const [k, v] of Object.entries(p)) {
    if (k === 'extra' && Array.isArray(v)) {
      v.forEach((text, i) => {
        try {
          parseConf(String(text), 'extra');
        } catch (e) {
          if (!(e instanceof ConfSyntaxError)) throw e;
          out.push([`${at(k)}[${i}]`, `extra ${JSON.stringify(text)}: ${e.reason}`]);
        }
      });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (item && typeof item === 'object') out.push(...checkExtras(item as Obj, `${at(k)}[${i}]`));
      });
    } else if (v && typeof v === 'object') {
      out.push(...checkExtras(v as Obj, at(k)));
    }
  }
  return out;
}

function checkScripts(c: KeepalivedConfig): Problem[] {
  const names = (c.vrrp_scripts ?? []).map((s) => s.name);
  return duplicates(names).map((n) => ['vrrp_scripts', `vrrp_script ${n} is defined more than once`]);
}

function trackedScripts(owner: string, entries: string[] | undefined, c: KeepalivedConfig, field: string): Problem[] {
  const defined = (c.vrrp_scripts ?? []).map((s) => s.name);
  return (entries ?? [])
    .map((e) => splitWords(e)[0])
    .filter((name) => !defined.includes(name))
    .map((name) => [field, `${owner}: track_script ${name} is not defined in vrrp_scripts${defined.length ? ` (defined: ${defined.join(', ')})` : ''}`]);
}

function checkInstances(p: Obj, c: KeepalivedConfig): Problem[] {
  const out: Problem[] = [];
  const list = c.instances ?? [];
  const raw = (p.instances as Obj[] | undefined) ?? [];
  for (const n of duplicates(list.map((i) => i.name))) out.push(['instances', `vrrp_instance ${n} is defined more than once`]);
  const vrids = new Map<string, string>();
  list.forEach((inst, idx) => {
    const at = (msg: string): Problem => ['instances', `vrrp_instance ${inst.name}: ${msg}`];
    if (inst.virtual_router_id === undefined) out.push(at('virtual_router_id is required'));
    if (!inst.interface && !inst.unicast_peer) out.push(at('interface is required (or unicast_peer)'));
    if (inst.virtual_router_id !== undefined && inst.interface) {
      const k = `${inst.interface}/${inst.virtual_router_id}`;
      const other = vrids.get(k);
      if (other) out.push(at(`virtual_router_id ${inst.virtual_router_id} is already used on ${inst.interface} by ${other}`));
      else vrids.set(k, inst.name);
    }
    if (inst.state === 'MASTER' && inst.nopreempt) out.push(at('nopreempt needs state BACKUP (keepalived ignores it on a MASTER and its config test fails)'));
    if (inst.state === 'MASTER' && inst.preempt_delay !== undefined) out.push(at('preempt_delay needs state BACKUP'));
    if (inst.nopreempt && inst.preempt_delay !== undefined) out.push(at('preempt_delay and nopreempt exclude each other'));
    if (!inst.virtual_ipaddress) out.push(at('needs at least one virtual_ipaddress (keepalived -t fails without)'));
    if (inst.advert_int !== undefined && !Number.isInteger(inst.advert_int) && vrrpVersion(inst, c) === 2) {
      out.push(at(`advert_int ${inst.advert_int}: VRRPv2 adverts are whole seconds (set version 3 for fractions)`));
    }
    for (const t of inst.track_interface ?? []) {
      if (splitWords(t)[0] === inst.interface) out.push(at(`track_interface ${inst.interface} is the instance's own interface (keepalived ignores it and -t fails)`));
    }
    // keepalived makes a MASTER without a priority the address owner (255), whose priority never changes.
    if ((inst.priority ?? (inst.state === 'MASTER' ? 255 : 100)) === 255) {
      for (const t of inst.track_script ?? []) {
        const [name, ...rest] = splitWords(t);
        const weighted = rest.includes('weight') ? !/^weight 0$/.test(rest.join(' ')) : Boolean(c.vrrp_scripts?.find((s) => s.name === name)?.weight);
        if (weighted) out.push(at(`track_script ${name} has a weight, which keepalived ignores on an address owner (priority 255${inst.priority === undefined ? ', the default of a MASTER' : ''}; -t fails): set a priority below 255`));
      }
    }
    const auth = inst.authentication;
    if (auth && auth.auth_type === 'PASS' && !auth.auth_pass) out.push(at('authentication: auth_type PASS needs auth_pass'));
    out.push(...checkVips(inst, (raw[idx]?.virtual_ipaddress as unknown[]) ?? [], at));
    out.push(...trackedScripts(`vrrp_instance ${inst.name}`, inst.track_script, c, 'instances'));
  });
  return out;
}

function vrrpVersion(inst: VrrpInstance, c: KeepalivedConfig): number {
  if ((inst.virtual_ipaddress ?? []).some((v) => !isIPv4(v.address.split('/')[0]))) return 3;
  return inst.version ?? c.global_defs?.vrrp_version ?? 2;
}

function checkVips(inst: VrrpInstance, raw: unknown[], at: (m: string) => Problem): Problem[] {
  const out: Problem[] = [];
  raw.forEach((r) => {
    if (!vipFromParam(r)) out.push(at(`virtual_ipaddress ${JSON.stringify(r)} is not ADDR[/LEN] with a valid address and length`));
  });
  const vips = inst.virtual_ipaddress ?? [];
  if (vips.length === 0 || out.length) return out;
  const families = new Set(vips.map((v) => isIPv4(v.address.split('/')[0])));
  if (families.size > 1) out.push(at('virtual_ipaddress mixes IPv4 and IPv6 (put the other family in virtual_ipaddress_excluded)'));
  for (const v of vips) {
    const dev = v.dev ?? inst.interface;
    if (v.label && dev && !v.label.startsWith(`${dev}:`)) out.push(at(`virtual_ipaddress ${v.address}: label ${v.label} must start with "${dev}:"`));
  }
  return out;
}

function checkSyncGroups(c: KeepalivedConfig): Problem[] {
  const out: Problem[] = [];
  const names = (c.instances ?? []).map((i) => i.name);
  for (const n of duplicates((c.vrrp_sync_groups ?? []).map((g) => g.name))) out.push(['vrrp_sync_groups', `vrrp_sync_group ${n} is defined more than once`]);
  for (const g of c.vrrp_sync_groups ?? []) {
    for (const m of g.group ?? []) {
      if (!names.includes(m)) out.push(['vrrp_sync_groups', `vrrp_sync_group ${g.name}: ${m} is not a vrrp_instance of this config`]);
    }
    out.push(...trackedScripts(`vrrp_sync_group ${g.name}`, g.track_script, c, 'vrrp_sync_groups'));
    for (const inst of (c.instances ?? []).filter((i) => g.group?.includes(i.name))) {
      const weighted = [...(inst.track_script ?? []), ...(inst.track_interface ?? [])].filter((t) => /\sweight\s/.test(` ${t} `));
      for (const t of weighted) {
        out.push(['instances', `vrrp_instance ${inst.name}: "${t}" has a weight, which keepalived ignores in sync group ${g.name} (-t fails); track it on the group instead`]);
      }
    }
  }
  return out;
}

function vsLabel(vs: VirtualServer): string {
  if (vs.group !== undefined) return `group ${vs.group}`;
  return vs.fwmark !== undefined ? `fwmark ${vs.fwmark}` : `${vs.ip}${vs.port === undefined ? '' : `:${vs.port}`}`;
}

function checkVirtualServers(c: KeepalivedConfig): Problem[] {
  const out: Problem[] = [];
  const list = c.virtual_servers ?? [];
  for (const n of duplicates(list.map(vsLabel))) out.push(['virtual_servers', `virtual_server ${n} is defined more than once`]);
  for (const vs of list) {
    const at = (msg: string): Problem => ['virtual_servers', `virtual_server ${vsLabel(vs)}: ${msg}`];
    if ([vs.fwmark, vs.ip, vs.group].filter((k) => k !== undefined).length !== 1) {
      out.push(at('give one of ip (with port), fwmark or group'));
      continue;
    }
    if (vs.group !== undefined) continue;
    if (vs.fwmark !== undefined && vs.port !== undefined) out.push(at('a fwmark service has no port'));
    if (vs.ip !== undefined && !isIp(vs.ip)) out.push(at(`${vs.ip} is not an IP address`));
    if (vs.fwmark !== undefined && vs.protocol) out.push(at('protocol does not apply to a fwmark service (keepalived -t fails on it); remove it'));
    if (vs.ip !== undefined && !vs.protocol) out.push(at('protocol is required (keepalived would default to UDP and -t fails)'));
    const servers = vs.real_servers ?? [];
    if (servers.length === 0) out.push(at('has no real_server (keepalived ignores it and -t fails)'));
    const total = servers.reduce((sum, rs) => sum + (rs.weight ?? 1), 0);
    const quorum = vs.quorum ?? 1;
    if (servers.length && quorum > total) out.push(at(`quorum ${quorum} exceeds the total weight ${total} of its real servers (keepalived lowers it and -t fails)`));
    if (vs.hysteresis !== undefined && vs.hysteresis >= quorum) out.push(at(`hysteresis ${vs.hysteresis} must be below quorum ${quorum} (keepalived resets it and -t fails)`));
    const rsLabels = (vs.real_servers ?? []).map((rs) => `${rs.ip}${rs.port === undefined ? '' : `:${rs.port}`}`);
    for (const n of duplicates(rsLabels)) out.push(at(`real_server ${n} is defined more than once`));
    const samePort = vs.ip !== undefined && vs.port !== undefined && (vs.lb_kind === 'DR' || vs.lb_kind === 'TUN');
    const sorryPort = vs.sorry_server?.split(' ')[1];
    if (samePort && sorryPort !== undefined && Number(sorryPort) !== vs.port) out.push(at(`sorry_server port ${sorryPort} differs from ${vs.port}; ${vs.lb_kind} cannot change ports`));
    for (const rs of vs.real_servers ?? []) {
      if (!isIp(rs.ip)) out.push(at(`real_server ${rs.ip} is not an IP address`));
      if (samePort && rs.port !== undefined && rs.port !== vs.port) out.push(at(`real_server ${rs.ip}:${rs.port}: ${vs.lb_kind} cannot change the port (${vs.port}); keepalived resets it and -t fails`));
      if (vs.fwmark !== undefined && rs.port !== undefined) {
        out.push(at(`real_server ${rs.ip}: a fwmark service's real servers have no port (keepalived -t fails on ${rs.ip} ${rs.port}); remove port`));
      }
    }
  }
  return out;
}

/** auth_pass longer than keepalived keeps: accepted, as keepalived does, with its warning. */
export function paramWarnings(p: Obj): string[] {
  const out: string[] = [];
  for (const i of (p.instances as Obj[] | undefined) ?? []) {
    const pass = (i.authentication as Obj | undefined)?.auth_pass;
    if (typeof pass === 'string' && Buffer.byteLength(pass) > 8) {
      out.push(`vrrp_instance ${String(i.name)}: auth_pass is ${Buffer.byteLength(pass)} bytes; keepalived truncates it to 8 (its warning: "Truncating auth_pass to 8 characters"), so rb compares and writes the first 8`);
    }
  }
  return out;
}

/** Legal but probably unintended settings, shown as plan warnings. */
export function configWarnings(c: KeepalivedConfig): string[] {
  const out: string[] = [];
  for (const i of c.instances ?? []) {
    const prio = i.priority ?? 100;
    if (i.state === 'BACKUP' && prio === 255) out.push(`vrrp_instance ${i.name}: BACKUP with priority 255 (address owner) always takes the VIP`);
    if (i.state === 'MASTER' && prio < 100) {
      out.push(`vrrp_instance ${i.name}: MASTER with priority ${prio}, below keepalived's default 100: a peer without a priority would win`);
    }
  }
  const groups = (c.virtual_server_groups ?? []).map((g) => g.name);
  for (const vs of c.virtual_servers ?? []) {
    if (vs.group !== undefined && !groups.includes(vs.group)) out.push(`virtual_server group ${vs.group}: no virtual_server_group ${vs.group} in this config, so the service balances nothing (keepalived does not complain)`);
  }
  for (const g of c.vrrp_sync_groups ?? []) {
    const states = new Set((c.instances ?? []).filter((i) => g.group?.includes(i.name)).map((i) => i.state ?? 'BACKUP'));
    if (states.size > 1) out.push(`vrrp_sync_group ${g.name}: members start in different states (MASTER and BACKUP); the group keeps re-electing`);
  }
  return out;
}
