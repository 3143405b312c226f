// Checks made before `rb lab up` creates anything, so a missing prerequisite
// is one clear line and leaves nothing half-made.

import { access, readFile } from 'node:fs/promises';
import { LabError } from './lab-error.js';
import { run } from './proc.js';

/** Executables the lab itself runs, with the Debian package that ships each. */
export const LAB_TOOLS: readonly [path: string, pkg: string][] = [
  ['/usr/bin/ip', 'iproute2'],
  ['/usr/bin/unshare', 'util-linux'],
  ['/usr/bin/nsenter', 'util-linux'],
  ['/usr/sbin/pivot_root', 'util-linux'],
  ['/usr/bin/flock', 'util-linux'],
  ['/usr/bin/tini', 'tini'],
  ['/usr/sbin/sshd', 'openssh-server'],
  ['/usr/bin/ssh-keygen', 'openssh-client'],
  ['/usr/bin/setfattr', 'attr'],
  ['/bin/busybox', 'busybox-static'],
];

export function requireRoot(uid = process.getuid?.() ?? 0): void {
  if (uid !== 0) throw new LabError('rb lab needs root (namespaces, mounts, a bridge): run it with sudo');
}

/** Packages whose tools are missing under `root` (a directory standing in for `/` in tests). */
export async function missingPackages(root = '/'): Promise<string[]> {
  const missing = new Set<string>();
  await Promise.all(
    LAB_TOOLS.map(async ([path, pkg]) => {
      try {
        await access(`${root.replace(/\/$/, '')}${path}`);
      } catch {
        missing.add(pkg);
      }
    }),
  );
  return [...missing].sort();
}

export async function requireTools(root = '/'): Promise<void> {
  const missing = await missingPackages(root);
  if (missing.length) {
    throw new LabError(`missing package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: run \`rb lab deps\``);
  }
}

/** /proc/filesystems lists "nodev\toverlay" when overlayfs is available. */
export function hasOverlay(procFilesystems: string): boolean {
  return procFilesystems.split('\n').some((l) => l.trim().split(/\s+/).pop() === 'overlay');
}

export async function requireOverlay(): Promise<void> {
  if (hasOverlay(await readFile('/proc/filesystems', 'utf8'))) return;
  // A modular overlayfs is listed only once loaded.
  await run('modprobe', ['overlay']).catch(() => undefined);
  if (hasOverlay(await readFile('/proc/filesystems', 'utf8'))) return;
  throw new LabError('this kernel has no overlayfs (try `modprobe overlay`): lab hosts need it for their private /');
}
