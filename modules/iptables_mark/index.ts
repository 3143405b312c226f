// iptables_mark: converges one iptables rule that rb owns (found by its
// comment, default `rb:<task name>`), live and in the saved rules file. Built
// for the two-box LVS seed's fwmark rules (MARK everything for the VIP except
// what comes from the peer director's MAC); the same rule model takes
// `jump: ACCEPT`, which covers the seed's VRRP accept rule, and `jump:
// REDIRECT` with `unless_address`, the seed's bypass rule: wanted only while
// the host does not hold the VIP (a VRRP BACKUP), as the keepalived notify
// script adds and removes it, so drift is judged against the host's role.
// IPv4 (iptables) only.
//
//   - name: fwmark 3 for the VIP, except traffic from the peer director
//     iptables_mark:
//       destination: 172.16.0.30
//       protocol: tcp
//       dport: 80
//       mac_source: "! 08:00:27:E1:3C:C5"
//       set_mark: 0x3

import { defineModule, runFactsQuery, type FactsQuery, type FactsContext } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { argv } from '../../core/transport/shell.js';
import { applyScript, restoreFileCommands } from '../../core/transport/script-parts.js';
import { iptablesFactsCommand, parseIptablesFacts, SAVED_PATHS, type IptablesFacts } from './facts.js';
import { iptablesMarkParams, iptablesMarkRules, type IptablesMarkParams } from './params.js';
import { deleteCommand, ownedByData, planIptables, type RuleData } from './plan.js';
import { parseRuleLine } from './rule.js';
import { unmanagedMarkRules } from './unmanaged.js';
import { iptablesMarkAdopt } from './adopt.js';

function candidateFiles(p: IptablesMarkParams): string[] {
  if (p.persist === 'none') return [];
  if (p.persist === 'auto') return [SAVED_PATHS.debian, SAVED_PATHS.redhat];
  return [SAVED_PATHS[p.persist]];
}

/** The facts as one command and its parser, so the engine can batch them with other tasks'. */
function iptablesQuery(host: string, p: IptablesMarkParams): FactsQuery<IptablesFacts> {
  const files = candidateFiles(p);
  return {
    command: iptablesFactsCommand(p.table, files, p.unless_address !== undefined),
    parse(r) {
      let parsed;
      try {
        parsed = parseIptablesFacts(r.stdout, p.table, files, p.unless_address !== undefined);
      } catch (e) {
        throw new ModuleError(`${host}: cannot read iptables facts: ${(e as Error).message}`);
      }
      if (parsed.failed) {
        const why = parsed.failed.code === 127 ? 'iptables is not installed' : r.stderr.trim() || `exit ${parsed.failed.code}`;
        throw new ModuleError(`${host}: iptables-save -t ${p.table} failed: ${why}`);
      }
      const facts = parsed.facts!;
      if (p.state === 'present' && !facts.chains.includes(p.chain)) {
        throw new ModuleError(`${host}: chain ${p.chain} does not exist in table ${p.table} (chains: ${facts.chains.join(', ')})`);
      }
      return facts;
    },
  };
}

const gather = (ctx: FactsContext, p: IptablesMarkParams): Promise<IptablesFacts> => runFactsQuery(ctx, iptablesQuery(ctx.host, p));

/** 1-based position of each rule within its chain. */
function positions(lines: string[]): Array<{ rule: ReturnType<typeof parseRuleLine>; pos: number }> {
  const seen = new Map<string, number>();
  return lines.map(parseRuleLine).map((rule) => {
    const pos = (seen.get(rule.chain) ?? 0) + 1;
    seen.set(rule.chain, pos);
    return { rule, pos };
  });
}

export default defineModule<IptablesMarkParams, IptablesFacts>({
  name: 'iptables_mark',
  summary: 'One rb-owned iptables rule (fwmark MARK, ACCEPT, REDIRECT), live and in the saved rules file, or live only while the host lacks an address',
  params: iptablesMarkParams,
  rules: iptablesMarkRules,
  supports: { check: true, diff: true, rollback: true },
  example: `- name: fwmark 3 for the VIP, except from the peer director
  iptables_mark:
    destination: 172.16.0.30
    protocol: tcp
    dport: 80
    mac_source: "! 08:00:27:E1:3C:C5"
    set_mark: 0x3
- name: accept VRRP
  iptables_mark: { table: filter, chain: INPUT, in_interface: eth0, destination: 224.0.0.18, protocol: vrrp, jump: ACCEPT }`,

  factsQuery: (ctx, p) => iptablesQuery(ctx.host, p),
  facts: gather,

  plan: (p, facts, ctx) => planIptables(p, facts, ctx),
  unmanaged: unmanagedMarkRules,
  adopt: iptablesMarkAdopt,

  async apply(ctx, _p, plan) {
    await ctx.run(applyScript(plan.changes.flatMap((c) => c.commands ?? [])));
  },

  // Put back the rules carrying rb's comment as the snapshot had them (same
  // positions), whatever part of the plan ran; then the saved file.
  async rollback(ctx, p, snapshot, applied) {
    const data = applied.changes[0]?.data as RuleData | undefined;
    if (!data) return;
    const ours = ownedByData(data);
    const now = await gather(ctx, { ...p, state: 'absent' });
    const commands = [
      ...now.rules.map(parseRuleLine).filter(ours).map((r) => deleteCommand(p.table, r)),
      ...positions(snapshot.rules)
        .filter(({ rule }) => ours(rule))
        .map(({ rule, pos }) => argv(['iptables', '-w', '-t', p.table, '-I', rule.chain, String(pos), ...rule.spec])),
    ];
    for (const path of new Set(applied.changes.map((c) => (c.data as { path?: string }).path).filter((x): x is string => !!x))) {
      commands.push(...restoreFileCommands(path, snapshot.files[path] ?? null, '0640'));
    }
    if (commands.length > 0) await ctx.run(applyScript(commands));
  },
});
