// Pure planning for iptables_mark. rb finds its rules by their comment (or, with
// find_by: rule, as the identical rule without one); among
// them exactly one must equal the wanted rule (normalised), anything else is
// drift: a changed rule is replaced (diffed per field), a duplicate removed.
// The saved rules file gets the same treatment, line by line.

import type { Change, Plan, PlanContext } from '../../core/module.js';
import { argv } from '../../core/transport/shell.js';
import { writeFileCommands } from '../../core/transport/script-parts.js';
import { SAVED_PATHS, type IptablesFacts } from './facts.js';
import { splitNot, type IptablesMarkParams } from './params.js';
import { fieldValue, formatLine, normaliseAddress, normaliseMark, normaliseProtocol, parseRuleLine, RULE_FIELDS, ruleWords, sameRule, saveLine, type Neg, type Rule, type SavedRule } from './rule.js';
import { savedRules, updateSaved } from './saved.js';

function neg(v: string | undefined, norm: (s: string) => string = (s) => s): Neg | undefined {
  if (v === undefined) return undefined;
  const { not, value } = splitNot(v);
  return { not, value: norm(value) };
}

export function desiredRule(p: IptablesMarkParams, taskName: string): Rule {
  const protocol = neg(p.protocol, normaliseProtocol);
  const rule: Rule = {
    chain: p.chain,
    source: neg(p.source, normaliseAddress),
    destination: neg(p.destination, normaliseAddress),
    in_interface: neg(p.in_interface),
    out_interface: neg(p.out_interface),
    protocol: protocol?.value === 'all' && !protocol.not ? undefined : protocol,
    dport: neg(p.dport),
    mac_source: neg(p.mac_source, (m) => m.toLowerCase()),
    jump: p.jump,
    set_mark: p.jump === 'MARK' && p.set_mark !== undefined ? normaliseMark(`0x${p.set_mark.toString(16)}`, false) : undefined,
    extra: [],
  };
  for (const k of Object.keys(rule) as Array<keyof Rule>) if (rule[k] === undefined) delete rule[k];
  if (p.find_by !== 'rule') rule.comment = p.comment ?? defaultComment(rule, taskName);
  return rule;
}

/** Which rules are rb's for this task: those with its comment, or (find_by: rule) those equal to it without a comment. */
export function ownedBy(want: Rule): (r: Rule) => boolean {
  return want.comment === undefined ? (r) => r.comment === undefined && sameRule(r, want) : (r) => r.comment === want.comment;
}

/** What a plan's changes carry for rollback: the comment, or the rule itself when it has none. */
export interface RuleData {
  comment?: string;
  rule?: string;
  path?: string;
}

/** The owner test back from a change's data. */
export function ownedByData(d: RuleData): (r: Rule) => boolean {
  return d.rule !== undefined ? ownedBy(parseRuleLine(d.rule)) : (r) => r.comment === d.comment;
}

/** `rb:<task name>`; an unnamed task (named after the module) gets a summary of its rule instead, so two of them differ. */
export function defaultComment(rule: Rule, taskName: string): string {
  const unnamed = !taskName.trim() || taskName === 'iptables_mark';
  const what = unnamed ? `${rule.chain} ${ruleWords(rule, 'command').join(' ')}` : taskName;
  return `rb:${what.replace(/\s+/g, ' ').trim()}`.slice(0, 255);
}

const insertCommand = (p: IptablesMarkParams, r: Rule) =>
  argv(['iptables', '-w', '-t', p.table, p.position === 'insert' ? '-I' : '-A', r.chain, ...ruleWords(r, 'command')]);

export const deleteCommand = (table: string, r: SavedRule) => argv(['iptables', '-w', '-t', table, '-D', r.chain, ...r.spec]);

const lineOf = (r: SavedRule) => formatLine(r.chain, r.spec);

export function savedPath(p: IptablesMarkParams, os: IptablesFacts['os']): string | null {
  const style = p.persist === 'auto' ? (os === 'unknown' ? null : os) : p.persist === 'none' ? null : p.persist;
  return style === null ? null : SAVED_PATHS[style];
}

