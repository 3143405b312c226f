// Ansible's `random` filter: `59 | random(seed=inventory_hostname)` must give the
// number Ansible gives, or a playbook moved to rb would move every cron minute
// on its first run. Python's random.Random is MT19937 seeded through
// init_by_array; a str seed (version 2) is its UTF-8 bytes followed by their
// SHA-512, read as one big-endian integer. Without a seed: crypto randomness.

import { createHash, randomInt } from 'node:crypto';
import { TemplateError } from '../../errors.js';
import { bindArgs } from '../args.js';
import { pyStr } from '../python.js';
import { Undefined } from '../undefined.js';
import { items } from './util.js';

const N = 624;
const M = 397;

/** CPython's Mersenne Twister, seeded as random.Random(seed) seeds it. */
export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private i = N + 1;

  constructor(seed: string | number | bigint) {
    let a: bigint;
    if (typeof seed === 'string') {
      const bytes = Buffer.from(seed, 'utf8');
      const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
      a = BigInt(`0x${all.toString('hex') || '0'}`);
    } else {
      a = BigInt(seed);
      if (a < 0n) a = -a;
    }
    // init_key: the 32-bit words of a, least significant first (at least one).
    const key: number[] = [];
    do {
      key.push(Number(a & 0xffffffffn));
      a >>= 32n;
    } while (a > 0n);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.i = N;
  }

  private initByArray(key: number[]): void {
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = ((this.mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = ((this.mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1];
        i = 1;
      }
    }
    this.mt[0] = 0x80000000;
  }

  /** genrand_uint32. */
  uint32(): number {
    if (this.i >= N) {
      for (let k = 0; k < N; k++) {
        const y = (this.mt[k] & 0x80000000) | (this.mt[(k + 1) % N] & 0x7fffffff);
        this.mt[k] = this.mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.i = 0;
    }
    let y = this.mt[this.i++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** getrandbits(k), k up to 32. */
  bits(k: number): number {
    return this.uint32() >>> (32 - k);
  }

  /** _randbelow(n): uniform in [0, n), by rejection, as CPython draws it. */
  below(n: number): number {
    if (n <= 0) return 0;
    if (n > 0xffffffff) throw new TemplateError('random: ranges above 2**32 are not supported');
    const k = n.toString(2).length;
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }
}

/** `end | random(start=0, step=1, seed=None)`: an integer in range(start, end, step), or a list's element. */
export function random(value: unknown, ...args: unknown[]): unknown {
  const a = bindArgs('random', args, [['start', null], ['step', null], ['seed', null]]);
  const seeded = a.seed !== null && !(a.seed instanceof Undefined);
  const r = seeded ? new PyRandom(typeof a.seed === 'number' ? a.seed : pyStr(a.seed)) : undefined;
  const below = (n: number) => (r ? r.below(n) : n > 0 ? randomInt(n) : 0);
  if (typeof value === 'number' && Number.isInteger(value)) {
    const start = a.start ? Number(a.start) : 0;
    const step = a.step ? Number(a.step) : 1;
    const n = step > 0 ? Math.ceil((value - start) / step) : Math.ceil((start - value) / -step);
    if (n <= 0) throw new TemplateError(`random: empty range for randrange(${start}, ${value}, ${step})`);
    return start + step * below(n);
  }
  if (a.start || a.step) throw new TemplateError('random: start and step can only be used with integer values');
  const list = typeof value === 'string' ? [...value] : items(value, 'random');
  if (!list.length) throw new TemplateError('random: cannot choose from an empty sequence');
  return list[below(list.length)];
}
