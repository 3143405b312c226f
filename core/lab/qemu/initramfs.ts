// The initramfs: a base archive cached with the kernel (static busybox and the
// few modules needed to reach 9p and overlay), plus a small archive per boot
// holding the init scripts, so changing them never invalidates the cache.

import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { RbError } from '../../errors.js';
import { cpioArchive, type CpioEntry } from './cpio.js';
import { hasInterpreter } from './elf.js';

export const BUSYBOX = '/bin/busybox';

export async function buildBaseInitramfs(out: string, moduleFiles: readonly string[]): Promise<void> {
  const busybox = await fs.readFile(BUSYBOX).catch(() => {
    throw new RbError(`${BUSYBOX} is missing: install busybox-static (rb lab deps)`);
  });
  if (hasInterpreter(busybox)) {
    throw new RbError(`${BUSYBOX} is dynamically linked: install busybox-static instead of busybox (rb lab deps)`);
  }
  const entries: CpioEntry[] = [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    { type: 'dir', path: 'modules' },
  ];
  for (const [i, file] of moduleFiles.entries()) {
    entries.push({ type: 'file', path: `modules/${moduleFileName(i, file)}`, data: await fs.readFile(file) });
  }
  await fs.writeFile(out, cpioArchive(entries));
}

/** Zero-padded index first, so the stage-1 glob loads dependencies before their users. */
export function moduleFileName(index: number, file: string): string {
  return `${String(index).padStart(2, '0')}-${basename(file)}`;
}

/** The per-boot archive, appended to the base one (the kernel unpacks concatenated archives in order). */
export function bootArchive(stage1: string, stage2: string): Buffer {
  return cpioArchive([
    { type: 'file', path: 'init', data: stage1, mode: 0o755 },
    { type: 'file', path: 'stage2', data: stage2, mode: 0o755 },
  ]);
}
