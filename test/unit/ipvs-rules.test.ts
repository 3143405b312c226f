import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseIpvsFacts, parseKernelPart, parseTimeouts } from '../../modules/ipvs/facts.js';
import { parseListing, thresholdsOf } from '../../modules/ipvs/listing.js';
import { ruleLines, serviceId } from '../../modules/lib/ipvs-table/model.js';
import { liveServices } from '../../modules/ipvs/plan.js';
import { parseRules, RulesSyntaxError } from '../../modules/lib/ipvs-table/save-format.js';

// Captured on real IPVS (Debian kernel 6.1, ipvsadm 1.31) by test/fixtures/ipvs/capture.ts.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/ipvs/${name}`, import.meta.url), 'utf8');

describe('ipvsadm -Sn reader', () => {
  const saved = parseRules(fixture('mixed.save'), 'ipvsadm -Sn');
  const byId = new Map(saved.services.map((s) => [serviceId(s.key), s]));

  it('reads every service of the captured table: tcp, udp, fwmark, IPv6', () => {
    expect([...byId.keys()]).to.deep.equal([
      'tcp 198.18.0.100:80',
      'tcp 198.18.0.100:443',
      'udp 198.18.0.100:53',
      'udp 198.18.0.100:514',
      'tcp [2001:db8::100]:80',
      'fwmark 3',
      'fwmark 4 (ipv6)',
    ]);
  });

  it('reads persistence, its netmask, scheduler flags and one-packet scheduling', () => {
    expect(byId.get('tcp 198.18.0.100:443')).to.deep.include({ scheduler: 'wrr', persistent: 600, netmask: '255.255.255.0' });
    expect(byId.get('udp 198.18.0.100:53')).to.deep.include({ scheduler: 'sh', schedFlags: ['sh-fallback', 'sh-port'] });
    expect(byId.get('udp 198.18.0.100:53')).to.not.have.property('persistent');
    expect(byId.get('udp 198.18.0.100:514')!.ops).to.equal(true);
    // A bare -p is saved as 360 s by ipvsadm 1.31.
    expect(byId.get('fwmark 3')).to.deep.include({ scheduler: 'wlc', persistent: 360, netmask: '255.255.255.255' });
    expect(byId.get('tcp [2001:db8::100]:80')).to.deep.include({ scheduler: 'lc', persistent: 60, netmask: '64' });
  });

  it('reads every forwarding method, weight 0 and real servers of fwmark services', () => {
    expect(byId.get('tcp 198.18.0.100:80')!.reals.map((r) => [r.address, r.port, r.forward, r.weight])).to.deep.equal([
      ['198.18.0.13', 80, 'gate', 1],
      ['198.18.0.14', 80, 'gate', 0],
    ]);
    expect(byId.get('tcp 198.18.0.100:443')!.reals.map((r) => [r.address, r.port, r.forward, r.weight])).to.deep.equal([
      ['198.18.0.15', 443, 'ipip', 2],
      ['10.0.0.5', 8443, 'masq', 3],
    ]);
    expect(byId.get('fwmark 3')!.reals.map((r) => [r.address, r.port, r.forward])).to.deep.equal([
      ['198.18.0.13', 0, 'gate'],
      ['10.0.0.6', 8080, 'masq'],
    ]);
    expect(byId.get('tcp [2001:db8::100]:80')!.reals[0]).to.deep.include({ address: '2001:db8::13', port: 80 });
  });

  it('renders each service back to the lines ipvsadm printed (--tun-type ipip aside)', () => {
    const printed = fixture('mixed.save').replace(/ --tun-type ipip/g, '');
    expect(saved.services.flatMap(ruleLines).join('\n') + '\n').to.equal(printed);
  });

  it('reads a saved rules file: comments, blank lines, the ipvsadm word, long options, --set', () => {
    const r = parseRules('# ipvsadm.rules\n\nipvsadm --add-service --tcp-service 10.0.0.1:80 --scheduler wrr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 2 -x 10\n--set 900 120 300\n-C\n', 'rules');
    expect(r.lines.map((l) => l.kind)).to.deep.equal(['comment', 'comment', 'service', 'real', 'set', 'other']);
    expect(r.services[0].reals[0]).to.deep.equal({ address: '10.0.0.2', port: 80, forward: 'masq', weight: 2, uThreshold: 10, lThreshold: 0 });
    expect(r.timeouts).to.deep.equal({ tcp: 900, tcpfin: 120, udp: 300 });
  });

  it('reports malformed lines with file and line', () => {
    const bad = (text: string) => () => parseRules(text, '/etc/ipvsadm.rules');
    expect(bad('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:http -g\n')).to.throw(RulesSyntaxError, '/etc/ipvsadm.rules, line 2: port must be a number');
    expect(bad('-a -t 10.0.0.1:80 -r 10.0.0.2:80\n')).to.throw('line 1: real server for tcp 10.0.0.1:80 before the line adding that service');
    expect(bad('-A -t 10.0.0.1:80 -s rr -z\n')).to.throw('unknown option "-z"');
    expect(bad('-A -t 10.0.0.1:80 -s\n')).to.throw('option -s without a value');
    expect(bad('-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n')).to.throw('line 2: service tcp 10.0.0.1:80 is added twice');
    expect(bad('-X\n')).to.throw('unexpected command "-X"');
    expect(bad('--set 1 2\n')).to.throw('--set takes three timeouts');
  });
});

