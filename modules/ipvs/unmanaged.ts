// rb drift --unmanaged: IPVS services and real servers on the host outside
// every ipvs task that checked it.

import type { IpvsFacts } from './facts.js';
import { realId, serviceId } from '../lib/ipvs-table/model.js';
import { desiredServices, type IpvsParams } from './params.js';
import { liveServices } from './plan.js';

export function unmanagedServices(declared: Array<{ params: IpvsParams; facts: IpvsFacts }>): string[] {
  if (!declared.length) return [];
  const named = new Map<string, Set<string>>();
  for (const d of declared) for (const s of desiredServices(d.params)) named.set(serviceId(s.key), new Set([...(named.get(serviceId(s.key)) ?? []), ...s.reals.map(realId)]));
  const out: string[] = [];
  for (const s of liveServices(declared[declared.length - 1].facts)) {
    const id = serviceId(s.key);
    const reals = named.get(id);
    if (!reals) out.push(`service ${id}${s.reals.length ? ` (real servers ${s.reals.map(realId).join(', ')})` : ''}`);
    else for (const r of s.reals) if (!reals.has(realId(r))) out.push(`service ${id} real server ${realId(r)}`);
  }
  return out;
}
