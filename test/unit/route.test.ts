// route: the facts parser on output captured from a real lab host
// (test/fixtures/route/capture.ts), and the persistent forms read back as the
// models they were written from. The plan cases are test/modules/route/*.yaml.

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parsePrefix } from '../../core/net/address.js';
import { parseRouteFacts, routeFactsCommand } from '../../modules/route/facts.js';
import { findRouteLine, parseHook, parseRouteLine, persistPath, renderHook, withRouteLine } from '../../modules/route/persist.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/route/${name}.stdout`, import.meta.url), 'utf8');
const HOOK = '/etc/network/if-up.d/rb-route-default';

describe('route facts (real output)', () => {
  it('builds one command: the exact routes, the interface, distribution, ifupdown, files', () => {
    const cmd = routeFactsCommand(parsePrefix('0.0.0.0/0')!, 'eth1', [HOOK]);
    expect(cmd.split('\n').filter((l) => l.startsWith('{ '))).to.deep.equal([
      '{ ip -j route show table main exact 0.0.0.0/0',
      '{ ip -j link show dev eth1 >/dev/null',
      '{ if [ -f /etc/debian_version ]; then echo debian; elif [ -f /etc/redhat-release ]; then echo redhat; else echo unknown; fi',
      '{ if command -v ifup >/dev/null 2>&1; then echo yes; else echo no; fi',
      `{ if [ -f ${HOOK} ]; then echo present; cat ${HOOK}; else echo absent; fi`,
    ]);
    const v6 = routeFactsCommand(parsePrefix('2001:db8::/32')!, undefined, []).split('\n').filter((l) => l.startsWith('{ '));
    expect(v6.slice(0, 2)).to.deep.equal(['{ ip -6 -j route show table main exact 2001:db8::/32', '{ :']);
  });

  it('reads a host with no default route', () => {
    expect(parseRouteFacts(fixture('fresh-default'), [HOOK], true)).to.deep.equal({ routes: [], interfaceExists: true, os: 'debian', ifupdown: false, files: { [HOOK]: null } });
  });

  it('reads a missing interface as such', () => {
    expect(parseRouteFacts(fixture('no-such-interface'), [HOOK], true).interfaceExists).to.equal(false);
  });

  it('reads the converged route and hook', () => {
    const f = parseRouteFacts(fixture('converged-default'), [HOOK], true);
    expect(f.routes).to.deep.equal([{ dst: 'default', gateway: '198.18.1.1', dev: 'eth1', metric: 0 }]);
    expect(parseHook(f.files[HOOK]!)).to.deep.equal({ destination: 'default', gateway: '198.18.1.1', interface: 'eth1' });
  });

  it('reads two default routes by metric, and the drifted hook', () => {
    const f = parseRouteFacts(fixture('drift-default'), [HOOK], true);
    expect(f.routes).to.deep.equal([
      { dst: 'default', gateway: '198.18.1.254', dev: 'eth1', metric: 0 },
      { dst: 'default', gateway: '198.18.1.1', dev: 'eth1', metric: 100 },
    ]);
    expect(parseHook(f.files[HOOK]!)).to.deep.equal({ destination: 'default', gateway: '198.18.1.2', interface: 'eth1', metric: 5 });
  });

  it('reads a host route and an unreachable network', () => {
    expect(parseRouteFacts(fixture('host-route'), ['/etc/network/if-up.d/rb-route-198-18-1-100-32'], true).routes).to.deep.equal([{ dst: '198.18.1.100', dev: 'eth1', metric: 0 }]);
    expect(parseRouteFacts(fixture('unreachable-net'), [], false)).to.deep.include({ routes: [{ dst: '198.18.1.128/25', metric: 0, type: 'unreachable' }], interfaceExists: null });
  });
});

describe('route persistence', () => {
  it('names hooks as run-parts runs them', () => {
    expect(persistPath('debian', parsePrefix('198.18.0.100')!, 'eth0')).to.equal('/etc/network/if-up.d/rb-route-198-18-0-100-32');
    expect(persistPath('debian', parsePrefix('::/0')!, 'eth0')).to.equal('/etc/network/if-up.d/rb-route-default6');
    expect(persistPath('redhat', parsePrefix('0.0.0.0/0')!, 'ens33')).to.equal('/etc/sysconfig/network-scripts/route-ens33');
  });

  it('reads back the hook it writes, with and without an interface', () => {
    for (const m of [
      { destination: 'default', gateway: '192.168.10.1', interface: 'eth0', metric: 7 },
      { destination: '10.1.0.0/16', gateway: '192.168.10.1' },
      { destination: '2001:db8::/32', interface: 'eth0' },
    ]) {
      expect(parseHook(renderHook(m))).to.deep.equal(m);
    }
    expect(renderHook({ destination: '10.1.0.0/16', gateway: '192.168.10.1' })).to.contain('[ "$IFACE" != lo ] || exit 0\nip route replace 10.1.0.0/16 via 192.168.10.1 ');
    expect(renderHook({ destination: '2001:db8::/32', interface: 'eth0' })).to.contain('\nip -6 route replace 2001:db8::/32 dev eth0 ');
  });

  it('reads the spellings of route-<interface> lines and edits only the one of its destination', () => {
    expect(parseRouteLine('0.0.0.0/0 via 192.168.10.1 dev ens33')).to.deep.equal({ destination: 'default', gateway: '192.168.10.1', interface: 'ens33' });
    expect(parseRouteLine('198.18.0.100 dev ens33 metric 3')).to.deep.equal({ destination: '198.18.0.100/32', interface: 'ens33', metric: 3 });
    expect(parseRouteLine('ADDRESS0=10.1.0.0')).to.equal(null);
    const text = '# site routes\n10.9.0.0/16 via 192.168.10.7\ndefault via 192.168.10.254 dev ens33\n';
    expect(findRouteLine(text, 'default')?.index).to.equal(2);
    expect(withRouteLine(text, null, 'default')).to.equal('# site routes\n10.9.0.0/16 via 192.168.10.7\n');
    expect(withRouteLine(null, { destination: 'default', gateway: '192.168.10.1' }, 'default')).to.equal('default via 192.168.10.1\n');
  });
});
