// rb drift --unmanaged: MARK rules in the chains rb manages that no task declares
// (found by rb's comment, or the rule itself for find_by: rule, as the plan finds its own rules).

import type { IptablesFacts } from './facts.js';
import type { IptablesMarkParams } from './params.js';
import { desiredRule, ownedBy } from './plan.js';
import { parseRuleLine } from './rule.js';

export function unmanagedMarkRules(declared: Array<{ params: IptablesMarkParams; facts: IptablesFacts; taskName: string }>): string[] {
  const out: string[] = [];
  const tables = new Map<string, typeof declared>();
  for (const d of declared) tables.set(d.params.table, [...(tables.get(d.params.table) ?? []), d]);
  for (const [table, list] of tables) {
    const chains = new Set(list.map((d) => d.params.chain));
    const owners = list.map((d) => ownedBy(desiredRule(d.params, d.taskName)));
    for (const line of list[list.length - 1].facts.rules) {
      const r = parseRuleLine(line);
      if (chains.has(r.chain) && r.jump === 'MARK' && !owners.some((owns) => owns(r))) out.push(`${table} ${line.replace(/^\[\d+:\d+\] /, '')}`);
    }
  }
  return out;
}
