// String formats modules share: IP addresses and prefixes (IPv4 octets 0-255,
// IPv6 as node:net reads it), Linux interface names. Each is a StringSpec to
// spread into a param (`{ ...ipv4(), required: true }`), with a message that
// says what is wrong with the value.

import { isIP } from 'node:net';
import type { StringSpec } from './types.js';

const show = (v: string) => JSON.stringify(v);

export function ipv4Problem(v: string): string | undefined {
  return isIP(v) === 4 ? undefined : `expected an IPv4 address (four numbers 0-255), got ${show(v)}`;
}

export function ipv6Problem(v: string): string | undefined {
  return isIP(v) === 6 ? undefined : `expected an IPv6 address, got ${show(v)}`;
}

export function ipProblem(v: string): string | undefined {
  return isIP(v) ? undefined : `expected an IPv4 or IPv6 address, got ${show(v)}`;
}

/** ADDR or ADDR/LEN, LEN at most 32 (IPv4) or 128 (IPv6). */
export function ipPrefixProblem(v: string): string | undefined {
  const [addr, len, ...rest] = v.split('/');
  const family = isIP(addr);
  if (!family || rest.length) return `expected an address or address/prefix (198.51.100.7/24, 2001:db8::1/64), got ${show(v)}`;
  if (len === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(len) || Number(len) > max) return `prefix length of ${show(v)} must be 0-${max}`;
  return undefined;
}

/** Linux interface names: 1-15 bytes, no blank, '/', ':' or control character, not '.', '..' or starting with '-'. */
export function interfaceNameProblem(v: string): string | undefined {
  if (!v || Buffer.byteLength(v) > 15) return `an interface name has 1-15 characters, got ${show(v)}`;
  if (/[\s/:\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v)) return `an interface name has no blank, '/', ':' or control character, got ${show(v)}`;
  if (v === '.' || v === '..' || v.startsWith('-')) return `${show(v)} is no interface name`;
  return undefined;
}

export const ipv4 = (): StringSpec => ({ type: 'string', check: ipv4Problem, patternName: 'an IPv4 address' });
export const ipv6 = (): StringSpec => ({ type: 'string', check: ipv6Problem, patternName: 'an IPv6 address' });
