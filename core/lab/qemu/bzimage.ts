// Booting an ELF vmlinux through PVH skips the bzImage's own decompressor,
// which under TCG emulation costs about 2.4 s per boot. The compressed kernel
// sits inside the bzImage at an offset its setup header records.

import { RbError } from '../../errors.js';

export type Compression = 'xz' | 'gzip' | 'zstd' | 'unknown';

export interface BzPayload {
  offset: number;
  length: number;
  compression: Compression;
}

/** Locate the compressed kernel in a bzImage (Linux boot protocol ≥ 2.08: payload_offset/length). */
export function bzImagePayload(image: Buffer): BzPayload {
  if (image.length < 0x250 || image.toString('latin1', 0x202, 0x206) !== 'HdrS') {
    throw new RbError('not a bzImage: the setup header magic "HdrS" is missing');
  }
  const protocol = image.readUInt16LE(0x206);
  if (protocol < 0x208) {
    throw new RbError(`bzImage boot protocol ${protocol.toString(16)} is older than 2.08 and has no payload offset`);
  }
  // setup_sects 0 means 4 for historical reasons; the protected-mode part follows the setup sectors.
  const setupSects = image[0x1f1] || 4;
  const offset = (setupSects + 1) * 512 + image.readUInt32LE(0x248);
  const length = image.readUInt32LE(0x24c);
  return { offset, length, compression: sniff(image.subarray(offset, offset + 6)) };
}

function sniff(head: Buffer): Compression {
  if (head.length >= 6 && head.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'unknown';
}
