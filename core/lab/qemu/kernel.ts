// The guest's kernel: Debian's current amd64 kernel, fetched with apt-get
// without installing it, unpacked into a cache that is built once per kernel
// ABI version — in a temp dir renamed into place, so a crash or a concurrent
// run never leaves a half-built cache that looks complete.

import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { RbError } from '../../errors.js';
import { KERNEL_CACHE_ROOT } from './paths.js';
import { run, runChecked } from './run.js';
import { parseKernelPackage, type KernelPackage } from './kernel-package.js';
import { INITRAMFS_MODULES, mergeLoadOrder, parseShowDepends } from './modules.js';
import { buildBaseInitramfs } from './initramfs.js';
import { extractVmlinux } from './vmlinux.js';

export interface KernelCache {
  kver: string;
  dir: string;
  /** ELF vmlinux (PVH boot) when it could be extracted, else the bzImage. */
  kernel: string;
  modulesDir: string;
  baseInitramfs: string;
}

const MARKER = 'cache.json';

/** Make sure the cache for the current Debian kernel exists; idempotent and quick when it does. */
export async function ensureKernel(root = KERNEL_CACHE_ROOT): Promise<KernelCache> {
  await fs.mkdir(root, { recursive: true, mode: 0o755 });
  await removeAbandonedBuilds(root);
  let pkg: KernelPackage;
  try {
    pkg = await resolveKernelPackage();
  } catch (e) {
    // Offline or no apt lists: any complete cache is better than no lab.
    const fallback = await newestCache(root);
    if (fallback) return fallback;
    throw e;
  }
  const existing = await readCache(join(root, pkg.kver));
  if (existing) return existing;
  try {
    return await build(root, pkg);
  } catch (e) {
    if (!(e instanceof DownloadError)) throw e;
    // Stale package lists name a kernel the archive no longer has (a security update renamed the ABI).
    await run('apt-get', ['update', '-qq']);
    const fresh = await resolveKernelPackage();
    return (await readCache(join(root, fresh.kver))) ?? build(root, fresh);
  }
}

class DownloadError extends RbError {}

async function resolveKernelPackage(): Promise<KernelPackage> {
  let r = await run('apt-cache', ['depends', 'linux-image-amd64']);
  if (r.code !== 0 || !r.stdout.includes('Depends:')) {
    // A fresh machine has no package lists yet.
    await run('apt-get', ['update', '-qq']);
    r = await run('apt-cache', ['depends', 'linux-image-amd64']);
  }
  if (r.code !== 0) {
    throw new RbError(`apt-cache cannot resolve linux-image-amd64 (run apt-get update): ${tail(r.stderr)}`);
  }
  return parseKernelPackage(r.stdout);
}

async function build(root: string, pkg: KernelPackage): Promise<KernelCache> {
  const tmp = join(root, `.build-${pkg.kver}-${process.pid}`);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  try {
    const deb = await download(pkg.name, tmp);
    const unpacked = join(tmp, 'unpacked');
    await runChecked('dpkg-deb', ['-x', deb, unpacked], {}, `cannot unpack ${pkg.name}`);
    await fs.rm(deb);
    const modulesDir = join(unpacked, 'lib', 'modules', pkg.kver);
    // Newer Debian releases ship the modules under /usr/lib; depmod -b and the guest expect lib/.
    const usrModules = join(unpacked, 'usr', 'lib', 'modules', pkg.kver);
    if (!existsSync(modulesDir) && existsSync(usrModules)) {
      await fs.mkdir(join(unpacked, 'lib', 'modules'), { recursive: true });
      await fs.rename(usrModules, modulesDir);
    }
    await fs.rm(join(unpacked, 'usr'), { recursive: true, force: true });
    if (!existsSync(modulesDir)) throw new RbError(`${pkg.name} has no lib/modules/${pkg.kver}`);
    await runChecked('depmod', ['-b', unpacked, pkg.kver], {}, 'depmod failed on the cached kernel');
    const bzImage = join(unpacked, 'boot', `vmlinuz-${pkg.kver}`);
    const vmlinux = join(unpacked, 'boot', `vmlinux-${pkg.kver}`);
    const kernel = (await extractVmlinux(bzImage, vmlinux)) ? vmlinux : bzImage;
    const moduleFiles = await initramfsModuleFiles(unpacked, pkg.kver);
    await buildBaseInitramfs(join(unpacked, 'initramfs-base.cpio'), moduleFiles);
    const final = join(root, pkg.kver);
    const cache = {
      kver: pkg.kver,
      dir: final,
      kernel: kernel.replace(unpacked, final),
      modulesDir: modulesDir.replace(unpacked, final),
      baseInitramfs: join(final, 'initramfs-base.cpio'),
    };
    await fs.writeFile(join(unpacked, MARKER), `${JSON.stringify({ ...cache, package: pkg.name }, null, 2)}\n`);
    try {
      await fs.rename(unpacked, final);
    } catch (e) {
      // Another run finished the same kernel first: use its cache.
      const other = await readCache(final);
      if (!other) throw e;
      return other;
    }
    return cache;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function download(pkg: string, dir: string): Promise<string> {
  const r = await run('apt-get', ['download', '-o', 'APT::Sandbox::User=root', pkg], { cwd: dir });
  const deb = (await fs.readdir(dir)).find((f) => f.endsWith('.deb'));
  if (r.code !== 0 || !deb) {
    throw new DownloadError(`cannot download ${pkg} with apt-get (exit ${r.code}): ${tail(r.stderr || r.stdout)}`);
  }
  return join(dir, deb);
}

async function initramfsModuleFiles(base: string, kver: string): Promise<string[]> {
  const lists: string[][] = [];
  for (const m of INITRAMFS_MODULES) {
    const r = await runChecked('modprobe', ['-d', base, '-S', kver, '--show-depends', m], {}, `module ${m} not found in ${kver}`);
    lists.push(parseShowDepends(r.stdout, m).files);
  }
  return mergeLoadOrder(lists);
}

async function readCache(dir: string): Promise<KernelCache | undefined> {
  try {
    const c = JSON.parse(await fs.readFile(join(dir, MARKER), 'utf8')) as KernelCache;
    if (c.dir === dir && existsSync(c.kernel) && existsSync(c.baseInitramfs) && existsSync(c.modulesDir)) return c;
  } catch {
    // Missing or unreadable marker: not a complete cache.
  }
  return undefined;
}

async function newestCache(root: string): Promise<KernelCache | undefined> {
  const names = (await fs.readdir(root)).filter((n) => !n.startsWith('.')).sort(compareKver).reverse();
  for (const n of names) {
    const c = await readCache(join(root, n));
    if (c) return c;
  }
  return undefined;
}

/** Build dirs of runs that died (their pid is gone) are left over; remove them. */
async function removeAbandonedBuilds(root: string): Promise<void> {
  for (const n of await fs.readdir(root)) {
    const m = /^\.build-.*-(\d+)$/.exec(n);
    if (m && !existsSync(`/proc/${m[1]}`)) await fs.rm(join(root, n), { recursive: true, force: true });
  }
}

export function compareKver(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function tail(s: string): string {
  return s.trim().split('\n').slice(-3).join(' | ') || '(no output)';
}
