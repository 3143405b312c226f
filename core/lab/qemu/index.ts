// `rb lab up --ipvs N`: the lab hosts live inside a qemu guest whose Debian
// kernel has IPVS (this machine's kernel may not). The guest's NIC is a tap on
// the lab bridge, and the guest runs rb's own `lab up N --uplink eth0
// --no-bridge-address`, so its hosts sit on the same L2 segment at the same
// addresses as a plain lab's: one inventory, reachable directly over ssh.

import { existsSync, promises as fs } from 'node:fs';
import { RbError } from '../../errors.js';
import { ensureBridge, ensureClientKeys, writeInventory, type LabHost } from '../index.js';
import { ensureStateDir, isStateDirMounted, writeState } from '../state.js';
import { NETNS_DIR } from '../paths.js';
import { hostIndex, NAME_PREFIX } from '../topology.js';
import { mergeHosts } from './hosts.js';
import { ensureKernel } from './kernel.js';
import { guestExecWords } from './guest-exec.js';
import { ensureGuestKeys } from './guest-keys.js';
import { closeMaster, guestRun, type GuestSshConfig } from './guest-ssh.js';
import { qemuInstalled, recordedGuest, startGuest, stopGuest, waitForGuest, type GuestProcess } from './guest.js';
import { tcpAnswers, waitReachable } from './reach.js';
import { rbCliArgv } from './rb-cli.js';
import { run } from './run.js';
import { ensureTap, removeTap } from './tap.js';
import * as P from './paths.js';

/** Boot under TCG takes seconds; the margin is for a machine whose cores are busy with other work. */
const BOOT_TIMEOUT_MS = 120_000;
const GUEST_LAB_UP_TIMEOUT_MS = 300_000;

const SSH: GuestSshConfig = {
  address: P.GUEST_ADDRESS,
  key: P.LAB_KEY,
  knownHosts: P.GUEST_KNOWN_HOSTS,
  controlSocket: P.SSH_CONTROL_SOCKET,
};

export interface IpvsStatus {
  running: boolean;
  pid?: number;
  hosts: string[];
}

/** How the running guest was booted, kept for `status` and for measuring. */
export interface BootRecord {
  kver: string;
  accel: 'kvm' | 'tcg';
  kernelCacheMs: number;
  bootToSshMs: number;
  /** Guest uptime when its init had sshd running. */
  guestInitDoneS: number;
}

export async function bootRecord(): Promise<BootRecord | undefined> {
  if (!(await recordedGuest())) return undefined;
  return JSON.parse(await fs.readFile(P.BOOT_RECORD_FILE, 'utf8').catch(() => 'null')) ?? undefined;
}

export interface ExecOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Boot the guest unless it already runs, then bring up rb1..rbN inside it.
 * Idempotent. The caller holds the lab's lock (`rb lab up --ipvs` does): taking
 * it here deadlocks where the lab loads this file as a second module instance
 * (its dynamic import under tsx), whose re-entrancy count starts at zero.
 */
export async function ipvsUp(n: number): Promise<LabHost[]> {
  if (!Number.isInteger(n) || n < 1) throw new RbError(`rb lab up --ipvs: the host count must be a positive integer, got ${n}`);
  if (process.getuid?.() !== 0) throw new RbError('rb lab up --ipvs must run as root');
  if (!qemuInstalled()) throw new RbError('qemu-system-x86_64 is missing: install it with rb lab deps');
  await refuseLocalHosts();
  await ensureStateDir();
  await ensureBridge();
  await ensureClientKeys(n);
  const { authorizedKey } = await ensureGuestKeys({
    hostKey: P.GUEST_HOST_KEY,
    knownHosts: P.GUEST_KNOWN_HOSTS,
    labKey: P.LAB_KEY,
    address: P.GUEST_ADDRESS,
  });
  if (!(await guestAnswers())) await bootGuest(authorizedKey);
  const hosts = mergeHosts(await recordedHosts(), n);
  // Under emulation rb's own `lab up` in the guest takes seconds even when it has nothing to do:
  // skip it when every wanted host already answers.
  if (!(await allAnswer(hosts))) {
    await pushLabFiles();
    const up = await guestRun(SSH, [...rbCliArgv(), 'lab', 'up', String(n), '--uplink', 'eth0', '--no-bridge-address'], {
      timeoutMs: GUEST_LAB_UP_TIMEOUT_MS,
    });
    if (up.code !== 0) throw new RbError(`rb lab up ${n} inside the guest failed (exit ${up.code}): ${tail(up.stderr || up.stdout)}`);
    await waitReachable(hosts.map((h) => h.address), 22, 30_000);
  }
  await fs.writeFile(P.GUEST_HOSTS_FILE, `${JSON.stringify(hosts, null, 2)}\n`);
  await writeInventory(hosts, { guest: true });
  return hosts;
}

/**
 * Fresh rb1..rbN in the running guest without booting it again (a boot under
 * TCG costs tens of seconds): the guest's own `lab down`, then `lab up N`.
 * Boots the guest when none answers. The caller holds the lab's lock.
 */