describe('ipvsadm -Ln --thresholds and --timeout readers', () => {
  it('reads thresholds and connection counts (real output)', () => {
    const l = parseListing(fixture('mixed.thresholds'));
    expect(l['tcp 198.18.0.100:443']['10.0.0.5:8443']).to.deep.equal({ uThreshold: 100, lThreshold: 50, active: 0, inactive: 0 });
    expect(l['fwmark 3']['198.18.0.13:0'].uThreshold).to.equal(0);
    expect(l['fwmark 4 (ipv6)']).to.deep.equal({});
    expect(l['tcp [2001:db8::100]:80']).to.have.key('[2001:db8::13]:80');
    expect(thresholdsOf(l)).to.deep.equal({ 'tcp 198.18.0.100:443': { '10.0.0.5:8443': [100, 50] } });
  });

  it('refuses a listing it cannot read', () => {
    expect(() => parseListing('TCP  10.0.0.1:80 rr\n  -> 10.0.0.2:80  Route 1\n')).to.throw('line 2: unexpected');
    expect(() => parseListing('  -> 10.0.0.2:80  0 0 0 0\n')).to.throw('a real server before any service');
  });

  it('reads the timeouts line, nothing without a table', () => {
    expect(parseTimeouts('Timeout (tcp tcpfin udp): 900 120 300\n')).to.deep.equal({ tcp: 900, tcpfin: 120, udp: 300 });
    expect(parseTimeouts('')).to.equal(undefined);
    expect(() => parseTimeouts('Timeout: soon\n')).to.throw('cannot read ipvsadm -Ln --timeout');
  });
});

describe('ipvs facts (the module\'s facts command, run on real IPVS)', () => {
  it('a host where ip_vs is not loaded: no table, ipvsadm not run, the modules on disk', () => {
    const f = parseIpvsFacts(fixture('fresh.stdout'));
    expect(f).to.deep.include({ table: false, live: '', thresholds: {}, os: 'debian', bootEnabled: true });
    expect(f.timeouts).to.equal(undefined);
    expect(f.modules.loaded).to.deep.equal([]);
    expect(f.modules.available).to.include.members(['ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_pe_sip']);
    expect(f.files['/etc/ipvsadm.rules']).to.equal('# emtpy rules file for ipvsadm\n');
    expect(f.files['/etc/sysconfig/ipvsadm']).to.equal(null);
    expect(f.files['/etc/default/ipvsadm']).to.match(/^AUTO="false"$/m);
    expect(f.keepalived).to.deep.equal({ content: null, running: false });
  });

  it('seed 003\'s director converged: table, saved file, AUTO="true"', () => {
    const f = parseIpvsFacts(fixture('seed003.stdout'));
    expect(f.table).to.equal(true);
    expect(f.modules.loaded).to.deep.equal(['ip_vs', 'ip_vs_wrr']);
    expect(f.timeouts).to.deep.equal({ tcp: 900, tcpfin: 120, udp: 300 });
    expect(liveServices(f).map((s) => ruleLines(s))).to.deep.equal([
      ['-A -t 198.18.0.100:21 -s wrr', '-a -t 198.18.0.100:21 -r 198.18.0.13:21 -g -w 3', '-a -t 198.18.0.100:21 -r 198.18.0.14:21 -g -w 1'],
    ]);
    expect(f.files['/etc/default/ipvsadm']).to.match(/^AUTO="true"$/m);
  });

  it('merges the thresholds -Sn leaves out into the live model', () => {
    const f = parseIpvsFacts(fixture('mixed.stdout'));
    expect(f.timeouts).to.deep.equal({ tcp: 1800, tcpfin: 60, udp: 120 });
    const masq = liveServices(f).find((s) => serviceId(s.key) === 'tcp 198.18.0.100:443')!.reals.find((r) => r.forward === 'masq');
    expect(masq).to.deep.include({ uThreshold: 100, lThreshold: 50 });
  });

  it('reads keepalived and ldirectord configs on the host', () => {
    const f = parseIpvsFacts(fixture('managers.stdout'));
    expect(f.keepalived.content).to.match(/^virtual_server 198.18.0.100 80 \{/);
    expect(f.ldirectord.files['/etc/ha.d/ldirectord.cf']).to.match(/^virtual=198.18.0.100:53$/m);
    expect(f.ldirectord.running).to.equal(false);
  });

  it('refuses truncated or foreign output', () => {
    expect(() => parseIpvsFacts('table\n')).to.throw('output parts');
    expect(() => parseKernelPart('loaded nf_conntrack\n')).to.throw('unexpected kernel module line');
    const noIpvsadm = fixture('seed003.stdout').replace(/(@@rb-part-5eed5eed5eed5eed 0\n)-A[\s\S]*?\n@@rb-part-5eed5eed5eed5eed 0/, '$1\n@@rb-part-5eed5eed5eed5eed 127');
    expect(() => parseIpvsFacts(noIpvsadm)).to.throw('ipvsadm is not installed');
  });
});
