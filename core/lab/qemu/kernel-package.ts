// Debian's `linux-image-amd64` is a metapackage; the kernel itself is the ABI
// package it depends on (linux-image-6.1.0-56-amd64), renamed with each ABI bump.

import { RbError } from '../../errors.js';

export interface KernelPackage {
  /** e.g. linux-image-6.1.0-56-amd64 */
  name: string;
  /** The kernel release the package installs under /lib/modules, e.g. 6.1.0-56-amd64 */
  kver: string;
}

const DEPENDS = /^\s*(?:\|)?Depends:\s*(linux-image-(\d[\w.+~-]*-amd64))(?:-unsigned)?\s*$/;

/** Parse `apt-cache depends linux-image-amd64`; the first linux-image-* dependency wins. */
export function parseKernelPackage(aptCacheDepends: string): KernelPackage {
  for (const line of aptCacheDepends.split('\n')) {
    const m = DEPENDS.exec(line);
    if (m) return { name: m[1], kver: m[2] };
  }
  const shown = aptCacheDepends.trim().split('\n').slice(0, 3).join(' | ') || '(no output)';
  throw new RbError(`cannot find the kernel package behind linux-image-amd64 in apt-cache output: ${shown}`);
}
