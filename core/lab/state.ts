// Lab-wide state: the tmpfs state dir, state.json (how the lab was brought
// up, which hosts live in the qemu guest) and the lock that serialises
// `rb lab` commands.

import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rename, writeFile, readdir, type FileHandle } from 'node:fs/promises';
import { BOOT_FILE, LAB_DIR, LOCK_FILE, STATE_DIR, STATE_FILE, HOSTS_STATE_DIR, DEV_TEMPLATE_DIR } from './paths.js';
import { BOOT_SCRIPT } from './boot.js';
import { must, run } from './proc.js';
import { LabError } from './lab-error.js';
import { hostIndex, type LabHost } from './topology.js';

export interface LabState {
  /** Interface enslaved to the bridge by `up --uplink` (inside the qemu guest: its NIC). */
  uplink?: string;
  /** False inside the qemu guest, where the machine already holds 198.18.0.1. */
  bridgeAddress: boolean;
  /** Hosts that live in the qemu guest, recorded when the qemu part writes its inventory. */
  guestHosts: LabHost[];
  /** Names listed in every host's /etc/hosts; when the set changes, running hosts get the new list. */
  members: string[];
}

const EMPTY: LabState = { bridgeAddress: true, guestHosts: [], members: [] };

export async function readState(): Promise<LabState> {
  try {
    return { ...EMPTY, ...(JSON.parse(await readFile(STATE_FILE, 'utf8')) as Partial<LabState>) };
  } catch {
    return { ...EMPTY };
  }
}

export async function writeState(patch: Partial<LabState>): Promise<void> {
  await ensureStateDir();
  const next = { ...(await readState()), ...patch };
  await writeFile(`${STATE_FILE}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  await rename(`${STATE_FILE}.tmp`, STATE_FILE);
}

export async function isStateDirMounted(): Promise<boolean> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  return mountinfo.split('\n').some((l) => l.split(' ')[4] === STATE_DIR);
}

/**
 * The state dir is its own tmpfs: overlay upper dirs may not sit on the lower
 * filesystem (`/`), and `down` clears everything with one umount.
 */
export async function ensureStateDir(): Promise<void> {
  if (!(await isStateDirMounted())) {
    await mkdir(STATE_DIR, { recursive: true, mode: 0o700 });
    await must('mount', ['-t', 'tmpfs', '-o', 'mode=0700,nosuid', 'rblab', STATE_DIR], `mount tmpfs on ${STATE_DIR}`);
  }
  await mkdir(HOSTS_STATE_DIR, { recursive: true, mode: 0o700 });
  // Replaced, never rewritten in place: a booting host's bash may be reading the old one.
  if ((await readFile(BOOT_FILE, 'utf8').catch(() => '')) !== BOOT_SCRIPT) {
    await writeFile(`${BOOT_FILE}.tmp`, BOOT_SCRIPT, { mode: 0o644 });
    await rename(`${BOOT_FILE}.tmp`, BOOT_FILE);
  }
  await ensureDevTemplate();
}

const DEVICES: [string, string, number, number][] = [
  ['null', 'c', 1, 3],
  ['zero', 'c', 1, 5],
  ['full', 'c', 1, 7],
  ['random', 'c', 1, 8],
  ['urandom', 'c', 1, 9],
  ['tty', 'c', 5, 0],
  ['net/tun', 'c', 10, 200],
];
const DEV_LINKS: [string, string][] = [
  ['ptmx', 'pts/ptmx'],
  ['fd', '/proc/self/fd'],
  ['stdin', '/proc/self/fd/0'],
  ['stdout', '/proc/self/fd/1'],
  ['stderr', '/proc/self/fd/2'],
];

/** Built once per lab; each host boot copies it into its private /dev with one `cp -a`. */
async function ensureDevTemplate(): Promise<void> {
  try {
    if ((await readdir(DEV_TEMPLATE_DIR)).includes('stderr')) return;
  } catch {
    /* not built yet */
  }
  const tmp = `${DEV_TEMPLATE_DIR}.tmp`;
  await run('rm', ['-rf', tmp]);
  await mkdir(`${tmp}/net`, { recursive: true, mode: 0o755 });
  await mkdir(`${tmp}/pts`, { mode: 0o755 });
  await mkdir(`${tmp}/shm`, { mode: 0o1777 });
  for (const [name, type, major, minor] of DEVICES) {
    await must('mknod', ['-m', '666', `${tmp}/${name}`, type, String(major), String(minor)], `mknod /dev/${name}`);
  }
  for (const [name, target] of DEV_LINKS) await must('ln', ['-s', target, `${tmp}/${name}`], `link /dev/${name}`);
  await rename(tmp, DEV_TEMPLATE_DIR);
}

/** Names of hosts with a state dir (alive or not). */
export async function recordedHostNames(): Promise<string[]> {
  try {
    return (await readdir(HOSTS_STATE_DIR)).filter((n) => hostIndex(n) !== undefined);
  } catch {
    return [];
  }
}

let lockDepth = 0;

/**
 * Run fn holding an exclusive flock on the lock file. Re-entrant within this
 * process (the qemu part may call back into labUp). The lock is taken by a
 * `flock` child on our inherited descriptor: flock locks belong to the open
 * file description, so it stays held by us after the child exits, and is
 * released by the kernel if rb dies.
 */
export async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  if (lockDepth > 0) {
    lockDepth++;
    try {
      return await fn();
    } finally {
      lockDepth--;
    }
  }
  await mkdir(LAB_DIR, { recursive: true, mode: 0o755 });
  const fh = await open(LOCK_FILE, 'a', 0o600);
  try {
    if ((await flock(fh, ['-n'])) !== 0) {
      process.stderr.write('rb lab: waiting for another rb lab command to finish\n');
      if ((await flock(fh, ['-w', '300'])) !== 0) throw new LabError(`could not lock ${LOCK_FILE} within 300 s`);
    }
  } catch (err) {
    await fh.close();
    throw err;
  }
  lockDepth = 1;
  try {
    return await fn();
  } finally {
    lockDepth = 0;
    await fh.close();
  }
}

function flock(fh: FileHandle, flags: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', [...flags, '-x', '3'], { stdio: ['ignore', 'ignore', 'ignore', fh.fd] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}
