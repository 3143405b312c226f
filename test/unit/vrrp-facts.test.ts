// Facts parsers against output captured from the real commands: factsCommand
// run by sh on this machine (keepalived stopped, file present or absent) and in
// a network namespace where keepalived was running and held its VIP.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { factsCommand, includeCommand, mastersOf, parseAddresses, parseFactsOutput, parseIncludeOutput } from '../../modules/vrrp/facts.js';
import { fromTree } from '../../modules/vrrp/model.js';
import { parseConf } from '../../modules/lib/keepalived-conf/parser.js';
import { FIXTURES } from '../fixtures/vrrp/local.js';

const captured = (name: string) => readFileSync(join(FIXTURES, 'captured', name), 'utf8');
const target = (path: string) => ({ path, service: 'keepalived', pidFile: '/run/keepalived.pid' });

describe('vrrp facts', () => {
  it('reads a running keepalived, its file and its addresses', () => {
    const raw = parseFactsOutput(target('/tmp/vrrp-k1.conf'), captured('facts-running-master.out'));
    expect([raw.exists, raw.running, raw.pid]).to.deep.equal([true, true, 5]);
    expect(raw.content).to.include('virtual_router_id 51');
    expect(raw.addresses).to.deep.include({ ifname: 'veth0', local: '10.99.0.100', prefixlen: 32, label: 'veth0' });
    expect(mastersOf(fromTree(parseConf(raw.content!, 'k1')), raw.addresses)).to.deep.equal(['VI_1']);
  });

  it('reads a stopped keepalived with seed 001 as its file', () => {
    const raw = parseFactsOutput(target('/tmp/vrrp-exp/s1.conf'), captured('facts-seed001-stopped.out'));
    expect([raw.exists, raw.running, raw.pid]).to.deep.equal([true, false, undefined]);
    const config = fromTree(parseConf(raw.content!, 's1'));
    expect(config.instances!.map((i) => i.name)).to.deep.equal(['VI_1']);
    expect(mastersOf(config, raw.addresses), 'the seed VIP is not on this machine').to.deep.equal([]);
  });

  it('reads a host without keepalived.conf', () => {
    const raw = parseFactsOutput(target('/etc/keepalived/keepalived.conf'), captured('facts-absent-stopped.out'));
    expect([raw.exists, raw.content, raw.running]).to.deep.equal([false, undefined, false]);
  });

  it('refuses output it does not recognise', () => {
    const cut = captured('facts-running-master.out').split('@@vrrp addr')[0];
    expect(() => parseFactsOutput(target('/x'), cut)).to.throw('no "addr" section');
    expect(() => parseAddresses('Object "addr" is unknown')).to.throw('not JSON');
    expect(() => parseFactsOutput(target('/x'), '@@vrrp file\n@@rb 1\nS nonsense\n@@vrrp service\nmanager sysv\n@@vrrp addr\n[]\n')).to.throw('cannot read stat output');
  });

  it('is master for an instance only when every VIP is on its interface', () => {
    const config = fromTree(parseConf('vrrp_instance A {\n interface eth0\n virtual_ipaddress {\n  10.0.0.1\n  10.0.0.2/24 dev lo\n }\n}\nvrrp_instance B {\n interface eth0\n virtual_ipaddress {\n  10.0.0.3\n }\n}', 'x'));
    const addrs = [
      { ifname: 'eth0', local: '10.0.0.1', prefixlen: 32 },
      { ifname: 'lo', local: '10.0.0.2', prefixlen: 24 },
      { ifname: 'lo', local: '10.0.0.3', prefixlen: 32 },
    ];
    expect(mastersOf(config, addrs)).to.deep.equal(['A']);
  });

  it('builds one command for the file, the daemon and the addresses', () => {
    const cmd = factsCommand(target('/etc/keepalived/keepalived.conf'));
    expect(cmd.split('\n')[0]).to.equal("echo '@@vrrp file'");
    expect(cmd).to.include("ip -j addr show 2>/dev/null || echo '[]'");
    expect(cmd).to.include('rb_files=/run/keepalived.pid');
  });
});

describe('vrrp include facts', () => {
  const dir = join(FIXTURES, 'all-constructs');

  it('expands include globs with the real sh and reads each file', () => {
    const pattern = join(dir, 'conf.d', '*.conf');
    const files = parseIncludeOutput(execFileSync('sh', ['-c', includeCommand([pattern, join(dir, 'none', '*.conf')])], { encoding: 'utf8' }));
    expect(Object.keys(files)).to.deep.equal([pattern, join(dir, 'none', '*.conf')]);
    expect(files[pattern].map((f) => f.path)).to.deep.equal([join(dir, 'conf.d', '10-scripts.conf')]);
    expect(files[pattern][0].text).to.equal(readFileSync(join(dir, 'conf.d', '10-scripts.conf'), 'utf8'));
    expect(files[join(dir, 'none', '*.conf')]).to.deep.equal([]);
  });

  it('never evaluates what a pattern holds', () => {
    const out = execFileSync('sh', ['-c', includeCommand(['/nonexistent/$(echo pwned)*;echo hi'])], { encoding: 'utf8' });
    expect(out).to.equal('@@vrrp pattern /nonexistent/$(echo pwned)*;echo hi\n');
  });

  it('refuses include output it does not recognise', () => {
    expect(() => parseIncludeOutput('garbage\n')).to.throw('unexpected include output');
  });
});
