// `rb lab up`: converge the lab to "rb1..rbN are running". Live hosts are
// kept, dead ones rebuilt, missing ones created in parallel; a failure
// removes what this call made.

import { writeFile } from 'node:fs/promises';
import { etcHosts } from './boot.js';
import { labExec } from './exec.js';
import { launchHost, prepareHost } from './host.js';
import { writeInventory } from './inventory.js';
import { ensureClientKeys } from './keys.js';
import { LabError } from './lab-error.js';
import { guestRecorded, ipvsPart } from './qemu-link.js';
import { attachUplink, bridgeExists, createHostNetworks, ensureBridge } from './network.js';
import { isAlive, readPidRecord } from './pids.js';
import { requireOverlay, requireRoot, requireTools } from './preflight.js';
import { ensureStateDir, isStateDirMounted, readState, recordedHostNames, withLock, writeState } from './state.js';
import { labNetnsNames, removeHosts, removeLabLeftovers } from './teardown.js';
import { MAX_HOSTS, byIndex, hostIndex, labHost, veth2Name, vethName, type LabHost } from './topology.js';

export interface UpOptions {
  /** Remove running hosts numbered above N (by default they are kept). */
  exact?: boolean;
  /** An existing interface to put on the bridge (the qemu guest's NIC). */
  uplink?: string;
  /** false: leave 198.18.0.1 off the bridge (inside the qemu guest the machine holds it). */
  bridgeAddress?: boolean;
}

export async function labUp(n: number, opts: UpOptions = {}): Promise<LabHost[]> {
  await preflight(n);
  return withLock(async () => {
    if ((await readState()).guestHosts.length) {
      if (await guestRunning()) throw new LabError('the lab runs in the qemu guest (rb lab up --ipvs): rb lab down first');
      await writeState({ guestHosts: [] });
    }
    const fromNothing = !(await isStateDirMounted()) && !(await bridgeExists());
    try {
      return await converge(n, opts, []);
    } catch (err) {
      if (fromNothing) await removeLabLeftovers().catch(() => undefined);
      throw err;
    }
  });
}

/** Rebuild these hosts from scratch (fresh filesystem, netns, sysctls), keeping the others. */
export async function labRebuild(names: readonly string[]): Promise<LabHost[]> {
  const indexes = names.map((name) => {
    const i = hostIndex(name);
    if (i === undefined) throw new LabError(`not a lab host name: ${name}`);
    return i;
  });
  await preflight(Math.max(1, ...indexes));
  return withLock(async () => {
    if ((await readState()).guestHosts.length) {
      throw new LabError('hosts in the qemu guest cannot be rebuilt one by one: rb lab down, then rb lab up --ipvs');
    }
    const recorded = (await recordedHostNames()).map((x) => hostIndex(x)!);
    return converge(Math.max(1, ...indexes, ...recorded), {}, names);
  });
}

async function preflight(n: number): Promise<void> {
  requireRoot();
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS) throw new LabError(`the host count must be 1-${MAX_HOSTS}, got ${n}`);
  await requireTools();
  await requireOverlay();
}

async function converge(n: number, opts: UpOptions, rebuild: readonly string[]): Promise<LabHost[]> {
  const state = await readState();
  // The bridge first: it checks for address conflicts before anything else is made.
  const bridgeAddress = opts.bridgeAddress ?? state.bridgeAddress;
  await ensureBridge({ address: bridgeAddress });
  await ensureStateDir();
  const recorded = await recordedHostNames();
  const alive = new Map<string, number>();
  for (const name of recorded) {
    const rec = await readPidRecord(name);
    if (!rebuild.includes(name) && (await isAlive(rec))) alive.set(name, rec!.pid);
  }
  const kept = [...alive.keys()].filter((name) => !opts.exact || hostIndex(name)! <= n);
  const wanted = Array.from({ length: n }, (_, i) => labHost(i + 1)).filter((h) => !alive.has(h.name));
  const all = [...kept.map((name) => labHost(hostIndex(name)!)), ...wanted].sort(byIndex);
  const staleNetns = new Set(await labNetnsNames());
  const stale = [
    ...recorded.filter((name) => !kept.includes(name)),
    ...wanted.filter((h) => staleNetns.has(h.netns)).map((h) => h.name),
  ];

  await ensureClientKeys(Math.max(...all.map((h) => h.index)));
  const uplink = opts.uplink ?? state.uplink;
  if (uplink) await attachUplink(uplink);
  await removeHosts([...new Set(stale)]);
  await build(wanted, all);

  const members = all.map((h) => h.name);
  if (members.join(' ') !== state.members.join(' ')) await updateEtcHosts(kept, all);
  await writeState({ uplink, bridgeAddress, members });
  const pids = new Map(alive);
  for (const h of wanted) pids.set(h.name, (await readPidRecord(h.name))!.pid);
  const hosts = all.map((h) => ({ ...h, pid: pids.get(h.name) }));
  await writeInventory(hosts);
  return hosts;
}

async function build(wanted: readonly LabHost[], all: readonly LabHost[]): Promise<void> {
  if (wanted.length === 0) return;
  try {
    await createHostNetworks(wanted);
    await Promise.all(wanted.flatMap((h) => [disableIpv6(vethName(h)), disableIpv6(veth2Name(h))]));
    await Promise.all(wanted.map((h) => prepareHost(h, all)));
    const results = await Promise.allSettled(wanted.map(launchHost));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await removeHosts(wanted.map((h) => h.name)).catch(() => undefined);
    throw err;
  }
}

async function disableIpv6(dev: string): Promise<void> {
  await writeFile(`/proc/sys/net/ipv6/conf/${dev}/disable_ipv6`, '1').catch(() => undefined);
}

async function updateEtcHosts(running: readonly string[], all: readonly LabHost[]): Promise<void> {
  const text = etcHosts(all);
  await Promise.all(
    running.map(async (name) => {
      const r = await labExec(name, ['sh', '-c', 'cat > /etc/hosts'], { input: text });
      if (r.code !== 0) throw new LabError(`${name}: cannot update /etc/hosts: ${r.stderr.trim()}`);
    }),
  );
}

/** Guest hosts recorded in the state are stale once their guest has stopped (killed, or a down that did not finish). */
async function guestRunning(): Promise<boolean> {
  return (await guestRecorded()) && (await (await ipvsPart()).ipvsStatus()).running;
}
