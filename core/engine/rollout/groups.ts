// Which hosts of a play form HA groups, and in what order a rollout changes
// them. Pure: memberships in, clusters out. Groups that share a host (a node
// in two VRRP instances) are one cluster, changed one node at a time; within
// a cluster the nodes holding nothing go first and the holders last, fewest
// resources first, inventory order between equals.

import type { HaMembership } from '../../module.js';

export interface Cluster {
  /** Group keys, sorted. */
  groups: string[];
  /** Every member, in the order the rollout changes them. */
  order: string[];
  /** host → the resources it holds now (over all the cluster's groups). */
  held: Map<string, string[]>;
  label: string;
  /** Set when every node changes at once, with the reason (together.ts). */
  together?: string;
}

/** How many waves the cluster takes: one per node, or one when it goes together. */
export const wavesOf = (c: Cluster): number => (c.together ? 1 : c.order.length);

export interface RolloutPlan {
  clusters: Cluster[];
  /** Hosts in no group: they run with the first wave, as a play without rollout would. */
  ungrouped: string[];
}

export function planRollout(hosts: readonly string[], members: ReadonlyMap<string, readonly HaMembership[]>): RolloutPlan {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  const hostNode = (h: string) => `host ${h}`;
  const groupNode = (g: string) => `group ${g}`;
  for (const h of hosts) {
    const ms = members.get(h) ?? [];
    if (!ms.length) continue;
    parent.set(hostNode(h), hostNode(h));
    for (const m of ms) {
      if (!parent.has(groupNode(m.group))) parent.set(groupNode(m.group), groupNode(m.group));
      union(hostNode(h), groupNode(m.group));
    }
  }
  const byRoot = new Map<string, string[]>();
  const ungrouped: string[] = [];
  for (const h of hosts) {
    if (!(members.get(h) ?? []).length) {
      ungrouped.push(h);
      continue;
    }
    const root = find(hostNode(h));
    byRoot.set(root, [...(byRoot.get(root) ?? []), h]);
  }
  const clusters: Cluster[] = [];
  for (const list of byRoot.values()) {
    const held = new Map(list.map((h) => [h, [...new Set((members.get(h) ?? []).flatMap((m) => m.held))]]));
    const order = [...list].sort((a, b) => held.get(a)!.length - held.get(b)!.length || hosts.indexOf(a) - hosts.indexOf(b));
    const groups = [...new Set(list.flatMap((h) => (members.get(h) ?? []).map((m) => m.group)))].sort();
    clusters.push({ groups, order, held, label: groups.join(' + ') });
  }
  return { clusters, ungrouped };
}

/** Wave i: the i-th node of every cluster still going, every node of one going together (the ungrouped hosts join wave 0). */
export function waveOf(plan: RolloutPlan, i: number, stopped: ReadonlySet<Cluster>): string[] {
  const out = i === 0 ? [...plan.ungrouped] : [];
  for (const c of plan.clusters) {
    if (stopped.has(c) || i >= wavesOf(c)) continue;
    out.push(...(c.together ? c.order : [c.order[i]]));
  }
  return out;
}

/** "rb2, then rb1 (holds 198.18.0.100)". */
export function describeOrder(c: Cluster): string {
  const node = (h: string) => (c.held.get(h)!.length ? `${h} (holds ${c.held.get(h)!.join(', ')})` : h);
  if (c.together) return `${c.order.map(node).join(' and ')} at once: ${c.together}`;
  return c.order.map(node).join(', then ');
}

export interface GroupView {
  host: string;
  membership: HaMembership;
}

/**
 * What is wrong with a cluster now: the daemon down on a node that must run
 * it, a resource held by no node or by several. Empty = healthy.
 */
export function unhealthy(views: readonly GroupView[], mustRun: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const v of views) {
    if (mustRun.has(v.host) && !v.membership.running) problems.push(`${v.membership.daemon} is not running on ${v.host}`);
  }
  const groups = new Map<string, GroupView[]>();
  for (const v of views) groups.set(v.membership.group, [...(groups.get(v.membership.group) ?? []), v]);
  for (const [group, list] of groups) {
    const resources = [...new Set(list.flatMap((v) => v.membership.resources))];
    for (const r of resources) {
      const holders = [...new Set(list.filter((v) => v.membership.held.includes(r)).map((v) => v.host))];
      if (holders.length === 0) problems.push(`${group}: ${r} is held by no node`);
      else if (holders.length > 1) problems.push(`${group}: ${r} is held by ${holders.length} nodes (${holders.join(', ')})`);
    }
  }
  return [...new Set(problems)];
}
