// Canonical forms of the small values inside keepalived blocks: VIP entries,
// list lines and verbatim nodes. Both sides of a comparison (the parsed file
// and the params) go through these, so `172.16.0.30` equals `172.16.0.30/32`
// and `chk  weight -2` equals `chk weight -2`.

import { isIP } from 'node:net';
import { canonicalWord, splitWords } from '../lib/keepalived-conf/lexer.js';
import type { ConfNode } from '../lib/keepalived-conf/parser.js';

export interface Vip {
  /** Address with its prefix length, always present: `172.16.0.30/32`. */
  address: string;
  brd?: string;
  dev?: string;
  scope?: string;
  label?: string;
  /** Other options, in their written order (`no_track`, `peer X`, ...). */
  options?: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** An IPv6 address as inet_pton reads it (no zone). */
export function isIPv6(s: string): boolean {
  return isIP(s) === 6 && !s.includes('%');
}

export function isIp(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** `ADDR[/LEN]` with a valid address and length, or undefined. */
export function normalizeAddress(text: string): string | undefined {
  const [addr, len, ...more] = text.split('/');
  if (more.length) return undefined;
  const v4 = isIPv4(addr);
  if (!v4 && !isIPv6(addr)) return undefined;
  const max = v4 ? 32 : 128;
  if (len === undefined) return `${addr}/${max}`;
  if (!/^\d{1,3}$/.test(len) || Number(len) > max) return undefined;
  return `${addr}/${Number(len)}`;
}

const VIP_OPTIONS = ['brd', 'dev', 'scope', 'label'] as const;

/** Words of one `virtual_ipaddress` line → entry; undefined when the address is not one. */
export function parseVip(words: string[]): Vip | undefined {
  const address = normalizeAddress(words[0] ?? '');
  if (!address) return undefined;
  const vip: Vip = { address };
  const rest: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as (typeof VIP_OPTIONS)[number];
    if (VIP_OPTIONS.includes(w) && i + 1 < words.length && vip[w] === undefined) {
      vip[w] = words[++i];
    } else {
      rest.push(words[i]);
    }
  }
  if (rest.length) vip.options = rest.map(canonicalWord).join(' ');
  return vip;
}

/** A VIP given in params as text or as an object → canonical entry (undefined = invalid). */
export function vipFromParam(v: unknown): Vip | undefined {
  if (typeof v === 'string') return parseVip(splitWords(v));
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const address = typeof o.address === 'string' ? normalizeAddress(o.address) : undefined;
  if (!address) return undefined;
  const vip: Vip = { address };
  for (const k of VIP_OPTIONS) if (typeof o[k] === 'string' && o[k] !== '') vip[k] = o[k] as string;
  if (typeof o.options === 'string' && o.options.trim() !== '') vip.options = canonicalLine(splitWords(o.options));
  return vip;
}

export function vipWords(v: Vip): string[] {
  const out = [v.address];
  for (const k of VIP_OPTIONS) if (v[k] !== undefined) out.push(k, v[k]!);
  const words = out.map(canonicalWord);
  if (v.options) words.push(v.options);
  return words;
}

export function vipText(v: Vip): string {
  return vipWords(v).join(' ');
}

/** Words → one canonical line (single spaces, quotes where needed). */
export function canonicalLine(words: string[]): string {
  return words.map(canonicalWord).join(' ');
}

/** A node as canonical text, blocks over several lines indented by four spaces. */
export function nodeText(node: Pick<ConfNode, 'words' | 'children'>): string {
  const head = canonicalLine(node.words);
  if (!node.children) return head;
  const body = node.children.map((c) => indent(nodeText(c), '    '));
  return [`${head} {`, ...body, '}'].join('\n');
}

export function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}
