// Turn a bzImage into the ELF vmlinux it carries (see bzimage.ts for why).

import { openSync, closeSync, promises as fs } from 'node:fs';
import { spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { bzImagePayload } from './bzimage.js';
import { isElf } from './elf.js';

/** Write the decompressed kernel to `out`; false (and nothing left behind) when it cannot be done. */
export async function extractVmlinux(bzImage: string, out: string): Promise<boolean> {
  try {
    const image = await fs.readFile(bzImage);
    const p = bzImagePayload(image);
    const payload = image.subarray(p.offset, p.offset + p.length);
    if (p.compression === 'gzip') await fs.writeFile(out, gunzipSync(payload));
    else if (p.compression === 'xz') await decompressTo('xz', ['-dc', '--single-stream'], payload, out);
    else if (p.compression === 'zstd') await decompressTo('zstd', ['-dcq'], payload, out);
    else return false;
    const head = Buffer.alloc(4);
    const fh = await fs.open(out);
    await fh.read(head, 0, 4, 0);
    await fh.close();
    if (isElf(head)) return true;
  } catch {
    // Fall through: the bzImage itself still boots, only slower.
  }
  await fs.rm(out, { force: true });
  return false;
}

/** Stream the payload through the decompressor (the appended size word is ignored by --single-stream). */
function decompressTo(cmd: string, args: string[], input: Buffer, out: string): Promise<void> {
  const fd = openSync(out, 'w');
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', fd, 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
    const stdin = child.stdin;
    if (!stdin) return reject(new Error(`${cmd}: no stdin pipe`));
    stdin.on('error', () => undefined);
    stdin.end(input);
  }).finally(() => closeSync(fd));
}
