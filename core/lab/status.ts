// `rb lab status` and `rb lab down`: what runs, and removing all of it.

import { access } from 'node:fs/promises';
import { bridgeExists } from './network.js';
import { INVENTORY } from './paths.js';
import { isAlive, readPidRecord } from './pids.js';
import { removeInventory } from './inventory.js';
import { requireRoot } from './preflight.js';
import { guestRecorded, ipvsPart } from './qemu-link.js';
import { isStateDirMounted, readState, recordedHostNames, withLock } from './state.js';
import { removeLabLeftovers } from './teardown.js';
import { byIndex, hostIndex, labHost, type LabHost } from './topology.js';

export interface LabHostStatus extends LabHost {
  alive: boolean;
}

export interface LabStatus {
  /** The state tmpfs is mounted: something of the lab exists. */
  up: boolean;
  bridge: boolean;
  hosts: LabHostStatus[];
  guest?: { running: boolean; pid?: number; hosts: string[] };
  /** Path of the inventory, null when none is written. */
  inventory: string | null;
}

export async function labStatus(): Promise<LabStatus> {
  const [up, bridge, names, state] = await Promise.all([isStateDirMounted(), bridgeExists(), recordedHostNames(), readState()]);
  const hosts: LabHostStatus[] = await Promise.all(
    names.map(async (name) => {
      const rec = await readPidRecord(name);
      const alive = await isAlive(rec);
      return { ...labHost(hostIndex(name)!), pid: alive ? rec!.pid : undefined, alive };
    }),
  );
  for (const g of state.guestHosts) hosts.push({ ...g, alive: true });
  hosts.sort(byIndex);
  const guest = (await guestRecorded()) ? await (await ipvsPart()).ipvsStatus() : undefined;
  if (guest) for (const h of hosts) if (h.inGuest) h.alive = guest.running && guest.hosts.includes(h.name);
  const inventory = await access(INVENTORY).then(
    () => INVENTORY,
    () => null,
  );
  return { up, bridge, hosts, guest, inventory };
}

/** Stop the guest (if any), every host, and remove every rblab-* netns, link, mount and the state dir. */
export async function labDown(): Promise<void> {
  requireRoot();
  await withLock(async () => {
    if (await guestRecorded()) await (await ipvsPart()).ipvsDown();
    await removeLabLeftovers();
    await removeInventory();
  });
}
