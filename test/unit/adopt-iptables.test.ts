// rb adopt for iptables, on iptables-save output captured by
// test/fixtures/adopt/capture-iptables.sh from seed 002's hand commands in a
// namespace (no rb): which rules are adopted, that each adopted task plans
// nothing against the facts it was read from (drift 0), that a change to it
// still plans, that the peer MAC and the mark go to host_vars, and that a rule
// found without a comment never takes other hand rules with it.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { layout } from '../../core/adopt/layout.js';
import { validateFields } from '../../core/schema/validate.js';
import { sh } from '../../core/transport/shell.js';
import iptablesMark from '../../modules/iptables_mark/index.js';
import { adoptProbes, ruleTask } from '../../modules/iptables_mark/adopt.js';
import { parseIptablesSave, SAVED_PATHS, type IptablesFacts } from '../../modules/iptables_mark/facts.js';
import type { IptablesMarkParams } from '../../modules/iptables_mark/params.js';
import { planIptables } from '../../modules/iptables_mark/plan.js';
import { unmanagedMarkRules } from '../../modules/iptables_mark/unmanaged.js';

const F = 'test/fixtures/adopt';
const SAVE_A = readFileSync(`${F}/iptables-save.stdout`, 'utf8');
const MANGLE_B = readFileSync(`${F}/iptables-save-b-mangle.stdout`, 'utf8');
const KEEPALIVED = 'vrrp_instance VI_1 {\n  virtual_ipaddress {\n    172.16.0.30\n  }\n}\n';
const NONCE = '0123456789abcdef';

/** stdout of the discover command as the host prints it: one part per table, then the daemons' configs. */
function discovered(save: string, configs: string, codes: number[] = [0, 0, 0]): string {
  const tables = ['mangle', 'filter', 'nat'].map((t) => {
    const m = new RegExp(`\\*${t}\\n[\\s\\S]*?COMMIT\\n`).exec(save);
    return m ? m[0] : '';
  });
  return [`@@rb-parts ${NONCE}\n`, ...[...tables, configs].map((out, i) => `${out}\n@@rb-part-${NONCE} ${codes[i] ?? 0}\n`)].join('');
}

function facts(save: string, table: string, files: Record<string, string | null> = {}, addresses?: string[]): IptablesFacts {
  return {
    ...parseIptablesSave(save, table),
    os: 'debian',
    files: { [SAVED_PATHS.debian]: null, [SAVED_PATHS.redhat]: null, ...files },
    bootLoader: true,
    ...(addresses ? { addresses } : {}),
  };
}

function valid(params: Record<string, unknown>): IptablesMarkParams {
  const r = validateFields(iptablesMark.params, params, '', {}, iptablesMark.rules);
  expect(r.problems, JSON.stringify(r.problems)).to.deep.equal([]);
  return r.value as unknown as IptablesMarkParams;
}

/** Adopt every probe against facts read from `save` (what `rb adopt` does per rule). */
function adopt(save: string, configs = KEEPALIVED, files: Record<string, string | null> = {}, addresses: string[] = []) {
  return adoptProbes(discovered(save, configs)).map((probe) => {
    const f = facts(save, String(probe.table), files, probe.unless_address !== undefined ? addresses : undefined);
    const tasks = iptablesMark.adopt!.params(f, 'lb1', probe);
    return { probe, tasks, facts: f };
  });
}

const drift = (task: Record<string, unknown>, f: IptablesFacts, taskName = 'iptables_mark 1 (adopted)') => planIptables(valid(task), f, { taskName });

