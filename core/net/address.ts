// IP address helpers: parsing `ADDR[/PREFIX]`, canonical text (as iproute2 prints
// it), netmask <-> prefix length. Pure; node:net only answers "is this an IP".

import { isIP } from 'node:net';

export interface IpPrefix {
  family: 'inet' | 'inet6';
  /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as ::). */
  address: string;
  prefix: number;
}

/** `198.18.0.100` (a VIP: /32), `198.18.0.100/24`, `2001:db8::5` (/128). Null when invalid. */
export function parsePrefix(text: string): IpPrefix | null {
  const [addr, len, ...rest] = text.trim().split('/');
  if (rest.length > 0) return null;
  const v = isIP(addr);
  if (v === 0) return null;
  const max = v === 4 ? 32 : 128;
  const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { family: v === 4 ? 'inet' : 'inet6', address: canonicalIp(addr), prefix };
}

export function canonicalIp(addr: string): string {
  if (isIP(addr) !== 6) return addr;
  return compressIPv6(expandIPv6(addr));
}

function expandIPv6(addr: string): number[] {
  let text = addr.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const t = words(tail);
  if (tail === undefined) return h;
  return [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
}

function compressIPv6(words: number[]): string {
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${[words[6] >> 8, words[6] & 255, words[7] >> 8, words[7] & 255].join('.')}`;
  }
  let best = -1;
  let bestLen = 1; // a single zero word is not compressed (RFC 5952 4.2.2)
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function prefixText(p: IpPrefix): string {
  return `${p.address}/${p.prefix}`;
}

export function maxPrefix(family: IpPrefix['family']): number {
  return family === 'inet' ? 32 : 128;
}

/** 255.255.255.0 → 24; null when not a contiguous IPv4 mask. */
export function netmaskToPrefix(mask: string): number | null {
  if (isIP(mask) !== 4) return null;
  const bits = mask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : null;
}

export function prefixToNetmask(prefix: number): string {
  const bits = '1'.repeat(prefix).padEnd(32, '0');
  return [0, 8, 16, 24].map((i) => parseInt(bits.slice(i, i + 8), 2)).join('.');
}
