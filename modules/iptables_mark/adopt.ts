// `rb adopt` for the iptables rules rb manages: MARK rules of the mangle table
// (seed 002's fwmark per director, peer MAC excluded), VRRP accept rules of the
// filter table, and REDIRECT rules of the nat table to an address keepalived
// or heartbeat moves (seed 002's bypass, present only while the host lacks the
// VIP; its notify scripts add and remove it, so it is adopted with
// unless_address and persist: none). Other rules (other targets, matches rb
// does not model, a mark with a mask) are the operator's firewall and are left
// alone. A rule made by hand has no comment for rb to find it by: it is adopted
// with find_by: rule; a hand comment is kept as the task's comment. Saved for
// boot as rb saves it only when the saved rules file already has the rule;
// else persist: none, so adoption writes nothing.

import type { ModuleAdopt } from '../../core/module.js';
import { partsScript, splitParts } from '../../core/transport/script-parts.js';
import { DAEMON_CONFIGS_PART, heldByDaemons } from '../lib/adopt/held.js';
import { firstQuiet } from '../lib/adopt/quiet.js';
import { parseIptablesSave, type IptablesFacts } from './facts.js';
import { iptablesMarkParams, iptablesMarkRules, type IptablesMarkParams } from './params.js';
import { planIptables } from './plan.js';
import { parseRuleLine, type Neg, type Rule } from './rule.js';

const TABLES = ['mangle', 'filter', 'nat'] as const;

const show = (n: Neg) => `${n.not ? '! ' : ''}${n.value.replace(/\/32$/, '')}`;

/** The task that reproduces one rule rb models; undefined for a rule that is not rb's kind. */
export function ruleTask(table: (typeof TABLES)[number], line: string, configs: string): Record<string, unknown> | undefined {
  const r: Rule = parseRuleLine(line);
  if (r.extra.length > 0) return undefined;
  const kind =
    table === 'mangle' && r.jump === 'MARK' ? 'mark'
    : table === 'filter' && r.jump === 'ACCEPT' && r.protocol?.value === 'vrrp' && !r.protocol.not ? 'vrrp'
    : table === 'nat' && r.jump === 'REDIRECT' && r.destination && !r.destination.not && r.destination.value.endsWith('/32') ? 'bypass'
    : undefined;
  if (!kind) return undefined;
  const vip = kind === 'bypass' ? r.destination!.value.replace(/\/32$/, '') : undefined;
  if (vip !== undefined && !heldByDaemons(configs, vip)) return undefined;
  let mark: number | undefined;
  if (r.set_mark !== undefined) {
    const [v, m] = r.set_mark.split('/');
    if (m !== '0xffffffff') return undefined;
    mark = Number(v);
  }
  const task: Record<string, unknown> = { table, chain: r.chain };
  for (const f of ['source', 'destination', 'protocol', 'dport', 'in_interface', 'out_interface', 'mac_source'] as const) {
    if (r[f]) task[f] = show(r[f]);
  }
  task.jump = r.jump;
  if (mark !== undefined) task.set_mark = mark;
  if (r.comment !== undefined) task.comment = r.comment;
  else task.find_by = 'rule';
  if (vip !== undefined) Object.assign(task, { unless_address: vip, persist: 'none' });
  return task;
}

/** One probe per adoptable rule of the live tables (`iptables-save -t T` each, then the daemons' configs). */
export function adoptProbes(stdout: string): Array<Record<string, unknown>> {
  const parts = splitParts(stdout, TABLES.length + 1);
  const configs = parts[TABLES.length].out;
  const out: Array<Record<string, unknown>> = [];
  TABLES.forEach((table, i) => {
    // No iptables, or a table the kernel lacks: nothing of it to adopt.
    if (parts[i].code !== 0 || !parts[i].out.includes(`*${table}`)) return;
    for (const line of parseIptablesSave(parts[i].out, table).rules) {
      const task = ruleTask(table, line, configs);
      if (task) out.push(task.persist === undefined ? { ...task, persist: 'auto' } : task);
    }
  });
  return out;
}

export const iptablesMarkAdopt: ModuleAdopt<IptablesFacts> = {
  probe: [],
  discover: {
    command: partsScript([...TABLES.map((t) => `iptables-save -t ${t}`), DAEMON_CONFIGS_PART]),
    probes: adoptProbes,
  },
  params(facts, _host, probe) {
    const task = { ...probe };
    const plan = (p: IptablesMarkParams, f: IptablesFacts) => planIptables(p, f, { taskName: 'iptables_mark' });
    const candidates = task.unless_address !== undefined ? [task] : [task, { ...task, persist: 'none' }];
    const quiet = firstQuiet<IptablesMarkParams, IptablesFacts>({ params: iptablesMarkParams, rules: iptablesMarkRules }, plan, facts, candidates);
    return quiet ? [quiet] : [];
  },
};
