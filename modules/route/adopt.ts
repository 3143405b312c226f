// `rb adopt` for routes: every route of the main table set by hand or by the
// boot files (`ip route add`, `route add -host`: no routing protocol, or
// `static`), not those the kernel derives from addresses, DHCP, router
// advertisements or a routing daemon, and not those keepalived or heartbeat
// bring up with a VIP. Persisted as rb would persist it only when rb's boot
// file already says so; else persist: none, so adoption writes nothing.

import type { ModuleAdopt } from '../../core/module.js';
import { partsScript, splitParts } from '../../core/transport/script-parts.js';
import { DAEMON_CONFIGS_PART, heldByDaemons } from '../lib/adopt/held.js';
import { firstQuiet } from '../lib/adopt/quiet.js';
import type { RouteFacts } from './facts.js';
import { routeParams, routeRules, type RouteParams } from './params.js';
import { planRoute } from './plan.js';

const BY_HAND = new Set(['boot', 'static']);

/** The hand-made routes in `ip -j route show table main` output, as route params. */
export function handRoutes(ipRoute: string, configs: string): Array<Record<string, unknown>> {
  if (ipRoute.trim() === '') return [];
  const routes = JSON.parse(ipRoute) as Array<Record<string, unknown>>;
  const out: Array<Record<string, unknown>> = [];
  for (const r of routes) {
    if (r.protocol !== undefined && !BY_HAND.has(String(r.protocol))) continue;
    if (r.type !== undefined && r.type !== 'unicast') continue;
    const dst = String(r.dst);
    if (/^(fe80|ff00|ff02)::/i.test(dst)) continue;
    if (dst !== 'default' && heldByDaemons(configs, dst.replace(/\/(32|128)$/, ''))) continue;
    out.push({
      destination: dst,
      ...(typeof r.gateway === 'string' ? { gateway: r.gateway } : {}),
      ...(typeof r.dev === 'string' ? { interface: r.dev } : {}),
      ...(typeof r.metric === 'number' && r.metric !== 0 ? { metric: r.metric } : {}),
    });
  }
  return out;
}

export const routeAdopt: ModuleAdopt<RouteFacts> = {
  probe: [],
  discover: {
    command: partsScript(['ip -j route show table main', 'ip -6 -j route show table main', DAEMON_CONFIGS_PART]),
    probes(stdout) {
      const [v4, v6, configs] = splitParts(stdout, 3);
      if (v4.code !== 0) throw new Error(`ip -j route show failed (exit ${v4.code})`);
      return [...handRoutes(v4.out, configs.out), ...(v6.code === 0 ? handRoutes(v6.out, configs.out) : [])];
    },
  },
  params(facts, _host, probe) {
    const task = { ...probe };
    const quiet = firstQuiet<RouteParams, RouteFacts>({ params: routeParams, rules: routeRules }, planRoute, facts, [task, { ...task, persist: 'none' }]);
    return quiet ? [quiet] : [];
  },
};
