// A rule that follows an address (iptables_mark unless_address, the two-box
// bypass rule): facts and plans from the real tools' output captured by
// test/fixtures/iptables_mark/capture-bypass.ts, and the params it refuses.

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseAddresses, parseIptablesFacts, type IptablesFacts } from '../../modules/iptables_mark/facts.js';
import { iptablesMarkRules, type IptablesMarkParams } from '../../modules/iptables_mark/params.js';
import { planIptables } from '../../modules/iptables_mark/plan.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/iptables_mark/${name}`, import.meta.url), 'utf8');
const FILES = ['/etc/iptables/rules.v4', '/etc/sysconfig/iptables'];
const LINE = '-A PREROUTING -d 198.18.0.100/32 -p tcp -m tcp --dport 80 -m comment --comment "rb:bypass-ipvs" -j REDIRECT';
const BYPASS: IptablesMarkParams = {
  table: 'nat', chain: 'PREROUTING', destination: '198.18.0.100', protocol: 'tcp', dport: '80', jump: 'REDIRECT',
  comment: 'rb:bypass-ipvs', unless_address: '198.18.0.100', position: 'insert', state: 'present', persist: 'none',
};
const facts = (name: string): IptablesFacts => parseIptablesFacts(fixture(name), 'nat', FILES, true).facts!;
const plan = (f: IptablesFacts, p: Partial<IptablesMarkParams> = {}) => planIptables({ ...BYPASS, ...p }, f, { taskName: 'bypass' });

describe('iptables_mark: a rule present only while the host lacks an address', () => {
  it('reads the nat table and the addresses (real output)', () => {
    const backup = facts('bypass-backup.stdout');
    expect(backup.rules).to.deep.equal([LINE]);
    expect(backup.addresses).to.deep.equal(['127.0.0.1', '::1', '198.18.0.11']);
    expect(facts('bypass-master.stdout').addresses).to.include('198.18.0.100');
    expect(facts('bypass-master.stdout').rules).to.deep.equal([]);
  });

  it('without the flag the facts have no addresses, and the same output does not parse (one part more)', () => {
    expect(() => parseIptablesFacts(fixture('bypass-backup.stdout'), 'nat', FILES)).to.throw(/expected 5 output parts, got 6/);
    expect(parseAddresses('2: eth0    inet6 FE80::1/64 scope link')).to.deep.equal(['fe80::1']);
  });

  it('a BACKUP with the rule the notify script added, a MASTER without it: nothing to do', () => {
    const b = plan(facts('bypass-backup.stdout'));
    expect(b.changes).to.deep.equal([]);
    expect(b.reason).to.equal('rule "rb:bypass-ipvs" is in place in nat/PREROUTING (the host does not hold 198.18.0.100)');
    const m = plan(facts('bypass-master.stdout'));
    expect(m.changes).to.deep.equal([]);
    expect(m.reason).to.equal('no rule "rb:bypass-ipvs" in nat/PREROUTING (the host holds 198.18.0.100)');
  });

  it('a BACKUP without the rule gets it; a MASTER that kept it loses it', () => {
    const backup = { ...facts('bypass-backup.stdout'), rules: [] };
    expect(plan(backup).changes.map((c) => [c.kind, c.after, c.commands])).to.deep.equal([
      ['add-rule', LINE, ["iptables -w -t nat -I PREROUTING -d 198.18.0.100/32 -p tcp -m tcp --dport 80 -m comment --comment rb:bypass-ipvs -j REDIRECT"]],
    ]);
    const master = { ...facts('bypass-master.stdout'), rules: [LINE] };
    expect(plan(master).changes.map((c) => [c.kind, c.before])).to.deep.equal([['remove-rule', LINE]]);
  });

  it('a rule of another shape under the same comment is replaced on a BACKUP', () => {
    const backup = { ...facts('bypass-backup.stdout'), rules: [LINE.replace('--dport 80', '--dport 8080')] };
    expect(plan(backup).changes.map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([['update-rule', 'dport', '8080', '80']]);
  });

  it('refuses what cannot work: REDIRECT outside the nat table or in INPUT, a saved rule, a bad address', () => {
    const problems = (p: Partial<IptablesMarkParams>) => iptablesMarkRules!({ ...BYPASS, ...p } as unknown as Record<string, unknown>);
    expect(problems({})).to.deep.equal([]);
    expect(problems({ table: 'mangle' })).to.deep.include(['table', 'the REDIRECT target works in the nat table only']);
    expect(problems({ chain: 'INPUT' })).to.deep.include(['chain', 'REDIRECT works in PREROUTING and OUTPUT, not INPUT']);
    expect(problems({ persist: 'auto' })).to.deep.include(['persist', 'a rule that follows an address at run time is not saved for boot: set persist: none']);
    expect(problems({ unless_address: '198.18.0.300' })).to.deep.include(['unless_address', 'expected an IPv4 or IPv6 address, got "198.18.0.300"']);
  });
});
