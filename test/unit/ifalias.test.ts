import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { canonicalIp, netmaskToPrefix, parsePrefix, prefixToNetmask } from '../../core/net/address.js';
import { ifaliasFactsCommand, parseIfaliasFacts, parseIpAddr, parseIpRoute } from '../../modules/ifalias/facts.js';
import { parsePersist, persistPath, renderPersist, type PersistModel } from '../../modules/ifalias/persist.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ifalias/${name}`, import.meta.url), 'utf8');
const LO0 = '/etc/network/interfaces.d/rb-lo-0';

describe('ifalias facts', () => {
  it('builds one command: addresses, covering routes, distribution, arping, ifupdown, files', () => {
    const cmd = ifaliasFactsCommand('eth0', parsePrefix('198.18.0.100')!, [LO0]);
    expect(cmd.split('\n').filter((l) => l.startsWith('{ '))).to.deep.equal([
      '{ ip -j addr show dev eth0',
      '{ ip -j route show table main match 198.18.0.100',
      '{ if [ -f /etc/debian_version ]; then echo debian; elif [ -f /etc/redhat-release ]; then echo redhat; else echo unknown; fi',
      '{ if command -v arping >/dev/null 2>&1; then arping --help 2>&1 | head -n 1; fi',
      "{ grep -qsE '^[[:space:]]*source(-directory)?[[:space:]]+(/etc/network/)?interfaces\\.d' /etc/network/interfaces && echo yes || echo no",
      `{ if [ -f ${LO0} ]; then echo present; cat ${LO0}; else echo absent; fi`,
    ]);
    expect(ifaliasFactsCommand('lo', parsePrefix('2001:db8::64')!, [])).to.contain('{ ip -6 -j route show table main match 2001:db8::64\n');
    // No announcement can follow on lo: no arping probe, the part stays (empty).
    const lo = ifaliasFactsCommand('lo', parsePrefix('198.18.0.100')!, [LO0], false);
    expect(lo).to.not.contain('arping');
    expect(lo.split('\n').filter((l) => l.startsWith('{ '))[3]).to.equal('{ :');
  });

  it('reads a fresh lo (real output)', () => {
    expect(parseIfaliasFacts(fixture('fresh-lo.stdout'), [LO0])).to.deep.equal({
      interfaceExists: true,
      addresses: [
        { family: 'inet', local: '127.0.0.1', prefixlen: 8, label: 'lo' },
        { family: 'inet6', local: '::1', prefixlen: 128 },
      ],
      routes: [{ dst: '198.18.0.0/24', dev: 'rbcapa' }],
      os: 'debian',
      files: { [LO0]: null },
      arping: 'habets',
      ifupdownReadsDir: false,
    });
  });

  it('reads a converged lo:0 with its host route and stanza (real output)', () => {
    const f = parseIfaliasFacts(fixture('converged-lo.stdout'), [LO0]);
    expect(f.addresses[1]).to.deep.equal({ family: 'inet', local: '198.18.0.100', prefixlen: 32, label: 'lo:0' });
    expect(f.routes).to.deep.equal([{ dst: '198.18.0.0/24', dev: 'rbcapa' }, { dst: '198.18.0.100', dev: 'lo' }]);
    expect(f.files[LO0]).to.match(/^# Managed by rb \(ifalias module\)\nauto lo:0\n/);
    expect(f.ifupdownReadsDir).to.equal(true);
  });

  it('reads broadcast and label of an eth alias, and IPv6 routes (real output)', () => {
    const eth = parseIfaliasFacts(fixture('converged-eth.stdout'), ['/etc/network/interfaces.d/rb-rbcapa-0']);
    expect(eth.addresses[1]).to.deep.equal({ family: 'inet', local: '198.18.0.100', prefixlen: 32, label: 'rbcapa:0', broadcast: '198.18.0.100' });
    const v6 = parseIfaliasFacts(fixture('ipv6-lo.stdout'), ['/etc/network/interfaces.d/rb-lo-2001-db8--64']);
    expect(v6.routes).to.deep.equal([{ dst: '2001:db8::64', dev: 'lo' }]);
  });

  it('reads a missing interface as such, not as an error (real output)', () => {
    const f = parseIfaliasFacts(fixture('no-such-interface.stdout'), ['/etc/network/interfaces.d/rb-eth9-0']);
    expect(f.interfaceExists).to.equal(false);
    expect(f.addresses).to.deep.equal([]);
    expect(fixture('no-such-interface.stderr')).to.equal('Device "eth9" does not exist.\n');
  });

  it('refuses malformed output', () => {
    expect(() => parseIpAddr('[{"addr_info":[{"family":"inet","local":"1.2.3.4"}]}]')).to.throw(/without local\/prefixlen/);
    expect(() => parseIpAddr('Device "x" does not exist.')).to.throw(/not JSON/);
    expect(() => parseIpRoute('{"dst":"default"}')).to.throw(/expected a JSON list/);
    expect(parseIpRoute('')).to.deep.equal([]);
  });
});

describe('ifalias addresses', () => {
  it('defaults a VIP to a host prefix and canonicalises IPv6 as iproute2 prints it', () => {
    expect(parsePrefix('198.18.0.100')).to.deep.equal({ family: 'inet', address: '198.18.0.100', prefix: 32 });
    expect(parsePrefix('2001:DB8:0:0::64')).to.deep.equal({ family: 'inet6', address: '2001:db8::64', prefix: 128 });
    expect(canonicalIp('2001:db8:0:1:0:0:0:1')).to.equal('2001:db8:0:1::1');
    expect(canonicalIp('1:0:2:0:3:0:4:0')).to.equal('1:0:2:0:3:0:4:0');
    expect(canonicalIp('::ffff:1.2.3.4')).to.equal('::ffff:1.2.3.4');
    for (const bad of ['1.2.3.4/33', '1.2.3', 'lo', '1.2.3.4/x', '::1/129']) expect(parsePrefix(bad), bad).to.equal(null);
  });

  it('converts netmasks', () => {
    expect(netmaskToPrefix('255.255.255.255')).to.equal(32);
    expect(netmaskToPrefix('255.255.255.0')).to.equal(24);
    expect(netmaskToPrefix('255.0.255.0')).to.equal(null);
    expect(prefixToNetmask(32)).to.equal('255.255.255.255');
    expect(prefixToNetmask(20)).to.equal('255.255.240.0');
  });
});

describe('ifalias persistent files', () => {
  const model: PersistModel = { device: 'lo:0', address: '172.16.0.30/32', host_route: true, onboot: true };

  it('names the files after the label (no ":" for ifupdown)', () => {
    expect(persistPath('debian', 'lo:0', parsePrefix('172.16.0.30')!)).to.equal('/etc/network/interfaces.d/rb-lo-0');
    expect(persistPath('debian', 'eth0', parsePrefix('172.16.0.30')!)).to.equal('/etc/network/interfaces.d/rb-eth0-172-16-0-30');
    expect(persistPath('redhat', 'lo:0', parsePrefix('172.16.0.30')!)).to.equal('/etc/sysconfig/network-scripts/ifcfg-lo:0');
  });

  it('renders and re-reads a Debian stanza', () => {
    const text = renderPersist('debian', model, 'lo');
    expect(text).to.equal(
      '# Managed by rb (ifalias module)\nauto lo:0\niface lo:0 inet static\n    address 172.16.0.30/32\n    up ip route replace 172.16.0.30/32 dev lo\n',
    );
    expect(parsePersist('debian', text)).to.deep.equal(model);
  });

  it('reads a hand-written stanza with netmask', () => {
    const text = 'auto eth0:0\niface eth0:0 inet static\n  address 10.0.0.10\n  netmask 255.255.255.255\n  broadcast 10.0.0.10\n';
    expect(parsePersist('debian', text)).to.deep.equal({ device: 'eth0:0', address: '10.0.0.10/32', broadcast: '10.0.0.10', host_route: false, onboot: true });
  });

  it('renders an ifcfg file and reads the seed\'s hand-written one as the same model', () => {
    const rh = { ...model, host_route: false };
    expect(renderPersist('redhat', rh, 'lo')).to.equal(
      '# Managed by rb (ifalias module)\nDEVICE=lo:0\nIPADDR=172.16.0.30\nNETMASK=255.255.255.255\nONBOOT=yes\n',
    );
    const seed = 'DEVICE=lo:0\nIPADDR=172.16.0.30\nNETMASK=255.255.255.255\nONBOOT=yes\nNAME=loopback\n';
    expect(parsePersist('redhat', seed)).to.deep.equal(rh);
  });

  it('reads a file without an address as null', () => {
    expect(parsePersist('redhat', 'DEVICE=lo:0\n')).to.equal(null);
    expect(parsePersist('debian', '# nothing\n')).to.equal(null);
  });
});
