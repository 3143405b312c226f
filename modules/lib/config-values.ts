// Values written into daemon config files: what every line-based config
// format rb writes (rsyncd.conf, ha.cf, authkeys, haresources, ldirectord.cf,
// sersync XML, lsyncd Lua) can hold without a value turning into another line,
// joining the next one or being read differently, and the kernel-side names
// (IPVS schedulers, host names) the daemons accept.

import { isIP } from 'node:net';
import type { StringSpec } from '../../core/schema/types.js';

const show = (v: string) => JSON.stringify(v);

/**
 * Characters no config value may hold: C0 controls but tab, DEL, C1 controls
 * (U+0085 is a line end for some readers), and the Unicode line/paragraph
 * separators U+2028/U+2029.
 */
export const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

export function controlProblem(v: string): string | undefined {
  const m = CONTROL.exec(v);
  if (!m) return undefined;
  const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `a control or line-separator character (${code}) at position ${m.index + 1} cannot be written into a config file`;
}

/** A value on one line that a trailing `\` would join to the next line. */
export function lineProblem(v: string): string | undefined {
  const c = controlProblem(v);
  if (c) return c;
  if (/\\\s*$/.test(v)) return `a value ending in "\\" would continue onto the next line of the file, got ${show(v)}`;
  return undefined;
}

/** Both checks for a spec that may already have one: keep the spec's own check too. */
export function oneLine<T extends StringSpec>(spec: T): T {
  const own = spec.check;
  return { ...spec, check: (v: string) => lineProblem(v) ?? own?.(v) };
}

/** Every string (and map key) under `value` with a control or separator character: [field path, message]. */
export function controlProblems(value: unknown, path = '', skip: readonly string[] = []): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (v: unknown, p: string) => {
    if (skip.includes(p)) return;
    if (typeof v === 'string') {
      const c = controlProblem(v);
      if (c) out.push([p, c]);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const c = controlProblem(k);
        if (c) out.push([p, `key ${show(k)}: ${c}`]);
        walk(x, p ? `${p}.${k}` : k);
      }
    }
  };
  walk(value, path);
  return out;
}

/** Schedulers of the Linux IPVS code (net/netfilter/ipvs, twos since Linux 6.2); whether the host's kernel has the module is checked when the plan is made: ipvsadm and ldirectord pass any name through. */
export const IPVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'] as const;

/** IPv4 as the kernel reads it: four numbers 0-255; anything that looks like one but is not is refused. */
export function looksLikeIpv4(v: string): boolean {
  return /^[\d.]+$/.test(v) && v.includes('.');
}

/**
 * A host as ldirectord/heartbeat resolve it: an IPv4 or IPv6 address, or a host name
 * (letters, digits, '-', '.'); a dotted number that is no IPv4 address (999.1.1.1) is refused.
 */
export function hostProblem(v: string): string | undefined {
  if (isIP(v)) return undefined;
  if (looksLikeIpv4(v)) return `expected an IPv4 address (four numbers 0-255), got ${show(v)}`;
  if (v.includes(':')) return `expected an IPv6 address, got ${show(v)}`;
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(v) || v.length > 253) {
    return `expected an address or a host name, got ${show(v)}`;
  }
  return undefined;
}

