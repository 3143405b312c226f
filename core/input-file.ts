// Reading a file the user names (playbook, inventory, vars file, -e @file):
// only a regular file is opened (a FIFO or a device could block the run or
// never end; a directory is not a document); the text must be UTF-8 without
// NUL bytes (a BOM is dropped); a file encrypted with Ansible Vault is
// decrypted with this run's vault passwords. Errors name file:line:col.

import { readFileSync, statSync, type Stats } from 'node:fs';
import { ConfigError, RbError } from './errors.js';
import { isVaultText } from './vault/decrypt.js';
import { decryptVault } from './vault/passwords.js';

/** Files above this size are refused: no playbook, inventory or vars file is that large. */
const MAX_BYTES = 64 * 1024 * 1024;

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function fail(file: string, message: string, line = 1, col = 1): never {
  throw new ConfigError([{ message, loc: { file, line, col } }]);
}

/** Line and column (1-based) of byte `offset` of `buf`. */
function lineCol(buf: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: Buffer.from(buf.subarray(start, offset)).toString('utf8').length + 1 };
}

/** Validate and decode bytes read from `file`. */
export function decodeInput(buf: Buffer, file: string): string {
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const at = lineCol(buf, nul);
    fail(file, 'the file holds a NUL byte (binary data?)', at.line, at.col);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    // Find the first offending byte for the message.
    let i = 0;
    for (let lo = 0, hi = buf.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid + 1), { stream: true });
        lo = mid + 1;
      } catch {
        hi = mid;
      }
      i = lo;
    }
    const at = lineCol(buf, i);
    fail(file, 'the file is not valid UTF-8', at.line, at.col);
  }
  if (isVaultText(text)) {
    try {
      return decryptVault(text);
    } catch (e) {
      if (e instanceof RbError) fail(file, `this file ${e.message}`);
      throw e;
    }
  }
  return text;
}

/** Read a user-named input file; `what` names it in messages ("playbook", "inventory", ...). */
export function readInputFile(file: string, what = 'file'): string {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    fail(file, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!st.isFile()) fail(file, `cannot read ${what}: it is ${kind(st)}`);
  if (st.size > MAX_BYTES) fail(file, `cannot read ${what}: larger than ${MAX_BYTES / 1024 / 1024} MiB`);
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    fail(file, `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return decodeInput(buf, file);
}