describe('rb adopt: iptables rules', () => {
  it('finds the fwmark rules, the VRRP accept rule and the bypass to a VIP keepalived moves; not the rest of the firewall', () => {
    expect(adoptProbes(discovered(SAVE_A, KEEPALIVED))).to.deep.equal([
      { table: 'mangle', chain: 'PREROUTING', destination: '172.16.0.30', protocol: 'tcp', dport: '80', mac_source: '! 08:00:27:e1:3c:c5', jump: 'MARK', set_mark: 3, find_by: 'rule', persist: 'auto' },
      { table: 'mangle', chain: 'PREROUTING', destination: '172.16.0.31', protocol: 'tcp', dport: '443', jump: 'MARK', set_mark: 5, comment: 'https mark', persist: 'auto' },
      { table: 'mangle', chain: 'LVS', destination: '172.16.0.32', jump: 'MARK', set_mark: 7, find_by: 'rule', persist: 'auto' },
      { table: 'filter', chain: 'INPUT', destination: '224.0.0.18', protocol: 'vrrp', in_interface: 'eth0', jump: 'ACCEPT', find_by: 'rule', persist: 'auto' },
      { table: 'nat', chain: 'PREROUTING', destination: '172.16.0.30', protocol: 'tcp', dport: '80', jump: 'REDIRECT', find_by: 'rule', unless_address: '172.16.0.30', persist: 'none' },
    ]);
    // A REDIRECT to an address no daemon moves is the operator's own NAT.
    expect(adoptProbes(discovered(SAVE_A, '')).map((p) => p.jump)).to.deep.equal(['MARK', 'MARK', 'MARK', 'ACCEPT']);
  });

  it('leaves rules rb cannot express: other matches, other targets, a mark with a mask', () => {
    expect(ruleTask('mangle', '-A PREROUTING -m state --state ESTABLISHED -j MARK --set-xmark 0x9/0xffffffff', '')).to.equal(undefined);
    expect(ruleTask('filter', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '')).to.equal(undefined);
    expect(ruleTask('mangle', '-A PREROUTING -d 10.0.0.1/32 -j MARK --set-xmark 0x1/0xff', '')).to.equal(undefined);
  });

  it('a host without iptables or a table adopts nothing of it', () => {
    expect(adoptProbes(discovered('', KEEPALIVED, [127, 127, 127]))).to.deep.equal([]);
  });

  it('each rule adopts to a task that plans nothing (drift 0); not in the saved rules file: persist none', () => {
    const adopted = adopt(SAVE_A);
    expect(adopted).to.have.length(5);
    for (const { tasks, facts: f } of adopted) {
      expect(tasks).to.have.length(1);
      expect(tasks[0].persist).to.equal('none');
      const plan = drift(tasks[0], f);
      expect(plan.changes, JSON.stringify(tasks[0])).to.deep.equal([]);
    }
  });

  it('rules the saved rules file already has are adopted persisted, still with drift 0', () => {
    const adopted = adopt(SAVE_A, KEEPALIVED, { [SAVED_PATHS.debian]: SAVE_A });
    expect(adopted.map((a) => a.tasks[0].persist)).to.deep.equal(['auto', 'auto', 'auto', 'auto', 'none']);
    for (const { tasks, facts: f } of adopted) expect(drift(tasks[0], f).changes).to.deep.equal([]);
  });

  it('the bypass is adopted on the BACKUP (no VIP) and would be removed on a host holding the VIP', () => {
    const bypass = adopt(SAVE_A).find((a) => a.probe.jump === 'REDIRECT')!;
    const holder = facts(SAVE_A, 'nat', {}, ['172.16.0.30']);
    const plan = drift(bypass.tasks[0], holder);
    expect(plan.changes.map((c) => c.kind)).to.deep.equal(['remove-rule']);
    expect(plan.changes[0].commands).to.deep.equal(["iptables -w -t nat -D PREROUTING -d 172.16.0.30/32 -p tcp -m tcp --dport 80 -j REDIRECT"]);
  });

  it('a change to an adopted rule plans it; the hand rule without a comment stays as the operator made it', () => {
    const mark = adopt(SAVE_A)[0];
    const plan = drift({ ...mark.tasks[0], set_mark: 6 }, mark.facts);
    expect(plan.changes.map((c) => [c.kind, c.after])).to.deep.equal([
      ['add-rule', '-A PREROUTING -d 172.16.0.30/32 -p tcp -m tcp --dport 80 -m mac ! --mac-source 08:00:27:e1:3c:c5 -j MARK --set-xmark 0x6/0xffffffff'],
    ]);
    const commented = adopt(SAVE_A)[1];
    expect(drift({ ...commented.tasks[0], set_mark: 6 }, commented.facts).changes.map((c) => c.field)).to.deep.equal(['set_mark']);
  });

  it('removing an adopted rule without a comment deletes exactly it, live and in the saved file, no other hand rule', () => {
    const saved = SAVE_A;
    const lvs = adopt(SAVE_A, KEEPALIVED, { [SAVED_PATHS.debian]: saved })[2];
    const plan = drift({ ...lvs.tasks[0], state: 'absent' }, lvs.facts);
    expect(plan.changes.map((c) => c.kind)).to.deep.equal(['remove-rule', 'unpersist-rule']);
    expect(plan.changes[0].commands).to.deep.equal(['iptables -w -t mangle -D LVS -d 172.16.0.32/32 -j MARK --set-xmark 0x7/0xffffffff']);
    // The saved file is written back with only that line gone (the other hand rules, commented or not, stay).
    const expected = saved.replace('-A LVS -d 172.16.0.32/32 -j MARK --set-xmark 0x7/0xffffffff\n', '');
    expect(expected).not.to.equal(saved);
    expect(plan.changes[1].commands).to.include(sh`printf '%s' ${expected} > ${SAVED_PATHS.debian + '.rb-new'}`);
    expect(plan.changes[0].data).to.deep.equal({ rule: '-A LVS -d 172.16.0.32/32 -j MARK --set-xmark 0x7/0xffffffff' });
  });

  it('an adopted rule is managed for drift --unmanaged; the MARK rules nobody declares are still reported', () => {
    const adopted = adopt(SAVE_A).filter((a) => a.probe.table === 'mangle' && a.probe.chain === 'PREROUTING');
    const declared = adopted.map((a) => ({ params: valid(a.tasks[0]), facts: a.facts, taskName: 'iptables_mark 1 (adopted)' }));
    expect(unmanagedMarkRules(declared)).to.deep.equal(['mangle -A PREROUTING -m state --state ESTABLISHED -j MARK --set-xmark 0x9/0xffffffff']);
  });

  it('two directors: the shared rule goes to the playbook, each peer MAC and mark to host_vars', () => {
    const a = adopt(SAVE_A)[0].tasks[0];
    const b = adopt(MANGLE_B, '').filter((x) => x.probe.chain === 'PREROUTING')[0].tasks[0];
    const out = layout(
      [
        { host: 'lb1', tasks: [{ module: 'iptables_mark', params: a, secrets: new Set() }] },
        { host: 'lb2', tasks: [{ module: 'iptables_mark', params: b, secrets: new Set() }] },
      ],
      new Map([['directors', ['lb1', 'lb2']]]),
    );
    expect(out.plays[0].tasks[0].iptables_mark).to.deep.equal({
      table: 'mangle', chain: 'PREROUTING', destination: '172.16.0.30', protocol: 'tcp', dport: '80',
      mac_source: '{{ iptables_mark_mac_source }}', jump: 'MARK', set_mark: '{{ iptables_mark_set_mark }}', find_by: 'rule', persist: 'none',
    });
    expect(out.hostVars).to.deep.equal({
      lb1: { iptables_mark_mac_source: '! 08:00:27:e1:3c:c5', iptables_mark_set_mark: 3 },
      lb2: { iptables_mark_mac_source: '! 08:00:27:77:84:ef', iptables_mark_set_mark: 4 },
    });
  });

  it('find_by: rule refuses a comment (the rule is found without one)', () => {
    const r = validateFields(iptablesMark.params, { set_mark: 3, find_by: 'rule', comment: 'x' }, '', {}, iptablesMark.rules);
    expect(r.problems.map((p) => p.path)).to.deep.equal(['comment']);
  });
});
