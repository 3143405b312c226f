// Removing lab hosts. Processes are killed only by recorded pid + start time,
// then whatever still runs inside one of the lab's own netns; never by name.

import { readdir, rm } from 'node:fs/promises';
import { LabError } from './lab-error.js';
import { HOSTS_STATE_DIR, NETNS_DIR, STATE_DIR, hostStateDir } from './paths.js';
import { killRecorded, pidsInLabNetns, readPidRecord, waitGone, type PidRecord } from './pids.js';
import { deleteBridge, deleteHostNetworks } from './network.js';
import { run } from './proc.js';
import { isStateDirMounted } from './state.js';
import { NAME_PREFIX, hostIndex, labHost } from './topology.js';

/** Kill, then delete the netns, veths and state dirs of these hosts. */
export async function removeHosts(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const hosts = names.map((n) => labHost(hostIndex(n)!));
  const recs = (await Promise.all(names.map(readPidRecord))).filter((r): r is PidRecord => r !== null);
  await Promise.all(recs.map(killRecorded));
  // Killing pid 1 ends its pid namespace; what remains is what entered the netns from outside.
  await waitGone(recs);
  await killNetnsPids(hosts.map((h) => h.netns));
  await deleteHostNetworks(hosts);
  await Promise.all(names.map((n) => rm(hostStateDir(n), { recursive: true, force: true })));
}

async function killNetnsPids(netns?: readonly string[]): Promise<void> {
  const found = await pidsInLabNetns(netns);
  for (const pid of found.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  const left = await waitGone([...found].map(([pid, start]) => ({ pid, start })));
  if (left.length) throw new LabError(`processes ${left.map((r) => r.pid).join(', ')} in the lab's netns would not die`);
}

/** Every lab netns on the machine, recorded or not (a lost state dir must not leave them behind). */
export async function labNetnsNames(): Promise<string[]> {
  try {
    return (await readdir(NETNS_DIR)).filter((n) => n.startsWith(NAME_PREFIX));
  } catch {
    return [];
  }
}

/** The machine side of the lab, after the hosts: every rblab-* netns and link, the bridge, the tmpfs. */
export async function removeLabLeftovers(): Promise<void> {
  const recorded = await readdir(HOSTS_STATE_DIR).catch(() => [] as string[]);
  const names = new Set(recorded.filter((n) => hostIndex(n) !== undefined));
  for (const ns of await labNetnsNames()) {
    const name = ns.slice(NAME_PREFIX.length);
    if (hostIndex(name) !== undefined) names.add(name);
  }
  await removeHosts([...names]);
  // Netns named rblab-* that are not host names (another rb version's) still hold our prefix.
  const strays = await labNetnsNames();
  await killNetnsPids(strays);
  for (const ns of strays) await run('ip', ['netns', 'del', ns]);
  await deleteStrayLinks();
  await deleteBridge();
  if (await isStateDirMounted()) {
    const r = await run('umount', [STATE_DIR]);
    if (r.code !== 0) await run('umount', ['-l', STATE_DIR]);
  }
  await rm(STATE_DIR, { recursive: true, force: true });
}

async function deleteStrayLinks(): Promise<void> {
  const r = await run('ip', ['-j', 'link', 'show']);
  if (r.code !== 0) return;
  const links = (JSON.parse(r.stdout) as { ifname: string }[]).map((l) => l.ifname).filter((n) => n.startsWith(NAME_PREFIX));
  for (const l of links) await run('ip', ['link', 'del', l]);
}
