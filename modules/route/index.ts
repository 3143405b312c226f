// route: converges one route of the main table (the LVS-NAT real servers'
// default route via the director, seed 001's `route add -host VIP dev ens33`),
// live with `ip route` and in the distribution's boot configuration.
//
//   - name: replies leave through the director
//     route:
//       destination: default
//       gateway: 192.168.10.1
//       interface: eth0

import { defineModule, runFactsQuery, type FactsQuery, type FactsContext } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { applyScript, restoreFileCommands } from '../../core/transport/script-parts.js';
import { parseRouteFacts, routeFactsCommand, type RouteFacts } from './facts.js';
import { destinationPrefix, routeParams, routeRules, type RouteParams } from './params.js';
import { addCommand, candidateFiles, delCommand, factModel, HOOK_MODE, planRoute, spec } from './plan.js';
import { routeAdopt } from './adopt.js';

function routeQuery(host: string, p: RouteParams): FactsQuery<RouteFacts> {
  const files = candidateFiles(p);
  return {
    command: routeFactsCommand(destinationPrefix(p)!, p.interface, files),
    parse(r) {
      let facts: RouteFacts;
      try {
        facts = parseRouteFacts(r.stdout, files, p.interface !== undefined);
      } catch (e) {
        throw new ModuleError(`${host}: cannot read route facts: ${(e as Error).message}`);
      }
      if (facts.interfaceExists === false && p.state === 'present') {
        throw new ModuleError(`${host}: no network interface "${p.interface}" on this host`);
      }
      return facts;
    },
  };
}

const gather = (ctx: FactsContext, p: RouteParams): Promise<RouteFacts> => runFactsQuery(ctx, routeQuery(ctx.host, p));

export default defineModule<RouteParams, RouteFacts>({
  name: 'route',
  summary: 'A route (default, host or network) live in the main table and in the boot configuration',
  params: routeParams,
  rules: routeRules,
  supports: { check: true, diff: true, rollback: true },
  adopt: routeAdopt,
  example: `- route:
    destination: default
    gateway: 192.168.10.1
    interface: eth0`,

  factsQuery: (ctx, p) => routeQuery(ctx.host, p),
  facts: gather,

  plan: (p, facts) => planRoute(p, facts),

  async apply(ctx, _p, plan) {
    await ctx.run(applyScript(plan.changes.flatMap((c) => c.commands ?? [])));
  },

  // Converge back to the snapshot's routes for this destination from what is
  // there now, so a partly applied plan rolls back as cleanly as a complete one.
  async rollback(ctx, p, snapshot, applied) {
    const now = await gather(ctx, { ...p, state: 'absent' });
    const v6 = destinationPrefix(p)!.family === 'inet6';
    const key = (r: RouteFacts['routes'][number]) => `${spec(factModel(r), r.type)} metric ${r.metric}`;
    const was = new Set(snapshot.routes.map(key));
    const is = new Set(now.routes.map(key));
    const commands = [
      ...now.routes.filter((r) => !was.has(key(r))).map((r) => delCommand(r, v6)),
      ...snapshot.routes.filter((r) => !is.has(key(r)) && !r.type).map((r) => addCommand({ ...factModel(r), metric: r.metric }, v6)),
    ];
    for (const path of new Set(applied.changes.filter((c) => c.kind.endsWith('persist-route')).map((c) => c.resource))) {
      commands.push(...restoreFileCommands(path, snapshot.files[path] ?? null, path.includes('/if-up.d/') ? HOOK_MODE : '0644'));
    }
    if (commands.length > 0) await ctx.run(applyScript(commands));
  },
});
