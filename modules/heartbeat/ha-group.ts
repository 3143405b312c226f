// The HA group a heartbeat task puts its host in (for `rollout: ha`): the
// cluster of its `node` list. Each haresources line is a resource group that
// exactly one node holds. A node holds a group when each of its resources
// says so (its script's `status`, see facts.ts); for a group the facts did not
// ask about, `cl_status rscstatus` says (local: its own, foreign: the peer's,
// all, none; transition: neither yet).

import type { HaMembership } from '../../core/module.js';
import { files, type HeartbeatFacts } from './facts.js';
import type { ResourceGroup } from './haresources.js';
import type { HeartbeatParams } from './params.js';
import { planHeartbeat } from './plan.js';

const clusterNodes = (p: HeartbeatParams) => ((p.ha_cf.node as string[] | undefined) ?? []).map((n) => n.toLowerCase()).sort();

/** The cluster's key from the params alone (for --shard). */
export function heartbeatHaKeys(p: HeartbeatParams): string[] {
  const nodes = clusterNodes(p);
  return p.state === 'stopped' || nodes.length < 2 ? [] : [`heartbeat ${nodes.join(' ')}`];
}

export function heartbeatHaGroups(p: HeartbeatParams, f: HeartbeatFacts, host: string): HaMembership[] {
  const nodes = clusterNodes(p);
  if (p.state === 'stopped' || nodes.length < 2) return [];
  const groups: ResourceGroup[] = p.resources ?? f.haresources.model ?? [];
  const me = f.nodename.toLowerCase();
  const status = f.daemon.running ? f.daemon.resources : undefined;
  // Each resource's own status where the facts asked it; rscstatus otherwise.
  const rscstatus = (g: ResourceGroup) =>
    g.node.toLowerCase() === me ? status === 'local' || status === 'all' : status === 'foreign' || status === 'all';
  const holds = (g: ResourceGroup) => {
    const bits = f.daemon.running ? f.daemon.groups?.[g.resources[0]] : undefined;
    return bits === undefined ? rscstatus(g) : bits.length === g.resources.length && !bits.includes('0');
  };
  const label = (g: ResourceGroup) => `${g.node}: ${g.resources.join(' ')}`;
  return [
    {
      group: `heartbeat ${nodes.join(' ')}`,
      daemon: 'heartbeat',
      // Up means answering on its API (cl_status): a heartbeat still starting cannot take over yet.
      running: f.daemon.running && f.daemon.resources !== undefined,
      resources: groups.map(label),
      held: groups.filter(holds).map(label),
      pending: pendingOf(p, f, host),
    },
  ];
}

/**
 * What the task's plan does to the daemon. A reload of a changed ha.cf makes
 * heartbeat re-execute itself, keeping its resources: measured lossless on
 * either node alone (0 of 420 requests on the passive box, 0 of 450 on the
 * active one), so it goes node by node like any change. A new signing key is
 * different: heartbeat drops messages signed with a key it does not hold, so
 * a node signing with a key its peer lacks is dead to the peer after
 * `deadtime`, which then takes its resources. Unless the key was already
 * accepted (a rotation's first step lists it, its second only switches `auth`),
 * both nodes take it at once. A start, stop or restart goes node by node.
 */
export function pendingOf(p: HeartbeatParams, f: HeartbeatFacts, host: string): HaMembership['pending'] {
  let changes;
  try {
    changes = planHeartbeat(p, f, host).changes;
  } catch {
    return undefined;
  }
  const daemon = changes.find((c) => c.resource === 'service heartbeat');
  if (daemon && daemon.kind !== 'reload-heartbeat') return undefined;
  const authkeys = files(p.path).authkeys;
  const newKey = changes.some((c) => c.resource === authkeys && (c.field === 'authkeys key' || c.field === 'authkeys method' || c.kind === 'create-file'));
  if (!newKey) return 'none';
  return { together: `${authkeys} signs with a key the peer does not hold yet: on both nodes at once, as heartbeat does not hear a node signing with a key it lacks` };
}
