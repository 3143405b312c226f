// `rb lab deps`: install the Debian packages the lab and rb's modules need,
// with a policy-rc.d that forbids starting services, so installing keepalived
// or heartbeat starts no daemon on this machine. Quick when all is there.

import { spawn } from 'node:child_process';
import { access, chmod, rename, rm, writeFile } from 'node:fs/promises';
import { LabError } from './lab-error.js';
import { requireRoot } from './preflight.js';
import { run } from './proc.js';

/** busybox-static, not busybox: the two conflict and the qemu initramfs needs the static one. */
export const LAB_PACKAGES = [
  'openssh-server', 'openssh-client', 'tini', 'attr', 'iproute2', 'util-linux', 'iptables', 'procps',
  'busybox-static', 'keepalived', 'rsync', 'lsyncd', 'heartbeat', 'ldirectord', 'ipvsadm', 'arping',
  'sudo', 'kmod', 'cpio', 'xz-utils', 'qemu-system-x86', 'curl',
] as const;

const POLICY_RC_D = '/usr/sbin/policy-rc.d';
const DENY_ALL = '#!/bin/sh\n# rb lab deps: no service starts while packages install.\nexit 101\n';

/** Packages not installed, from `dpkg-query -W` output ("ii  name" per line). */
export function notInstalled(wanted: readonly string[], dpkgOutput: string): string[] {
  const installed = new Set(
    dpkgOutput
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([status]) => status === 'ii')
      .map(([, name]) => name.split(':')[0]),
  );
  return wanted.filter((p) => !installed.has(p));
}

export async function uninstalledPackages(packages: readonly string[] = LAB_PACKAGES): Promise<string[]> {
  const r = await run('dpkg-query', ['-W', '-f', '${db:Status-Abbrev} ${Package}\\n', ...packages]);
  return notInstalled(packages, r.stdout);
}

export interface DepsOptions {
  packages?: readonly string[];
  log?: (line: string) => void;
}

export async function labDeps(opts: DepsOptions = {}): Promise<void> {
  requireRoot();
  const packages = opts.packages ?? LAB_PACKAGES;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const missing = await uninstalledPackages(packages);
  if (missing.length === 0) {
    log(`rb lab deps: all ${packages.length} packages are installed`);
    return;
  }
  log(`rb lab deps: installing ${missing.join(' ')}`);
  const saved = `${POLICY_RC_D}.rblab-saved`;
  const hadPolicy = await access(POLICY_RC_D).then(
    () => true,
    () => false,
  );
  if (hadPolicy) await rename(POLICY_RC_D, saved);
  try {
    await writeFile(POLICY_RC_D, DENY_ALL);
    await chmod(POLICY_RC_D, 0o755);
    await apt(['update']);
    await apt(['install', '-y', ...missing]);
  } finally {
    await rm(POLICY_RC_D, { force: true });
    if (hadPolicy) await rename(saved, POLICY_RC_D);
  }
  const still = await uninstalledPackages(packages);
  if (still.length) throw new LabError(`rb lab deps: still not installed: ${still.join(' ')}`);
}

function apt(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new LabError(`apt-get ${args[0]} failed (exit ${code})`))));
  });
}
