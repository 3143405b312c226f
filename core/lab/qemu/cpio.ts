// The initramfs is a "newc" cpio archive. The kernel also accepts several
// archives concatenated, which lets each boot append its init scripts to the
// cached base archive (busybox + modules) without rebuilding it.

export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Buffer | string; mode?: number }
  | { type: 'symlink'; path: string; target: string };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** Serialise entries into one newc archive ending with the TRAILER!!! record. */
export function cpioArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, '');
    if (!path) throw new Error('cpio entry with an empty path');
    if (e.type === 'dir') parts.push(record(ino++, S_IFDIR | (e.mode ?? 0o755), 2, path, Buffer.alloc(0)));
    else if (e.type === 'file') parts.push(record(ino++, S_IFREG | (e.mode ?? 0o644), 1, path, Buffer.from(e.data)));
    else parts.push(record(ino++, S_IFLNK | 0o777, 1, path, Buffer.from(e.target)));
  }
  parts.push(record(0, 0, 1, 'TRAILER!!!', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

function record(ino: number, mode: number, nlink: number, name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'latin1');
  return Buffer.concat([header, nameBytes, pad(header.length + nameBytes.length), data, pad(data.length)]);
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

function pad(len: number): Buffer {
  return Buffer.alloc((4 - (len % 4)) % 4);
}
