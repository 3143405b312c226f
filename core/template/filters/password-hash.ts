// Ansible's password_hash filter (`'{{ pw | password_hash('sha512', salt) }}'`
// for the user module): SHA-crypt as glibc's crypt() computes it (Ulrich
// Drepper's specification), which is what Ansible calls on a controller without
// passlib: `$6$SALT$...` (5000 rounds, none written) or `$6$rounds=N$SALT$...`.
// Without a salt, a random one of 16 characters.

import { createHash, randomInt } from 'node:crypto';
import { TemplateError } from '../../errors.js';
import { bindArgs } from '../args.js';
import { pyStr } from '../python.js';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface Algo {
  id: string;
  hash: 'sha256' | 'sha512';
  size: number;
  /** Byte triples of the final digest, in the order crypt() encodes them. */
  order: number[][];
}

const SHA512: Algo = {
  id: '6', hash: 'sha512', size: 64,
  order: [[0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
    [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41], [-1, -1, 63]],
};
const SHA256: Algo = {
  id: '5', hash: 'sha256', size: 32,
  order: [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29], [-1, 31, 30]],
};
const ALGOS: Record<string, Algo> = { sha512: SHA512, sha512_crypt: SHA512, sha256: SHA256, sha256_crypt: SHA256 };

function digest(algo: Algo, ...parts: Buffer[]): Buffer {
  const h = createHash(algo.hash);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** `n` bytes of `block` repeated. */
function repeated(block: Buffer, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = block[i % block.length];
  return out;
}

export function shaCrypt(password: string, salt: string, algoName = 'sha512', rounds?: number): string {
  const algo = ALGOS[algoName];
  if (!algo) throw new TemplateError(`password_hash: ${algoName} is not supported (rb has sha512 and sha256)`);
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(salt.slice(0, 16), 'utf8');
  const R = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, rounds));
  const B = digest(algo, P, S, P);
  const a = createHash(algo.hash).update(P).update(S);
  let i = P.length;
  for (; i > algo.size; i -= algo.size) a.update(B);
  a.update(B.subarray(0, i));
  for (let n = P.length; n > 0; n >>= 1) a.update(n & 1 ? B : P);
  const A = a.digest();
  const Pp = repeated(digest(algo, ...Array(P.length).fill(P)), P.length);
  const Sp = repeated(digest(algo, ...Array(16 + A[0]).fill(S)), S.length);
  let C = A;
  for (let r = 0; r < R; r++) {
    const h = createHash(algo.hash);
    h.update(r & 1 ? Pp : C);
    if (r % 3) h.update(Sp);
    if (r % 7) h.update(Pp);
    h.update(r & 1 ? C : Pp);
    C = h.digest();
  }
  let out = '';
  for (const [b2, b1, b0] of algo.order) {
    let w = ((b2 < 0 ? 0 : C[b2]) << 16) | ((b1 < 0 ? 0 : C[b1]) << 8) | C[b0];
    const n = b2 >= 0 ? 4 : b1 >= 0 ? 3 : 2;
    for (let k = 0; k < n; k++, w >>= 6) out += ITOA64[w & 0x3f];
  }
  return `$${algo.id}$${rounds === undefined ? '' : `rounds=${R}$`}${S.toString('utf8')}$${out}`;
}

export function passwordHash(value: unknown, ...args: unknown[]): string {
  const a = bindArgs('password_hash', args, [['hashtype', 'sha512'], ['salt', null], ['salt_size', null], ['rounds', null], ['ident', null]]);
  const type = pyStr(a.hashtype);
  const size = a.salt_size === null ? 16 : Number(a.salt_size);
  const salt = a.salt === null ? Array.from({ length: size }, () => ITOA64[randomInt(64)]).join('') : pyStr(a.salt);
  if (/[^./0-9A-Za-z]/.test(salt)) throw new TemplateError('password_hash: invalid characters in salt');
  if (salt.length > 16 || !Number.isInteger(size) || size < 1 || size > 16) throw new TemplateError('password_hash: invalid salt size');
  return shaCrypt(pyStr(value), salt, type, a.rounds === null ? undefined : Number(a.rounds));
}
