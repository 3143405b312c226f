// The lab's L2 segment: bridge rblab0 in the machine's netns and one veth
// pair per host (eth0 inside the host's netns). Root-side changes for many
// hosts go through one `ip -batch` process.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { LabError } from './lab-error.js';
import { findConflicts } from './conflicts.js';
import { ipBatch, must, run } from './proc.js';
import { BRIDGE, BRIDGE2, BRIDGE_ADDRESS, NAME_PREFIX, BRIDGE_MAC, bridgesOf, LARGE_ADDRESS, LARGE_BRIDGE, LARGE_BRIDGE2, LARGE_PREFIX_LEN, LARGE_SUBNET, MAX_SMALL, PREFIX_LEN, SUBNET, veth2Name, vethName, labHost, type LabHost } from './topology.js';

interface LinkDetail {
  ifname: string;
  linkinfo?: { info_kind?: string };
}

async function linkDetail(name: string): Promise<LinkDetail | null> {
  const r = await run('ip', ['-j', '-d', 'link', 'show', 'dev', name]);
  if (r.code !== 0) return null;
  return (JSON.parse(r.stdout) as LinkDetail[])[0] ?? null;
}

export async function bridgeExists(): Promise<boolean> {
  return (await linkDetail(BRIDGE)) !== null;
}

/** Refuse to start when something that is not the lab uses its addresses. */
export async function checkConflicts(): Promise<void> {
  const [addrs, routes] = await Promise.all([
    must('ip', ['-j', 'addr', 'show'], 'list addresses'),
    must('ip', ['-j', 'route', 'show'], 'list routes'),
  ]);
  const problems = findConflicts(addrs, routes);
  if (problems.length) throw new LabError(`address conflict: ${problems.join('; ')}`);
}

/**
 * Bridge rblab0 (STP off; multicast snooping off so VRRP adverts to
 * 224.0.0.18 reach every host) holding 198.18.0.1/24 unless `address` is
 * false (inside the qemu guest, the machine already holds that address).
 */
export async function ensureBridge(opts: { address?: boolean } = {}): Promise<void> {
  const address = opts.address !== false;
  const existing = await linkDetail(BRIDGE);
  if (existing && existing.linkinfo?.info_kind !== 'bridge') {
    throw new LabError(`address conflict: ${BRIDGE} exists and is a ${existing.linkinfo?.info_kind ?? 'plain'} link, not the lab's bridge`);
  }
  await checkConflicts();
  if (!existing) {
    const mac = address ? ` address ${BRIDGE_MAC}` : '';
    await ipBatch([`link add ${BRIDGE}${mac} type bridge stp_state 0 mcast_snooping 0`], `create bridge ${BRIDGE}`);
    await disableIpv6(BRIDGE);
  }
  const lines = [`link set ${BRIDGE} up`];
  if (address) lines.push(`addr replace ${BRIDGE_ADDRESS}/${PREFIX_LEN} dev ${BRIDGE}`);
  await ipBatch(lines, `configure bridge ${BRIDGE} (${SUBNET})`);
  await ensureSecondBridge();
}

/** The second segment: a bridge with no address, so it only joins the hosts' eth1. */
async function ensureSecondBridge(name = BRIDGE2): Promise<void> {
  const existing = await linkDetail(name);
  if (existing && existing.linkinfo?.info_kind !== 'bridge') {
    throw new LabError(`address conflict: ${name} exists and is a ${existing.linkinfo?.info_kind ?? 'plain'} link, not the lab's bridge`);
  }
  if (!existing) {
    await ipBatch([`link add ${name} type bridge stp_state 0 mcast_snooping 0`], `create bridge ${name}`);
    await disableIpv6(name);
  }
  await ipBatch([`link set ${name} up`], `bring ${name} up`);
}

/** The segment of hosts above MAX_SMALL: rblab2 holding 198.19.0.1/16, rblab3 for their eth1. */
async function ensureLargeBridges(): Promise<void> {
  const existing = await linkDetail(LARGE_BRIDGE);
  if (existing && existing.linkinfo?.info_kind !== 'bridge') {
    throw new LabError(`address conflict: ${LARGE_BRIDGE} exists and is a ${existing.linkinfo?.info_kind ?? 'plain'} link, not the lab's bridge`);
  }
  if (!existing) {
    const [addrs, routes] = await Promise.all([must('ip', ['-j', 'addr', 'show'], 'list addresses'), must('ip', ['-j', 'route', 'show'], 'list routes')]);
    const problems = findConflicts(addrs, routes, LARGE_SUBNET);
    if (problems.length) throw new LabError(`address conflict: ${problems.join('; ')}`);
    await ipBatch([`link add ${LARGE_BRIDGE} type bridge stp_state 0 mcast_snooping 0`], `create bridge ${LARGE_BRIDGE}`);
    await disableIpv6(LARGE_BRIDGE);
  }
  await ipBatch([`link set ${LARGE_BRIDGE} up`, `addr replace ${LARGE_ADDRESS}/${LARGE_PREFIX_LEN} dev ${LARGE_BRIDGE}`], `configure bridge ${LARGE_BRIDGE} (${LARGE_SUBNET})`);
  await ensureSecondBridge(LARGE_BRIDGE2);
  await raiseNeighbourTable();
}

