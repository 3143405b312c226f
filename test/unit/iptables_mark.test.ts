import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { iptablesFactsCommand, parseIptablesFacts, parseIptablesSave } from '../../modules/iptables_mark/facts.js';
import { parseRuleLine, ruleWords, sameRule, saveLine, tokenize, normaliseMark } from '../../modules/iptables_mark/rule.js';
import { savedRules, updateSaved, SAVED_HEADER } from '../../modules/iptables_mark/saved.js';
import { desiredRule } from '../../modules/iptables_mark/plan.js';
import type { IptablesMarkParams } from '../../modules/iptables_mark/params.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/iptables_mark/${name}`, import.meta.url), 'utf8');
const FILES = ['/etc/iptables/rules.v4', '/etc/sysconfig/iptables'];
const OURS = '-A PREROUTING -d 198.18.0.100/32 -p tcp -m tcp --dport 80 -m mac ! --mac-source 02:72:62:00:00:02 -m comment --comment "rb:fwmark 3 for the VIP" -j MARK --set-xmark 0x3/0xffffffff';

const params = (p: Partial<IptablesMarkParams>): IptablesMarkParams => ({ table: 'mangle', chain: 'PREROUTING', jump: 'MARK', position: 'insert', state: 'present', persist: 'auto', ...p });

describe('iptables_mark facts', () => {
  it('builds one command: the table, the distribution, the boot loader, the saved files', () => {
    expect(iptablesFactsCommand('mangle', []).split('\n')[1]).to.equal('{ iptables-save -t mangle');
  });

  it('reads a fresh mangle table (real output)', () => {
    expect(parseIptablesFacts(fixture('fresh-mangle.stdout'), 'mangle', FILES).facts).to.deep.equal({
      rules: [],
      chains: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
      os: 'debian',
      files: { '/etc/iptables/rules.v4': null, '/etc/sysconfig/iptables': null },
      bootLoader: false,
    });
  });

  it('reads rules, a user chain and the saved file (real output)', () => {
    const f = parseIptablesFacts(fixture('converged-mangle.stdout'), 'mangle', FILES).facts!;
    expect(f.rules).to.deep.equal([OURS, '-A PREROUTING -p icmp -j MARK --set-xmark 0x9/0xffffffff', '-A RBCHAIN -j RETURN']);
    expect(f.chains).to.include('RBCHAIN');
    expect(f.files['/etc/iptables/rules.v4']).to.equal(fixture('converged-rules.v4'));
  });

  it('reports a failing iptables-save with its exit code (real output)', () => {
    expect(parseIptablesFacts(fixture('unknown-table.stdout'), 'bogus', []).failed).to.deep.equal({ code: 1, out: '' });
  });

  it('refuses malformed output', () => {
    expect(() => parseIptablesSave('*mangle\n:PREROUTING ACCEPT [0:0]\n-X what\nCOMMIT\n', 'mangle')).to.throw(/line 3: unexpected/);
    expect(() => parseIptablesSave('', 'mangle')).to.throw(/no \*mangle table/);
    expect(() => parseRuleLine('-A PREROUTING -d')).to.throw(/without a value/);
    expect(() => tokenize('-m comment --comment "open')).to.throw(/unterminated quote/);
  });
});

