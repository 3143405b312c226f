// Client-side keys: the lab key (root's authorized key in every host) and one
// host key per host name, generated once and reused on every rebuild, so the
// known_hosts file stays valid and strict host-key checking just works.

import { mkdir, readFile, readdir, rename, rm, writeFile, access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HOSTKEYS_DIR, KNOWN_HOSTS, LAB_DIR, LAB_KEY, hostKeyPath } from './paths.js';
import { must } from './proc.js';
import { byIndex, hostIndex, labHost } from './topology.js';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function ensureKeyPair(path: string, comment: string): Promise<void> {
  if ((await exists(path)) && (await exists(`${path}.pub`))) return;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], `generate ${path}`);
}

/** `rb1,198.18.0.11 ssh-ed25519 AAAA...` for every host key present. */
export function knownHostsLine(name: string, address: string, publicKey: string): string {
  const [type, key] = publicKey.trim().split(/\s+/);
  return `${name},${address} ${type} ${key}`;
}

/** The lab key, host keys for rb1..rbN (existing ones kept) and a known_hosts listing every host key. */
export async function ensureClientKeys(n: number): Promise<void> {
  await mkdir(LAB_DIR, { recursive: true, mode: 0o755 });
  await mkdir(HOSTKEYS_DIR, { recursive: true, mode: 0o700 });
  const names = Array.from({ length: n }, (_, i) => labHost(i + 1).name);
  await Promise.all([ensureKeyPair(LAB_KEY, 'rblab'), ...names.map((name) => ensureKeyPair(hostKeyPath(name), name))]);
  await writeKnownHosts();
}

async function writeKnownHosts(): Promise<void> {
  const hosts = (await readdir(HOSTKEYS_DIR))
    .map(hostIndex)
    .filter((i): i is number => i !== undefined)
    .map(labHost)
    .sort(byIndex);
  const lines: string[] = [];
  for (const h of hosts) {
    const pub = await readFile(`${hostKeyPath(h.name)}.pub`, 'utf8').catch(() => null);
    if (pub) lines.push(knownHostsLine(h.name, h.address, pub));
  }
  const text = `${lines.join('\n')}\n`;
  if ((await readFile(KNOWN_HOSTS, 'utf8').catch(() => null)) === text) return;
  await writeFile(`${KNOWN_HOSTS}.tmp`, text, { mode: 0o644 });
  await rename(`${KNOWN_HOSTS}.tmp`, KNOWN_HOSTS);
}
