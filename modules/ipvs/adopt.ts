// `rb adopt` for the IPVS table: the live services (`ipvsadm -Sn`, with the
// thresholds -Sn does not print) that neither keepalived nor ldirectord on the
// host manages (those are adopted with their daemon's config), and connection
// timeouts set away from the kernel's. Saved for boot as rb saves them only
// when the saved rules and the boot switch already agree; else persist: none,
// so adoption writes nothing. A host without an IPVS table adopts nothing.

import type { ModuleAdopt } from '../../core/module.js';
import { firstQuiet } from '../lib/adopt/quiet.js';
import { HOST_NETMASK, serviceId, type VirtualService } from '../lib/ipvs-table/model.js';
import { managersOf } from './conflicts.js';
import type { IpvsFacts } from './facts.js';
import { checkIpvsParams, ipvsParams, type IpvsParams } from './params.js';
import { KERNEL_TIMEOUTS, liveServices, planIpvs } from './plan.js';

/** A service of the table model as the module's params, defaults left out. */
export function serviceParams(s: VirtualService): Record<string, unknown> {
  const v6 = s.key.fwmark !== undefined ? Boolean(s.key.ipv6) : s.key.address.includes(':');
  const key = s.key.fwmark !== undefined ? { fwmark: s.key.fwmark, ...(s.key.ipv6 ? { ipv6: true } : {}) } : { protocol: s.key.protocol, address: s.key.address, port: s.key.port };
  const defaultPort = s.key.fwmark !== undefined ? 0 : s.key.port;
  return {
    ...key,
    scheduler: s.scheduler,
    ...(s.persistent !== undefined ? { persistent: s.persistent } : {}),
    ...(s.persistent !== undefined && s.netmask !== undefined && s.netmask !== (v6 ? '128' : HOST_NETMASK) ? { netmask: s.netmask } : {}),
    ...(s.schedFlags.length ? { sched_flags: [...s.schedFlags] } : {}),
    ...(s.pe ? { pe: s.pe } : {}),
    ...(s.ops ? { ops: true } : {}),
    real_servers: s.reals.map((r) => ({
      address: r.address,
      ...(r.port !== defaultPort ? { port: r.port } : {}),
      forward: r.forward,
      weight: r.weight,
      ...(r.uThreshold ? { u_threshold: r.uThreshold } : {}),
      ...(r.lThreshold ? { l_threshold: r.lThreshold } : {}),
    })),
  };
}

export const ipvsAdopt: ModuleAdopt<IpvsFacts> = {
  probe: [],
  // Only where the kernel has a table and ipvsadm is there to read it (not on a real server).
  discover: {
    command: '[ -e /proc/net/ip_vs ] && command -v ipvsadm >/dev/null 2>&1 && echo table || true',
    probes: (stdout) => (stdout.trim() === 'table' ? [{ purge: true, timeouts: {} }] : []),
  },
  params(f) {
    const managed = new Set(managersOf(f).flatMap((m) => m.services));
    const services = liveServices(f).filter((s) => !managed.has(serviceId(s.key)));
    const timeouts = Object.fromEntries((['tcp', 'tcpfin', 'udp'] as const).filter((k) => f.timeouts?.[k] !== undefined && f.timeouts[k] !== KERNEL_TIMEOUTS[k]).map((k) => [k, f.timeouts![k]]));
    if (services.length === 0 && Object.keys(timeouts).length === 0) return [];
    const task: Record<string, unknown> = { ...(services.length ? { services: services.map(serviceParams) } : {}), ...(Object.keys(timeouts).length ? { timeouts } : {}) };
    const quiet = firstQuiet<IpvsParams, IpvsFacts>({ params: ipvsParams, rules: checkIpvsParams }, planIpvs, f, [task, { ...task, persist: 'none' }]);
    return quiet ? [quiet] : [];
  },
};
