// `rb adopt` for VIP aliases: every address a host has beyond each
// interface's own (its first address of a family), loopback's 127.0.0.0/8 and
// ::1, link-local and autoconfigured IPv6 — a DR real server's VIP on lo:0, a
// director's eth0:0 — unless keepalived or heartbeat moves it. Persisted as rb
// would persist it only when rb's boot file already says so; else persist: none,
// so adoption writes nothing.

import type { ModuleAdopt } from '../../core/module.js';
import { partsScript, splitParts } from '../../core/transport/script-parts.js';
import { DAEMON_CONFIGS_PART, heldByDaemons } from '../lib/adopt/held.js';
import { firstQuiet } from '../lib/adopt/quiet.js';
import type { IfaliasFacts } from './facts.js';
import { ifaliasParams, ifaliasRules, type IfaliasParams } from './params.js';
import { planIfalias } from './plan.js';

interface Found {
  address: string;
  interface: string;
  label?: string;
  broadcast?: string;
}

/** The aliases in `ip -j addr show` (every interface), minus those the daemons' configs name. */
export function aliasesOf(ipAddr: string, configs: string): Found[] {
  const links = JSON.parse(ipAddr) as Array<{ ifname: string; addr_info?: Array<Record<string, unknown>> }>;
  const out: Found[] = [];
  for (const link of links) {
    const seen = new Set<string>();
    for (const a of link.addr_info ?? []) {
      const family = a.family as string;
      const local = String(a.local);
      if (family !== 'inet' && family !== 'inet6') continue;
      if (a.scope === 'link' || a.scope === 'host' || a.dynamic === true || a.temporary === true) continue;
      const first = !seen.has(family);
      seen.add(family);
      if (first && link.ifname !== 'lo') continue;
      if (heldByDaemons(configs, local)) continue;
      const max = family === 'inet' ? 32 : 128;
      const label = typeof a.label === 'string' && a.label !== link.ifname ? a.label : undefined;
      out.push({
        address: a.prefixlen === max ? local : `${local}/${String(a.prefixlen)}`,
        interface: link.ifname,
        ...(label ? { label } : {}),
        ...(typeof a.broadcast === 'string' ? { broadcast: a.broadcast } : {}),
      });
    }
  }
  return out;
}

export const ifaliasAdopt: ModuleAdopt<IfaliasFacts> = {
  probe: [],
  discover: {
    command: partsScript(['ip -j addr show', DAEMON_CONFIGS_PART]),
    probes(stdout) {
      const [addr, configs] = splitParts(stdout, 2);
      if (addr.code !== 0) throw new Error(`ip -j addr show failed (exit ${addr.code})`);
      // The probe reads the boot files rb would write, to see whether they already agree.
      return aliasesOf(addr.out, configs.out).map((f) => ({ ...f, persist: 'auto', gratuitous_arp: false }));
    },
  },
  params(facts, _host, probe) {
    const found = probe as unknown as Found & { persist: string };
    const task = { ...found, persist: 'auto' } as Record<string, unknown>;
    delete task.gratuitous_arp;
    const quiet = firstQuiet<IfaliasParams, IfaliasFacts>({ params: ifaliasParams, rules: ifaliasRules }, planIfalias, facts, [task, { ...task, persist: 'none' }]);
    return quiet ? [quiet.persist === 'auto' ? (({ persist: _p, ...rest }) => rest)(quiet) : quiet] : [];
  },
};
