// The HA groups a vrrp task puts its host in (for `rollout: ha`): one per VRRP
// instance with VIPs, keyed by interface and virtual_router_id (the peers of an
// instance share both), holding the instance's VIPs while it is MASTER here.

import type { HaMembership } from '../../core/module.js';
import type { VrrpFacts } from './facts.js';
import { fromParams } from './model.js';

type VrrpTaskParams = Record<string, unknown> & { state: string };

function grouped(p: VrrpTaskParams) {
  if (p.state === 'stopped') return [];
  return (fromParams(p).instances ?? []).filter((i) => i.virtual_router_id !== undefined && (i.virtual_ipaddress ?? []).length > 0);
}

const groupKey = (i: { interface?: string; virtual_router_id?: number }) => `vrrp ${i.interface ?? '(no interface)'} vrid ${i.virtual_router_id}`;

/** The groups' keys from the params alone (for --shard). */
export function vrrpHaKeys(p: VrrpTaskParams): string[] {
  return grouped(p).map(groupKey);
}

export function vrrpHaGroups(p: VrrpTaskParams, f: VrrpFacts): HaMembership[] {
  return grouped(p)
    .map((i) => {
      const vips = i.virtual_ipaddress!.map((v) => v.address.split('/')[0]);
      return {
        group: groupKey(i),
        daemon: 'keepalived',
        running: f.running,
        resources: vips,
        held: f.masterOf.includes(i.name) ? vips : [],
      };
    });
}
