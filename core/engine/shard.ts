// --shard K/N: this controller runs one of N stable parts of the estate. A host
// always lands in the same shard (a hash of a key, modulo N), and hosts that
// form an HA group (the modules' `haKeys`: same VRRP instance, same heartbeat
// node list) share one key, so a pair is never split between controllers.
// PURE: names and peer keys in, the kept hosts out.

import { configError } from '../errors.js';

export interface Shard {
  /** 1-based, as CI matrices and `--shard 2/4` count. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw configError(`--shard: "${text}" is not K/N with 1 <= K <= N (for example 2/4; a 0-based index i is $((i+1))/N)`);
  }
  return { index, count };
}

/** 32-bit FNV-1a of the UTF-8 bytes: the same on every controller and Node version. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** FNV-1a followed by murmur3's finalizer: names that differ in one letter (n1, n2) spread over all shards. */
export function shardHash(text: string): number {
  let h = fnv1a(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The shard of every host: hosts linked through a shared HA key are one unit,
 * keyed by the unit's smallest host name (so a pair moves only if its members change).
 */
export function shardOfHosts(hosts: readonly string[], haKeys: ReadonlyMap<string, readonly string[]>, count: number): Map<string, number> {
  const parent = new Map<string, string>(hosts.map((h) => [h, h]));
  const find = (h: string): string => {
    let r = h;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(h, r);
    return r;
  };
  const owner = new Map<string, string>();
  for (const h of hosts) {
    for (const k of haKeys.get(h) ?? []) {
      const first = owner.get(k);
      if (first === undefined) owner.set(k, h);
      else parent.set(find(h), find(first));
    }
  }
  const unitKey = new Map<string, string>();
  for (const h of hosts) {
    const root = find(h);
    const k = unitKey.get(root);
    if (k === undefined || h < k) unitKey.set(root, h);
  }
  return new Map(hosts.map((h) => [h, (shardHash(unitKey.get(find(h))!) % count) + 1]));
}