export function planIptables(given: IptablesMarkParams, facts: IptablesFacts, ctx: Pick<PlanContext, 'taskName'>): Plan {
  // A rule that follows an address is wanted only while the host lacks it.
  const holds = given.unless_address !== undefined && (facts.addresses ?? []).includes(given.unless_address.toLowerCase());
  const p: IptablesMarkParams = holds ? { ...given, state: 'absent' } : given;
  const want = desiredRule(p, ctx.taskName);
  const comment = want.comment ?? saveLine(want);
  const resource = `${p.table} rule "${comment}"`;
  const data: RuleData = want.comment === undefined ? { rule: saveLine(want) } : { comment };
  const live = facts.rules.map(parseRuleLine);
  const ours = live.filter(ownedBy(want));
  const changes: Change[] = [];
  const warnings: string[] = [];

  if (p.state === 'present') {
    const good = ours.find((r) => sameRule(r, want));
    const others = ours.filter((r) => r !== good);
    if (!good && others.length > 0) {
      // The first of ours drifted: show it field by field, replace it.
      const old = others.shift()!;
      const fields = RULE_FIELDS.filter((f) => fieldValue(old, f) !== fieldValue(want, f));
      const diffs = fields.map((f): Change => ({ kind: 'update-rule', resource, field: f, before: fieldValue(old, f), after: fieldValue(want, f), data }));
      diffs[diffs.length - 1].commands = [deleteCommand(p.table, old), insertCommand(p, want)];
      changes.push(...diffs);
    } else if (!good) {
      changes.push({ kind: 'add-rule', resource, field: 'rule', before: undefined, after: saveLine(want), commands: [insertCommand(p, want)], data });
    }
    for (const r of others) {
      const kind = sameRule(r, want) ? 'remove-duplicate-rule' : 'remove-rule';
      changes.push({ kind, resource, field: 'rule', before: lineOf(r), after: undefined, commands: [deleteCommand(p.table, r)], data });
    }
    const twin = want.comment !== undefined && live.find((r) => r.comment === undefined && sameRule({ ...r, comment: want.comment }, want));
    if (twin) warnings.push(`an identical rule without rb's comment is in ${p.table}/${twin.chain} (made by hand?): ${lineOf(twin)}`);
  } else {
    for (const r of ours) changes.push({ kind: 'remove-rule', resource, field: 'rule', before: lineOf(r), after: undefined, commands: [deleteCommand(p.table, r)], data });
  }

  planSaved(p, facts, want, resource, changes, warnings);
  const plan: Plan = { changes, ...(warnings.length ? { warnings } : {}) };
  if (changes.length === 0) {
    const path = savedPath(p, facts.os);
    const where = `${p.table}/${p.chain}${path ? ` and ${path}` : ''}`;
    plan.reason = p.state === 'present' ? `rule "${comment}" is in place in ${where}` : `no rule "${comment}" in ${where}`;
    if (given.unless_address !== undefined) plan.reason += holds ? ` (the host holds ${given.unless_address})` : ` (the host does not hold ${given.unless_address})`;
  }
  return plan;
}

function planSaved(p: IptablesMarkParams, facts: IptablesFacts, want: Rule, resource: string, changes: Change[], warnings: string[]): void {
  const path = savedPath(p, facts.os);
  if (path === null) {
    if (p.persist === 'auto') warnings.push('rules not saved for boot: neither a Debian nor a RHEL host (set persist)');
    return;
  }
  const ours = ownedBy(want);
  const text = facts.files?.[path] ?? null;
  let saved;
  try {
    saved = savedRules(text, p.table).filter((l) => ours(l.rule));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  const data: RuleData = want.comment === undefined ? { rule: saveLine(want), path } : { comment: want.comment, path };
  if (p.state === 'absent') {
    if (saved.length > 0) {
      changes.push({ kind: 'unpersist-rule', resource, field: `rule in ${path}`, before: saved.map((l) => lineOf(l.rule)).join('\n'), after: undefined, data,
        commands: writeFileCommands(path, updateSaved(text, p.table, ours, null, want.chain, p.position), '0640') });
    }
    return;
  }
  if (!facts.bootLoader) warnings.push(`nothing loads ${path} at boot (install iptables-persistent on Debian, iptables-services on RHEL)`);
  if (saved.length === 1 && sameRule(saved[0].rule, want)) return;
  changes.push({
    kind: 'persist-rule',
    resource,
    field: `rule in ${path}`,
    before: saved.length ? saved.map((l) => lineOf(l.rule)).join('\n') : undefined,
    after: saveLine(want),
    data,
    commands: writeFileCommands(path, updateSaved(text, p.table, ours, saveLine(want), want.chain, p.position), '0640'),
  });
}
