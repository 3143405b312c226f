// The inventory the lab writes: Ansible-compatible YAML, every host in group
// `lab`. rb's SSH transport reads UserKnownHostsFile and StrictHostKeyChecking
// from ansible_ssh_common_args, so the same file works with real Ansible.

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { INVENTORY, KNOWN_HOSTS, LAB_DIR, LAB_KEY } from './paths.js';
import { writeState } from './state.js';
import { byIndex, type LabHost } from './topology.js';

export const SSH_COMMON_ARGS = `-o UserKnownHostsFile=${KNOWN_HOSTS} -o StrictHostKeyChecking=yes`;

export function renderInventory(hosts: readonly LabHost[]): string {
  const out = ['# Written by `rb lab up`; rewritten on every up.', 'all:', '  children:', '    lab:'];
  if (hosts.length === 0) {
    out.push('      hosts: {}');
    return `${out.join('\n')}\n`;
  }
  out.push('      hosts:');
  for (const h of [...hosts].sort(byIndex)) {
    out.push(
      `        ${h.name}:`,
      `          ansible_host: ${h.address}`,
      '          ansible_port: 22',
      '          ansible_user: root',
      `          ansible_ssh_private_key_file: ${LAB_KEY}`,
      `          ansible_ssh_common_args: "${SSH_COMMON_ARGS}"`,
      '          lab_iface: eth0',
      `          lab_mac: "${h.mac}"`,
      `          lab_netns: ${h.netns}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Write the lab inventory and return its path. `guest: true` (called by the
 * qemu part) also records that these hosts live in the guest, so exec,
 * status and down go through the guest for them.
 */
export async function writeInventory(hosts: LabHost[], opts: { guest?: boolean } = {}): Promise<string> {
  if (opts.guest) await writeState({ guestHosts: hosts.map((h) => ({ ...h, inGuest: true })) });
  await mkdir(LAB_DIR, { recursive: true, mode: 0o755 });
  await writeFile(`${INVENTORY}.tmp`, renderInventory(hosts), { mode: 0o644 });
  await rename(`${INVENTORY}.tmp`, INVENTORY);
  return INVENTORY;
}

export async function removeInventory(): Promise<void> {
  await rm(INVENTORY, { force: true });
}
