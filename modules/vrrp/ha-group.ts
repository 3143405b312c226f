// The HA groups a vrrp task puts its host in (for `rollout: ha`): one per VRRP
// instance with VIPs, keyed by interface and virtual_router_id (the peers of an
// instance share both), holding the instance's VIPs while it is MASTER here.

import type { HaMembership } from '../../core/module.js';
import type { VrrpFacts } from './facts.js';
import { fromParams } from './model.js';

export function vrrpHaGroups(p: Record<string, unknown> & { state: string }, f: VrrpFacts): HaMembership[] {
  if (p.state === 'stopped') return [];
  return (fromParams(p).instances ?? [])
    .filter((i) => i.virtual_router_id !== undefined && (i.virtual_ipaddress ?? []).length > 0)
    .map((i) => {
      const vips = i.virtual_ipaddress!.map((v) => v.address.split('/')[0]);
      return {
        group: `vrrp ${i.interface ?? '(no interface)'} vrid ${i.virtual_router_id}`,
        daemon: 'keepalived',
        running: f.running,
        resources: vips,
        held: f.masterOf.includes(i.name) ? vips : [],
      };
    });
}
