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
 * heartbeat re-execute itself: done on one node while its peer runs on, the
 * peer sees it and the groups move (measured: about one failover's loss),
 * while both nodes reloaded at once lost nothing. A node signing with a new
 * authkeys key is not heard by a peer still on the old one. So a reload goes
 * to the whole cluster at once; a start, stop or restart goes node by node.
 */
export function pendingOf(p: HeartbeatParams, f: HeartbeatFacts, host: string): HaMembership['pending'] {
  let changes;
  try {
    changes = planHeartbeat(p, f, host).changes;
  } catch {
    return undefined;
  }
  const daemon = changes.find((c) => c.resource === 'service heartbeat');
  if (!daemon) return 'none';
  if (daemon.kind !== 'reload-heartbeat') return undefined;
  const paths = files(p.path);
  const changed = [paths.haCf, paths.authkeys].filter((file) => changes.some((c) => c.resource === file));
  const what = changed.length ? changed.join(' and ') : 'running values differing from ha.cf';
  return { together: `heartbeat takes ${what} by reload: on both nodes at once, as one node reloaded alone is seen by its peer` };
}
