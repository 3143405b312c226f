// facts + params → the ipvs plan: kernel modules first (ip_vs, then the
// schedulers the services use), the table edits (table-edits.ts), timeouts, and
// the saved rules file with what restores it at boot. Refuses services that
// keepalived or ldirectord on the host also manage, unless forced.

import type { Change, Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { sh } from '../../core/transport/shell.js';
import { conflicts, managersOf } from './conflicts.js';
import type { IpvsFacts } from './facts.js';
import { realId, serviceId, type VirtualService } from '../lib/ipvs-table/model.js';
import { desiredServices, type IpvsParams } from './params.js';
import { bootServiceChange, debianDefaultsChange, savedChanges, type Flavour } from './persist.js';
import { planTable } from './table-edits.js';
import { parseRules, RulesSyntaxError, type Timeouts } from '../lib/ipvs-table/save-format.js';

/** The kernel's timeouts when ip_vs is not loaded yet (what it starts with). */
export const KERNEL_TIMEOUTS: Timeouts = { tcp: 900, tcpfin: 120, udp: 300 };

/** The live table with the thresholds `-Sn` does not print. */
export function liveServices(f: Pick<IpvsFacts, 'live' | 'thresholds'>): VirtualService[] {
  const services = parseRules(f.live, 'ipvsadm -Sn').services;
  for (const s of services) {
    const t = f.thresholds[serviceId(s.key)] ?? {};
    for (const r of s.reals) {
      const [u, l] = t[realId(r)] ?? [0, 0];
      r.uThreshold = u;
      r.lThreshold = l;
    }
  }
  return services;
}

function moduleChanges(want: VirtualService[], f: IpvsFacts): Change[] {
  const have = new Set([...f.modules.loaded, ...f.modules.builtin]);
  const needed = ['ip_vs', ...want.map((s) => `ip_vs_${s.scheduler}`), ...want.filter((s) => s.pe).map((s) => `ip_vs_pe_${s.pe}`)];
  const out: Change[] = [];
  for (const m of [...new Set(needed)]) {
    if (m === 'ip_vs' ? f.table || have.has(m) : have.has(m)) continue;
    if (f.modules.available.length > 0 && !f.modules.available.includes(m)) {
      const schedulers = f.modules.available.filter((x) => !/^ip_vs(_pe_|_ftp|$)/.test(x)).map((x) => x.slice(6));
      throw new ModuleError(`the kernel has no ${m} module: scheduler or engine "${m.replace(/^ip_vs_(pe_)?/, '')}" does not exist here (available schedulers: ${schedulers.join(', ')})`);
    }
    out.push({ kind: 'load-kernel-module', resource: m, before: 'not loaded', after: 'loaded', commands: [sh`modprobe ${m}`] });
  }
  return out;
}

function timeoutChanges(p: IpvsParams, current: Timeouts): { changes: Change[]; result?: Timeouts } {
  if (!p.timeouts) return { changes: [] };
  const result: Timeouts = { ...current, ...p.timeouts };
  const changes: Change[] = [];
  for (const k of ['tcp', 'tcpfin', 'udp'] as const) {
    if (result[k] !== current[k]) changes.push({ kind: 'set-timeout', resource: 'ipvs timeouts', field: k, before: current[k], after: result[k] });
  }
  // 0 keeps a timeout as it is: only the ones asked for are set.
  if (changes.length) changes[0].commands = [sh`ipvsadm --set ${p.timeouts.tcp ?? 0} ${p.timeouts.tcpfin ?? 0} ${p.timeouts.udp ?? 0}`];
  return { changes, result };
}

function flavourOf(p: IpvsParams, f: IpvsFacts): Flavour | undefined {
  if (p.persist === 'none') return undefined;
  if (p.persist !== 'auto') return p.persist;
  return f.os === 'unknown' ? undefined : f.os;
}

export function planIpvs(p: IpvsParams, f: IpvsFacts): Plan {
  let live: VirtualService[];
  try {
    live = liveServices(f);
  } catch (e) {
    if (e instanceof RulesSyntaxError) throw new ModuleError(`cannot read the live IPVS table: ${e.message}`);
    throw e;
  }
  const listed = desiredServices(p);
  const want = p.state === 'present' ? listed : [];
  const wantIds = new Set(want.map((s) => serviceId(s.key)));
  const remove = p.state === 'absent' ? listed.map((s) => serviceId(s.key)) : p.purge ? live.map((s) => serviceId(s.key)).filter((id) => !wantIds.has(id)) : [];
  const warnings: string[] = [];

  const managers = managersOf(f);
  const clash = conflicts([...wantIds, ...remove], managers);
  for (const m of managers) if (m.unreadable) warnings.push(`cannot tell which services ${m.name} manages from ${m.file}: ${m.unreadable}`);
  if (clash.length && !p.force) {
    throw new ModuleError(`${clash.join('; ')}. Two managers of one IPVS service undo each other's changes: manage it in one place, or set force: true.`);
  }
  warnings.push(...clash.map((c) => `force: ${c}`));

  const changes: Change[] = [...moduleChanges(want, f), ...planTable(live, { want, remove, drain: p.drain })];
  const t = timeoutChanges(p, f.timeouts ?? KERNEL_TIMEOUTS);
  changes.push(...t.changes);

  const flavour = flavourOf(p, f);
  if (p.persist === 'auto' && !flavour) warnings.push('unknown distribution: the table is not saved for boot (set persist: debian or redhat)');
  let savedIn = '';
  if (flavour) {
    const path = flavour === 'debian' ? '/etc/ipvsadm.rules' : '/etc/sysconfig/ipvsadm';
    try {
      changes.push(...savedChanges({ flavour, content: f.files[path] ?? null, want, remove, timeouts: t.result }));
    } catch (e) {
      if (e instanceof RulesSyntaxError) throw new ModuleError(`cannot read the saved rules: ${e.message}`);
      throw e;
    }
    if (p.state === 'present' && want.length > 0) {
      if (flavour === 'debian') {
        const d = debianDefaultsChange(f.files['/etc/default/ipvsadm'] ?? null);
        if (d) changes.push(d);
      }
      if (!f.bootEnabled) changes.push(bootServiceChange(flavour));
    }
    savedIn = `; saved in ${path}`;
  }

  if (changes.length === 0) {
    const what =
      p.state === 'absent'
        ? `${listed.length} virtual service${listed.length === 1 ? '' : 's'} already absent`
        : `${want.length} virtual service${want.length === 1 ? '' : 's'} already as listed (${want.map((s) => `${serviceId(s.key)}: ${s.scheduler}, ${s.reals.length} real`).join('; ') || 'none'})`;
    return { changes, reason: `${what}${savedIn}`, warnings };
  }
  return { changes, warnings };
}
