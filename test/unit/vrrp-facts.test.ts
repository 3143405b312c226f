// Facts parsers against output captured from the real commands: factsCommand
// run by sh on this machine (keepalived stopped, file present or absent) and in
// a network namespace where keepalived was running and held its VIP.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { factsCommand, includeCommand, mastersOf, parseAddresses, parseFactsOutput, parseIncludeOutput, readConfigTree, vrrpFactsQuery } from '../../modules/vrrp/facts.js';
import type { FactsContext } from '../../core/module.js';
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

describe('vrrp facts as one batched query', () => {
  const file = join(FIXTURES, 'all-constructs', 'keepalived.conf');
  const run = (shell: string, command: string) => ({ code: 0, stdout: execFileSync(shell, ['-c', command], { encoding: 'utf8' }), stderr: '', durationMs: 0 });
  const noExec = { host: 'h', exec: () => Promise.reject(new Error('no second exec expected')) } as unknown as FactsContext;

  for (const shell of ['sh', 'bash']) {
    it(`follows nested relative includes on the host under ${shell}: the same config as reading level by level, no second exec`, async () => {
      const query = vrrpFactsQuery('h', target(file));
      const facts = await query.refine!(query.parse(run(shell, query.command)), noExec);
      // Level by level, the way a host without the walk is read: includeCommand per missing pattern.
      const byLevels = await readConfigTree(readFileSync(file, 'utf8'), file, undefined, async (patterns) => parseIncludeOutput(execFileSync('sh', ['-c', includeCommand(patterns)], { encoding: 'utf8' })));
      expect(facts.parseError).to.equal(undefined);
      expect(facts.included).to.deep.equal(byLevels.included);
      expect(facts.included).to.deep.equal([join(FIXTURES, 'all-constructs', 'conf.d', '10-scripts.conf'), ...readdirSync(join(FIXTURES, 'all-constructs', 'nested')).filter((f) => f.endsWith('.conf')).map((f) => join(FIXTURES, 'all-constructs', 'nested', f))]);
      expect(facts.config).to.deep.equal(fromTree(byLevels.nodes));
    });
  }

  it('reads an include the host walk does not follow (under an @^ID condition) with one more exec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-vrrp-inc-'));
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'a.conf'), 'vrrp_instance VI_9 {\n  interface lo\n  virtual_router_id 9\n  priority 10\n  virtual_ipaddress {\n    192.0.2.9/32\n  }\n}\n');
    const main = join(dir, 'keepalived.conf');
    writeFileSync(main, '@^no-such-node include d/*.conf\n');
    const query = vrrpFactsQuery('h', target(main));
    const first = query.parse(run('sh', query.command));
    const execs: string[] = [];
    const ctx = { host: 'h', exec: (c: string) => (execs.push(c), Promise.resolve(run('sh', c))) } as unknown as FactsContext;
    const facts = await query.refine!(first, ctx);
    expect(execs).to.have.length(1);
    expect(facts.included).to.deep.equal([join(dir, 'd', 'a.conf')]);
    expect(facts.config.instances?.map((i) => i.name)).to.deep.equal(['VI_9']);
  });
});