/**
 * The machine talks to every host: past 512 neighbours (gc_thresh2) the kernel
 * starts evicting ARP entries of hosts in use, and past 1024 (gc_thresh3) new
 * ones fail ("neighbour table overflow"). Raised, never lowered.
 */
const NEIGH_THRESHOLDS: ReadonlyArray<[string, number]> = [['gc_thresh1', 2048], ['gc_thresh2', 4096], ['gc_thresh3', 8192]];

async function raiseNeighbourTable(): Promise<void> {
  for (const [name, want] of NEIGH_THRESHOLDS) {
    const file = `/proc/sys/net/ipv4/neigh/default/${name}`;
    const now = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isFinite(now) && now < want) await writeFile(file, String(want));
  }
}

async function disableIpv6(dev: string): Promise<void> {
  await writeFile(`/proc/sys/net/ipv6/conf/${dev}/disable_ipv6`, '1').catch(() => undefined);
}

/** Put an existing interface on the bridge (the qemu guest's NIC). */
export async function attachUplink(dev: string): Promise<void> {
  if (!(await linkDetail(dev))) throw new LabError(`uplink interface ${dev} does not exist`);
  await ipBatch([`link set ${dev} master ${BRIDGE} up`], `attach ${dev} to ${BRIDGE}`);
}

/**
 * netns + veth pairs with the host's fixed MACs: eth0 on the lab bridge (its
 * address is set by the host's boot), eth1 on the second one (no address).
 */
export function hostNetLines(h: LabHost): string[] {
  const veth = vethName(h);
  const veth2 = veth2Name(h);
  const mac2 = h.mac2 ?? labHost(h.index).mac2;
  const [bridge, bridge2] = bridgesOf(h);
  return [
    `netns add ${h.netns}`,
    `link add ${veth} type veth peer name eth0 address ${h.mac} netns ${h.netns}`,
    `link set ${veth} master ${bridge} up`,
    `link add ${veth2} type veth peer name eth1 address ${mac2} netns ${h.netns}`,
    `link set ${veth2} master ${bridge2} up`,
  ];
}

export async function createHostNetworks(hosts: readonly LabHost[]): Promise<void> {
  if (hosts.some((h) => h.index > MAX_SMALL)) await ensureLargeBridges();
  await ipBatch(hosts.flatMap(hostNetLines), 'create lab host networks');
}

/**
 * Deleting the netns lets the kernel destroy all their veths in one batch
 * (deleting 50 veths one by one takes ~1.5 s, each waiting for RCU); we wait
 * for them to vanish, since `up` may recreate the same names at once, and
 * delete any straggler explicitly.
 */
export async function deleteHostNetworks(hosts: readonly Pick<LabHost, 'name' | 'netns'>[]): Promise<void> {
  if (hosts.length === 0) return;
  await ipBatch(hosts.map((h) => `netns del ${h.netns}`), 'delete lab netns', true);
  const veths = hosts.flatMap((h) => [vethName(h), veth2Name(h)]);
  const deadline = Date.now() + VETH_GONE_MS;
  let left = await existingLinks(veths);
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    left = await existingLinks(left);
  }
  await ipBatch(left.map((l) => `link del ${l}`), 'delete lab veths', true);
}

const VETH_GONE_MS = 3000;

async function existingLinks(names: readonly string[]): Promise<string[]> {
  const present = new Set(await readdir('/sys/class/net').catch(() => [] as string[]));
  return names.filter((n) => present.has(n));
}

export async function deleteBridge(): Promise<void> {
  for (const b of [BRIDGE, BRIDGE2, LARGE_BRIDGE, LARGE_BRIDGE2]) {
    if (!(await linkDetail(b)) || (await hasUplink(b))) continue;
    await ipBatch([`link del ${b}`], `delete bridge ${b}`, true);
  }
}

/**
 * A bridge with a port that is no lab host's (the qemu guest's NIC, put there
 * by `up --uplink`) carries the machine's own address: deleting it would cut
 * the machine off (the guest's `lab down` lost its ssh), so it stays.
 */
async function hasUplink(bridge: string): Promise<boolean> {
  const r = await run('ip', ['-j', 'link', 'show', 'master', bridge]);
  if (r.code !== 0 || !r.stdout.trim()) return false;
  return (JSON.parse(r.stdout) as { ifname: string }[]).some((l) => !l.ifname.startsWith(NAME_PREFIX));
}
