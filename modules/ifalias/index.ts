// ifalias: converges one address on an interface (a DR VIP on lo:0, a director
// VIP on eth0:0), live and in the distribution's boot configuration, with the
// seeds' optional host route and a gratuitous ARP after adding it on a real NIC.
//
//   - name: VIP on lo:0 of a DR real server
//     ifalias:
//       address: 198.18.0.100
//       interface: lo
//       label: "lo:0"
//       host_route: true

import { defineModule, runFactsQuery, type FactsQuery, type FactsContext } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { sh } from '../../core/transport/shell.js';
import { ifaliasFactsCommand, parseIfaliasFacts, type AddressFact, type IfaliasFacts } from './facts.js';
import { ifaliasParams, ifaliasRules, type IfaliasParams } from './params.js';
import { persistPath } from './persist.js';
import { delCommand, hostRoute, planIfalias, wanted } from './plan.js';
import { applyScript, restoreFileCommands } from '../../core/transport/script-parts.js';
import { ifaliasAdopt } from './adopt.js';

/** The persistent files facts read: those `persist` may choose on any distribution. */
function candidateFiles(p: IfaliasParams): string[] {
  const w = wanted(p);
  const device = p.label ?? p.interface;
  const files: string[] = [];
  if (p.persist === 'auto' || p.persist === 'debian') files.push(persistPath('debian', device, w.addr));
  if ((p.persist === 'auto' || p.persist === 'redhat') && p.label && w.addr.family === 'inet') files.push(persistPath('redhat', device, w.addr));
  return files;
}

/** The facts as one command and its parser, so the engine can batch them with other tasks'. */
function ifaliasQuery(host: string, p: IfaliasParams): FactsQuery<IfaliasFacts> {
  const files = candidateFiles(p);
  const addr = wanted(p).addr;
  const announces = p.gratuitous_arp && addr.family === 'inet' && p.interface !== 'lo';
  return {
    command: ifaliasFactsCommand(p.interface, addr, files, announces),
    parse(r) {
      let facts: IfaliasFacts;
      try {
        facts = parseIfaliasFacts(r.stdout, files);
      } catch (e) {
        throw new ModuleError(`${host}: cannot read address facts: ${(e as Error).message}`);
      }
      if (!facts.interfaceExists && p.state === 'present') {
        throw new ModuleError(`${host}: no network interface "${p.interface}" on this host (${r.stderr.trim() || 'ip addr show failed'})`);
      }
      return facts;
    },
  };
}

const gather = (ctx: FactsContext, p: IfaliasParams): Promise<IfaliasFacts> => runFactsQuery(ctx, ifaliasQuery(ctx.host, p));

function addBack(a: AddressFact, iface: string): string {
  const brd = a.broadcast ? sh` broadcast ${a.broadcast}` : '';
  const label = a.label && a.label !== iface ? sh` label ${a.label}` : '';
  return sh`ip addr add ${`${a.local}/${a.prefixlen}`}` + brd + sh` dev ${iface}` + label;
}

const same = (a: AddressFact, b: AddressFact) => a.local === b.local && a.prefixlen === b.prefixlen && a.label === b.label && a.broadcast === b.broadcast;

export default defineModule<IfaliasParams, IfaliasFacts>({
  name: 'ifalias',
  summary: 'An IP address (VIP) on an interface or label, live and in the boot configuration',
  params: ifaliasParams,
  rules: ifaliasRules,
  supports: { check: true, diff: true, rollback: true },
  adopt: ifaliasAdopt,
  example: `- ifalias:
    address: 198.18.0.100
    interface: lo
    label: "lo:0"
    host_route: true`,

  factsQuery: (ctx, p) => ifaliasQuery(ctx.host, p),
  facts: gather,

  plan: (p, facts) => planIfalias(p, facts),

  async apply(ctx, _p, plan) {
    await ctx.run(applyScript(plan.changes.flatMap((c) => c.commands ?? [])));
  },

  // Converge back to the snapshot from what is there now, so a partly applied plan
  // rolls back as cleanly as a complete one.
  async rollback(ctx, p, snapshot, applied) {
    const now = await gather(ctx, { ...p, state: 'absent' });
    const w = wanted(p);
    const was = snapshot.addresses.filter((a) => a.local === w.addr.address);
    const is = now.addresses.filter((a) => a.local === w.addr.address);
    const commands = [
      ...is.filter((a) => !was.some((b) => same(a, b))).map((a) => delCommand(a, p.interface)),
      ...was.filter((a) => !is.some((b) => same(a, b))).map((a) => addBack(a, p.interface)),
    ];
    if (applied.changes.some((c) => c.kind === 'add-host-route')) commands.push(`${sh`ip route del ${hostRoute(w)} dev ${p.interface}`} 2>/dev/null || true`);
    if (applied.changes.some((c) => c.kind === 'remove-host-route')) commands.push(sh`ip route replace ${hostRoute(w)} dev ${p.interface}`);
    for (const path of new Set(applied.changes.filter((c) => c.kind.endsWith('persist-address')).map((c) => c.resource))) {
      commands.push(...restoreFileCommands(path, snapshot.files[path] ?? null));
    }
    if (commands.length > 0) await ctx.run(applyScript(commands));
  },
});

