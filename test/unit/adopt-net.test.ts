// rb adopt for addresses and routes, on `ip -j` output captured by
// test/fixtures/adopt/capture-net.sh from a namespace set up by hand: what is
// found, what is left to keepalived and heartbeat, and that each adopted task
// plans nothing against the facts it was read from (drift 0) while a change
// to it still plans.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { validateFields } from '../../core/schema/validate.js';
import { splitParts } from '../../core/transport/script-parts.js';
import ifalias from '../../modules/ifalias/index.js';
import route from '../../modules/route/index.js';
import { aliasesOf } from '../../modules/ifalias/adopt.js';
import { handRoutes } from '../../modules/route/adopt.js';
import { parseIpAddr, type IfaliasFacts } from '../../modules/ifalias/facts.js';
import { planIfalias } from '../../modules/ifalias/plan.js';
import { renderPersist } from '../../modules/ifalias/persist.js';
import { parseIpRoutes, type RouteFacts } from '../../modules/route/facts.js';
import { planRoute } from '../../modules/route/plan.js';
import { heldByDaemons } from '../../modules/lib/adopt/held.js';

const F = 'test/fixtures/adopt';
const addrJson = readFileSync(`${F}/ip-addr.json`, 'utf8');
const routeJson = readFileSync(`${F}/ip-route.json`, 'utf8');
const KEEPALIVED = 'vrrp_instance VI_1 {\n  virtual_ipaddress {\n    198.18.0.101/32 dev lo\n  }\n}\n';

function valid(def: typeof ifalias | typeof route, params: Record<string, unknown>): any {
  const r = validateFields(def.params, params, '', {}, def.rules);
  expect(r.problems, JSON.stringify(r.problems)).to.deep.equal([]);
  return r.value;
}

function ifaliasFacts(iface: string, files: Record<string, string | null> = {}): IfaliasFacts {
  const link = (JSON.parse(addrJson) as Array<{ ifname: string }>).filter((l) => l.ifname === iface);
  const routes = parseIpRoutes(routeJson).filter((r) => r.dev === iface);
  return { interfaceExists: true, addresses: parseIpAddr(JSON.stringify(link)), routes: routes.map((r) => ({ dst: r.dst, ...(r.dev ? { dev: r.dev } : {}), ...(r.gateway ? { gateway: r.gateway } : {}) })), os: 'debian', files, arping: null, ifupdownReadsDir: true };
}

function routeFacts(dst: string): RouteFacts {
  return { routes: parseIpRoutes(routeJson).filter((r) => r.dst === dst), interfaceExists: true, os: 'debian', ifupdown: true, files: {} };
}

describe('rb adopt: addresses and routes', () => {
  it('the daemons are asked only about whole addresses', () => {
    expect(heldByDaemons(KEEPALIVED, '198.18.0.101')).to.equal(true);
    expect(heldByDaemons(KEEPALIVED, '198.18.0.10')).to.equal(false);
    expect(heldByDaemons(KEEPALIVED, '98.18.0.101')).to.equal(false);
  });

  describe('ifalias', () => {
    it('finds the aliases beyond each interface own address, not loopback, link-local or what keepalived moves', () => {
      expect(aliasesOf(addrJson, KEEPALIVED)).to.deep.equal([
        { address: '198.18.0.100', interface: 'lo', label: 'lo:0' },
        { address: '10.9.0.2/24', interface: 'eth0', label: 'eth0:0', broadcast: '10.9.0.255' },
        { address: '10.9.0.3/24', interface: 'eth0' },
      ]);
      expect(aliasesOf(addrJson, '').map((a) => a.address)).to.include('198.18.0.101');
    });

    it('each alias adopts to a task that plans nothing; without rb boot file it is adopted with persist: none', () => {
      for (const found of aliasesOf(addrJson, KEEPALIVED)) {
        const facts = ifaliasFacts(found.interface);
        const tasks = ifalias.adopt!.params(facts, 'rs1', { ...found, persist: 'auto', gratuitous_arp: false });
        expect(tasks).to.deep.equal([{ ...found, persist: 'none' }]);
        expect(planIfalias(valid(ifalias, tasks[0]), facts).changes).to.deep.equal([]);
        const moved = planIfalias(valid(ifalias, { ...tasks[0], address: '198.18.0.99' }), facts);
        expect(moved.changes.map((c) => c.kind)).to.deep.equal(['add-address']);
      }
    });

    it('an alias rb already persists at boot is adopted with the default persistence', () => {
      const path = '/etc/network/interfaces.d/rb-lo-0';
      const facts = ifaliasFacts('lo', { [path]: renderPersist('debian', { device: 'lo:0', address: '198.18.0.100/32', host_route: false, onboot: true }, 'lo') });
      const tasks = ifalias.adopt!.params(facts, 'rs1', { address: '198.18.0.100', interface: 'lo', label: 'lo:0', persist: 'auto', gratuitous_arp: false });
      expect(tasks).to.deep.equal([{ address: '198.18.0.100', interface: 'lo', label: 'lo:0' }]);
      expect(planIfalias(valid(ifalias, tasks[0]), facts).changes).to.deep.equal([]);
    });

    it('discovery reads every address and the daemons configs in one command', () => {
      const d = ifalias.adopt!.discover!;
      expect(d.command).to.contain('ip -j addr show').and.to.contain('/etc/ha.d/haresources');
      const nonce = /@@rb-parts ([0-9a-f]{16})/.exec(d.command)![1];
      const out = `@@rb-parts ${nonce}\n${addrJson}\n@@rb-part-${nonce} 0\n${KEEPALIVED}\n@@rb-part-${nonce} 0\n`;
      expect(d.probes(out).map((p) => p.address)).to.deep.equal(['198.18.0.100', '10.9.0.2/24', '10.9.0.3/24']);
      expect(() => splitParts(out, 2)).not.to.throw();
    });
  });

  describe('route', () => {
    it('finds the routes set by hand, not the kernel connected route, unreachable routes or a VIP host route keepalived moves', () => {
      expect(handRoutes(routeJson, KEEPALIVED)).to.deep.equal([
        { destination: 'default', gateway: '10.9.0.254', interface: 'eth0' },
        { destination: '10.8.0.0/16', gateway: '10.9.0.9', interface: 'eth0', metric: 5 },
        { destination: '198.18.0.100', interface: 'lo' },
      ]);
      expect(handRoutes(readFileSync(`${F}/ip6-route.json`, 'utf8'), '')).to.deep.equal([]);
    });

    it('each route adopts to a task that plans nothing, and a changed gateway plans that one field', () => {
      for (const found of handRoutes(routeJson, KEEPALIVED)) {
        const facts = routeFacts(found.destination as string);
        const tasks = route.adopt!.params(facts, 'rs1', found);
        expect(tasks).to.deep.equal([{ ...found, persist: 'none' }]);
        expect(planRoute(valid(route, tasks[0]), facts).changes).to.deep.equal([]);
      }
      const facts = routeFacts('default');
      const [task] = route.adopt!.params(facts, 'rs1', handRoutes(routeJson, '')[0]);
      const plan = planRoute(valid(route, { ...task, gateway: '10.9.0.253' }), facts);
      expect(plan.changes.map((c) => `${c.kind} ${c.field}`)).to.deep.equal(['replace-route gateway']);
    });
  });
});