describe('iptables rule normaliser', () => {
  const seed = parseRuleLine('-A PREROUTING -d 198.18.0.100 -p tcp --dport 80 -m mac ! --mac-source 02:72:62:00:00:02 -m comment --comment "rb:fwmark 3 for the VIP" -j MARK --set-mark 0x3');

  it('reads the seed\'s spelling and iptables-save\'s as the same rule', () => {
    expect(sameRule(seed, parseRuleLine(OURS))).to.equal(true);
    expect(seed).to.deep.include({
      destination: { value: '198.18.0.100/32', not: false },
      protocol: { value: 'tcp', not: false },
      dport: { value: '80', not: false },
      mac_source: { value: '02:72:62:00:00:02', not: true },
      jump: 'MARK',
      set_mark: '0x3/0xffffffff',
      extra: [],
    });
  });

  it('compares MACs case-insensitively, protocols by name or number, masks as prefixes', () => {
    const upper = parseRuleLine(OURS.replace('02:72:62:00:00:02', '02:72:62:00:00:0A'));
    const lower = parseRuleLine(OURS.replace('02:72:62:00:00:02', '02:72:62:00:00:0a'));
    expect(sameRule(upper, lower)).to.equal(true);
    expect(sameRule(parseRuleLine('-A INPUT -d 224.0.0.18 -p 112 -j ACCEPT'), parseRuleLine('-A INPUT -d 224.0.0.18/32 -p vrrp -j ACCEPT'))).to.equal(true);
    expect(sameRule(parseRuleLine('-A INPUT ! -s 10.0.0.0/255.0.0.0 -j ACCEPT'), parseRuleLine('-A INPUT ! -s 10.0.0.0/8 -j ACCEPT'))).to.equal(true);
    expect(sameRule(parseRuleLine('-A INPUT -s 10.0.0.0/8 -j ACCEPT'), parseRuleLine('-A INPUT ! -s 10.0.0.0/8 -j ACCEPT'))).to.equal(false);
  });

  it('follows xt_MARK: --set-mark V/M is --set-xmark V/(V|M)', () => {
    expect(normaliseMark('0x3', false)).to.equal('0x3/0xffffffff');
    expect(normaliseMark('0x5/0xf0', false)).to.equal('0x5/0xf5');
    expect(normaliseMark('0x5/0xff', true)).to.equal('0x5/0xff');
  });

  it('keeps what it does not model, so such rules never equal a simpler one', () => {
    const r = parseRuleLine('-A PREROUTING -p tcp -m tcp --tcp-flags SYN,RST SYN -m state --state NEW -j MARK --set-xmark 0x1/0xffffffff');
    expect(r.extra).to.deep.equal(['--tcp-flags', 'SYN,RST', 'SYN', '-m', 'state', '--state', 'NEW']);
    expect(sameRule(r, parseRuleLine('-A PREROUTING -p tcp -j MARK --set-xmark 0x1/0xffffffff'))).to.equal(false);
  });

  it('tokenizes quoted comments with iptables-save escapes, and skips counters', () => {
    expect(tokenize(`-m comment --comment "it\\'s a \\\\ \\"b\\"" -j ACCEPT`)).to.deep.equal(['-m', 'comment', '--comment', `it's a \\ "b"`, '-j', 'ACCEPT']);
    expect(parseRuleLine('[12:720] -A INPUT -j ACCEPT').spec).to.deep.equal(['-j', 'ACCEPT']);
  });

  it('renders the line iptables-save prints, and the command the seed types', () => {
    const want = desiredRule(params({ destination: '198.18.0.100', protocol: 'tcp', dport: '80', mac_source: '! 02:72:62:00:00:02', set_mark: 3 }), 'fwmark 3 for the VIP');
    expect(saveLine(want)).to.equal(OURS);
    expect(ruleWords(want, 'command').join(' ')).to.equal(
      '-d 198.18.0.100/32 -p tcp -m tcp --dport 80 -m mac ! --mac-source 02:72:62:00:00:02 -m comment --comment rb:fwmark 3 for the VIP -j MARK --set-mark 0x3',
    );
    expect(saveLine({ chain: 'INPUT', comment: 'a_b-9', jump: 'ACCEPT', extra: [] })).to.equal('-A INPUT -m comment --comment a_b-9 -j ACCEPT');
    expect(saveLine({ chain: 'INPUT', comment: "it's", jump: 'ACCEPT', extra: [] })).to.equal(`-A INPUT -m comment --comment "it\\'s" -j ACCEPT`);
  });

  it('names unnamed tasks\' rules after the rule itself', () => {
    const r = desiredRule(params({ chain: 'INPUT', table: 'filter', destination: '224.0.0.18', protocol: '112', jump: 'ACCEPT' }), 'iptables_mark');
    expect(r.comment).to.equal('rb:INPUT -d 224.0.0.18/32 -p vrrp -j ACCEPT');
  });
});

describe('saved rules file', () => {
  const file = fixture('converged-rules.v4');
  const line = (mark: string) => OURS.replace('0x3/', `${mark}/`);

  it('reads the rules of one table, with line numbers', () => {
    expect(savedRules(file, 'filter').map((l) => [l.index, l.rule.comment])).to.deep.equal([[15, 'rb:accept VRRP'], [16, undefined]]);
  });

  it('replaces only rb\'s own line, keeping foreign rules and other tables', () => {
    const out = updateSaved(file, 'mangle', 'rb:fwmark 3 for the VIP', line('0x4'), 'PREROUTING', 'insert');
    expect(out).to.equal(file.replace(OURS, line('0x4')));
  });

  it('appends at the tail of the chain, removes with null, adds a missing table section', () => {
    const appended = updateSaved(file, 'mangle', 'rb:fwmark 3 for the VIP', line('0x4'), 'PREROUTING', 'append');
    expect(appended.split('\n').slice(7, 10)).to.deep.equal(['-A PREROUTING -p icmp -j MARK --set-xmark 0x9/0xffffffff', line('0x4'), '-A RBCHAIN -j RETURN']);
    expect(updateSaved(file, 'mangle', 'rb:fwmark 3 for the VIP', null, 'PREROUTING', 'insert')).to.equal(file.replace(`${OURS}\n`, ''));
    expect(updateSaved(null, 'raw', 'rb:x', '-A PREROUTING -m comment --comment rb:x -j ACCEPT', 'PREROUTING', 'insert')).to.equal(
      `${SAVED_HEADER}\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -m comment --comment rb:x -j ACCEPT\nCOMMIT\n`,
    );
  });

  it('declares a user chain it adds a rule to, and keeps RHEL counters', () => {
    const rhel = '# Generated by iptables-save\n*mangle\n:PREROUTING ACCEPT [10:600]\n[3:180] -A PREROUTING -p icmp -j ACCEPT\nCOMMIT\n';
    expect(updateSaved(rhel, 'mangle', 'rb:y', '-A MINE -m comment --comment rb:y -j RETURN', 'MINE', 'insert')).to.equal(
      '# Generated by iptables-save\n*mangle\n:PREROUTING ACCEPT [10:600]\n:MINE - [0:0]\n[3:180] -A PREROUTING -p icmp -j ACCEPT\n-A MINE -m comment --comment rb:y -j RETURN\nCOMMIT\n',
    );
  });

  it('names the line of a rule it cannot read', () => {
    expect(() => savedRules('*mangle\n-A PREROUTING -d\nCOMMIT\n', 'mangle')).to.throw(/line 2: option -d without a value/);
  });
});