export async function ipvsFreshHosts(n: number): Promise<LabHost[]> {
  if (await guestAnswers()) {
    const down = await guestRun(SSH, [...rbCliArgv(), 'lab', 'down'], { timeoutMs: GUEST_LAB_UP_TIMEOUT_MS });
    if (down.code !== 0) throw new RbError(`rb lab down inside the guest failed (exit ${down.code}): ${tail(down.stderr || down.stdout)}`);
    await fs.writeFile(P.GUEST_HOSTS_FILE, '[]\n');
  }
  return ipvsUp(n);
}

/** Stop the guest (only the qemu process recorded by us) and remove its tap. `rb lab down` holds the lock. */
export async function ipvsDown(): Promise<void> {
  await closeMaster(SSH);
  await stopGuest();
  await removeTap(P.TAP_DEVICE);
  for (const f of [P.GUEST_HOSTS_FILE, P.QEMU_INITRD, P.BOOT_RECORD_FILE]) await fs.rm(f, { force: true });
  // The guest's hosts are gone with it: a plain `lab up` may take the bridge over.
  if (await isStateDirMounted()) await writeState({ guestHosts: [] });
}

export async function ipvsStatus(): Promise<IpvsStatus> {
  const g = await recordedGuest();
  if (!g) return { running: false, hosts: [] };
  return { running: true, pid: g.pid, hosts: (await recordedHosts()).map((h) => h.name) };
}

/** Run a command in a lab host inside the guest, without ssh to the host (what rb lab exec does, run there). */
export async function ipvsExec(host: string, argv: string[], opts: { input?: string } = {}): Promise<ExecOutput> {
  if (!(await recordedGuest())) throw new RbError('no lab guest is running: start it with rb lab up --ipvs N');
  const r = await guestRun(SSH, guestExecWords(rbCliArgv(), host, argv), { input: opts.input });
  if (r.code === 255 && !(await guestAnswers())) throw new RbError(`the lab guest at ${P.GUEST_ADDRESS} does not answer over ssh`);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

async function bootGuest(authorizedKey: string): Promise<void> {
  // A recorded guest that does not answer is hung or half-booted: start over.
  await ipvsDown();
  const t0 = Date.now();
  const kernel = await ensureKernel();
  const t1 = Date.now();
  await ensureTap(P.TAP_DEVICE, P.LAB_BRIDGE);
  let g: GuestProcess | undefined;
  try {
    const started = await startGuest({ kernel, authorizedKey });
    g = started;
    const guestInitDoneS = await waitForGuest(started, SSH, BOOT_TIMEOUT_MS);
    const boot: BootRecord = { kver: kernel.kver, accel: started.accel, kernelCacheMs: t1 - t0, bootToSshMs: Date.now() - t1, guestInitDoneS };
    await fs.writeFile(P.BOOT_RECORD_FILE, `${JSON.stringify(boot, null, 2)}\n`);
  } catch (e) {
    await stopGuest(g).catch(() => undefined);
    await removeTap(P.TAP_DEVICE).catch(() => undefined);
    throw e;
  }
}

/** Hosts recorded in the guest that answer on their ssh port from here. */
async function allAnswer(hosts: readonly LabHost[]): Promise<boolean> {
  const recorded = new Set((await recordedHosts()).map((h) => h.name));
  if (!hosts.every((h) => recorded.has(h.name))) return false;
  return (await Promise.all(hosts.map((h) => tcpAnswers(h.address, 22)))).every(Boolean);
}

async function guestAnswers(): Promise<boolean> {
  if (!(await recordedGuest())) return false;
  // Generous: a guest judged dead is rebooted, which loses its hosts; a fresh handshake is slow on a busy machine.
  return (await guestRun(SSH, ['true'], { timeoutMs: 30_000 })).code === 0;
}

/**
 * The guest saw /var/lib/rblab as it was at boot (9p with cache=loose); host
 * keys made since (a bigger N) must be copied in, or the guest would make its
 * own and known_hosts would no longer match.
 */
async function pushLabFiles(): Promise<void> {
  const files = ['id_ed25519', 'id_ed25519.pub', 'known_hosts', 'hostkeys'].filter((f) => existsSync(`${P.LAB_DIR}/${f}`));
  const tar = await run('tar', ['-C', P.LAB_DIR, '-cf', '-', ...files]);
  if (tar.code !== 0) throw new RbError(`cannot pack ${P.LAB_DIR}: ${tar.stderr.trim()}`);
  const r = await guestRun(SSH, ['tar', '-C', P.LAB_DIR, '-xf', '-'], { input: tar.stdoutBytes });
  if (r.code !== 0) throw new RbError(`cannot copy the lab keys into the guest: ${tail(r.stderr)}`);
}

/** A plain lab's hosts hold the same addresses as the guest's; both at once would fight over them. */
async function refuseLocalHosts(): Promise<void> {
  const names = await fs.readdir(NETNS_DIR).catch(() => [] as string[]);
  const local = names.find((n) => hostIndex(n.slice(NAME_PREFIX.length)) !== undefined && n.startsWith(NAME_PREFIX));
  if (local) {
    throw new RbError(`a plain lab host (netns ${local}) runs on this machine: rb lab down first, then rb lab up --ipvs`);
  }
}

async function recordedHosts(): Promise<LabHost[]> {
  try {
    return JSON.parse(await fs.readFile(P.GUEST_HOSTS_FILE, 'utf8')) as LabHost[];
  } catch {
    return [];
  }
}

function tail(s: string): string {
  return s.trim().split('\n').slice(-5).join(' | ') || '(no output)';
}
