// The bench's hosts: a block of lab hosts starting at --first-host (default
// rb21, clear of the hosts the integration tests use), brought up and rebuilt
// through the lab's own API, with an inventory (group `lab`, Ansible's
// connection variables only) and a host list for the floor.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KNOWN_HOSTS, LAB_KEY, labHost, labRebuild, labStatus, labUp, renderInventory, type LabHost } from '../core/lab/index.js';

export interface BenchHosts {
  hosts: LabHost[];
  /** Inventory for rb and Ansible. */
  inventory: string;
  /** JSON host list for the floor: it reads no YAML, so its cost is the floor's own. */
  floorHosts: string;
}

/** What the floor needs to connect to one host. */
export interface FloorHost {
  name: string;
  address: string;
  port: number;
  user: string;
  key: string;
  knownHosts: string;
}

export function benchHostRange(first: number, count: number): LabHost[] {
  return Array.from({ length: count }, (_, i) => labHost(first + i));
}

export async function writeBenchInventory(dir: string, hosts: LabHost[]): Promise<BenchHosts> {
  await mkdir(dir, { recursive: true });
  const inventory = join(dir, `inventory-${hosts.length}.yml`);
  const floorHosts = join(dir, `floor-hosts-${hosts.length}.json`);
  await writeFile(inventory, renderInventory(hosts));
  const list: FloorHost[] = hosts.map((h) => ({ name: h.name, address: h.address, port: 22, user: 'root', key: LAB_KEY, knownHosts: KNOWN_HOSTS }));
  await writeFile(floorHosts, JSON.stringify(list));
  return { hosts, inventory, floorHosts };
}

/** Bring the lab up to the last bench host (live hosts are kept; ~0.1 s when all run). */
export async function ensureHosts(hosts: LabHost[]): Promise<void> {
  await labUp(Math.max(...hosts.map((h) => h.index)));
}

/** Fresh hosts for a first apply: files, addresses, sysctls, rules and daemons as built. */
export async function rebuildHosts(hosts: LabHost[]): Promise<void> {
  await labRebuild(hosts.map((h) => h.name));
}

/** Whether any lab host runs: the bench takes the lab down at the end only if it brought it up. */
export async function labRunning(): Promise<boolean> {
  return (await labStatus()).hosts.some((h) => h.alive);
}
