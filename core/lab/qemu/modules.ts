// Which kernel module files the initramfs needs, in load order, as modprobe
// resolves them against the cached kernel's modules.dep.

import { RbError } from '../../errors.js';

/** Modules the first stage needs to reach this machine's `/` over 9p and overlay it. */
export const INITRAMFS_MODULES = ['virtio_pci', 'virtio_net', '9pnet_virtio', '9p', 'overlay'] as const;

/** Loaded by the guest's init from the bind-mounted module tree. */
export const GUEST_MODULES = [
  'bridge', 'veth', 'tun', 'ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_lc', 'ip_vs_wlc', 'ip_vs_sh',
  'ip_vs_dh', 'ip_vs_sed', 'ip_vs_nq', 'ip_vs_lblc', 'ip_vs_lblcr', 'ip_vs_fo', 'ip_vs_ovf', 'ip_vs_mh',
] as const;

export interface ShowDepends {
  /** Module files to insmod, dependencies first. Empty when the module is built in. */
  files: string[];
  builtin: boolean;
}

/** Parse `modprobe --show-depends NAME` (one module per call: extra names are read as parameters). */
export function parseShowDepends(output: string, module: string): ShowDepends {
  const files: string[] = [];
  let builtin = false;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const insmod = /^insmod\s+(\S+\.ko(?:\.(?:xz|zst|gz))?)(?:\s.*)?$/.exec(line);
    if (insmod) {
      files.push(insmod[1]);
    } else if (/^builtin\s+\S+$/.test(line)) {
      builtin = true;
    } else {
      throw new RbError(`unexpected line from modprobe --show-depends ${module}: ${line}`);
    }
  }
  if (!files.length && !builtin) throw new RbError(`modprobe --show-depends ${module} printed nothing`);
  return { files, builtin };
}

/** Concatenate several modules' load lists, keeping the first occurrence of each file. */
export function mergeLoadOrder(lists: readonly string[][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const f of list) {
      if (!seen.has(f)) {
        seen.add(f);
        out.push(f);
      }
    }
  }
  return out;
}
