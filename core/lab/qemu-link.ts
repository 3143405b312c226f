// The seam to the qemu part (`rb lab up --ipvs`, core/lab/qemu/). Loaded on
// demand through a path held in a variable, so the plain lab neither pays for
// it nor fails to build when that part is absent.

import { access } from 'node:fs/promises';
import { LabError } from './lab-error.js';
import { QEMU_STATE_DIR } from './paths.js';
import type { LabHost } from './topology.js';

export interface IpvsPart {
  ipvsUp(n: number): Promise<LabHost[]>;
  ipvsDown(): Promise<void>;
  ipvsStatus(): Promise<{ running: boolean; pid?: number; hosts: string[] }>;
  ipvsExec(host: string, argv: string[], opts?: { input?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
}

const QEMU_MODULE = './qemu/index.js';

export async function ipvsPart(): Promise<IpvsPart> {
  try {
    return (await import(QEMU_MODULE)) as IpvsPart;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes('qemu');
    if (missing) throw new LabError('this build of rb has no qemu lab (rb lab up --ipvs)');
    throw err;
  }
}

/** A guest was started (its state dir exists); `down` must stop it. */
export async function guestRecorded(): Promise<boolean> {
  return access(QEMU_STATE_DIR).then(
    () => true,
    () => false,
  );
}
