// --shard K/N and rb report merge: a stable partition of the selected hosts
// with HA peers kept together, and one report and exit code from the shards.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPlaybooks } from '../../core/engine/run.js';
import { fnv1a, parseShard, shardHash, shardOfHosts } from '../../core/engine/shard.js';
import type { Reporter } from '../../core/engine/types.js';
import { defineModule, type ModuleDef, type ModuleRegistry } from '../../core/module.js';
import { heartbeatHaKeys } from '../../modules/heartbeat/ha-group.js';
import { vrrpHaKeys } from '../../modules/vrrp/ha-group.js';

const silent: Reporter = { playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn() {}, runEnd() {} };
const MAIN = fileURLToPath(new URL('../../core/cli/main.ts', import.meta.url));

describe('--shard K/N', () => {
  it('reads K/N with 1 <= K <= N and refuses anything else, naming the flag', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).to.deep.equal({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '2/0', '2', 'a/b', '', ' ', '2/4/1', '-1/4', '1.5/4', '2/4x']) {
      expect(() => parseShard(bad), bad).to.throw(/--shard: .* is not K\/N/);
    }
  });

  it('hashes with 32-bit FNV-1a (the published test vectors), so every controller agrees', () => {
    expect(fnv1a('')).to.equal(0x811c9dc5);
    expect(fnv1a('a')).to.equal(0xe40c292c);
    expect(fnv1a('foobar')).to.equal(0xbf9cf968);
  });

  it('puts every host in exactly one shard, evenly, whatever the order, and a host stays put when others come', () => {
    const hosts = Array.from({ length: 1000 }, (_, i) => `web${String(i + 1).padStart(4, '0')}.example.net`);
    const of = shardOfHosts(hosts, new Map(), 4);
    const sizes = [1, 2, 3, 4].map((k) => hosts.filter((h) => of.get(h) === k).length);
    expect(sizes.reduce((a, b) => a + b)).to.equal(1000);
    for (const n of sizes) expect(n, `sizes ${sizes}`).to.be.within(200, 300);
    const reversed = shardOfHosts([...hosts].reverse(), new Map(), 4);
    for (const h of hosts) expect(reversed.get(h)).to.equal(of.get(h));
    const grown = shardOfHosts([...hosts, 'new1', 'new2'], new Map(), 4);
    for (const h of hosts) expect(grown.get(h)).to.equal(of.get(h));
    // Computed apart (FNV-1a, then murmur3's fmix32): 'a' -> 0x1a80b1b3, 3 mod 4: shard 4; 'foobar' -> 0x0c0da6dc: shard 1.
    expect(shardHash('a')).to.equal(0x1a80b1b3);
    expect(shardOfHosts(['a', 'foobar'], new Map(), 4)).to.deep.equal(new Map([['a', 4], ['foobar', 1]]));
  });

  it('keeps the nodes of an HA group together, also when groups chain through a shared node', () => {
    const hosts = Array.from({ length: 60 }, (_, i) => `lb${i}`);
    const keys = new Map<string, string[]>();
    for (let i = 0; i < 60; i += 2) {
      keys.set(`lb${i}`, [`vrrp eth0 vrid ${i}`]);
      keys.set(`lb${i + 1}`, [`vrrp eth0 vrid ${i}`]);
    }
    keys.set('lb59', ['vrrp eth0 vrid 58', 'heartbeat x y']);
    keys.set('lb0', ['vrrp eth0 vrid 0', 'heartbeat x y']);
    const of = shardOfHosts(hosts, keys, 7);
    for (let i = 0; i < 60; i += 2) expect(of.get(`lb${i + 1}`), `pair ${i}`).to.equal(of.get(`lb${i}`));
    expect(of.get('lb58')).to.equal(of.get('lb0'));
    expect(new Set(hosts.map((h) => of.get(h))).size).to.be.greaterThan(3);
  });

  it('keys VRRP instances and heartbeat clusters from their params alone', () => {
    const vrrp = {
      state: 'started',
      instances: [
        { name: 'VI_1', interface: 'eth0', virtual_router_id: 51, state: 'MASTER', priority: 100, virtual_ipaddress: ['198.18.0.100/32'] },
        { name: 'VI_2', interface: 'eth1', virtual_router_id: 52, state: 'BACKUP', priority: 50, virtual_ipaddress: ['198.18.1.100/32'] },
        { name: 'VI_3', interface: 'eth1', virtual_router_id: 53, state: 'BACKUP', priority: 50 },
      ],
    };
    expect(vrrpHaKeys(vrrp as never)).to.deep.equal(['vrrp eth0 vrid 51', 'vrrp eth1 vrid 52']);
    expect(vrrpHaKeys({ ...vrrp, state: 'stopped' } as never)).to.deep.equal([]);
    expect(heartbeatHaKeys({ state: 'started', ha_cf: { node: ['Node2', 'node1'] } } as never)).to.deep.equal(['heartbeat node1 node2']);
    expect(heartbeatHaKeys({ state: 'started', ha_cf: { node: ['node1'] } } as never)).to.deep.equal([]);
  });

  describe('in a run (hosts on this machine)', function () {
    this.timeout(60_000);
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rb-shard-'));
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    // A module of an HA daemon in miniature: its `pair` param names the group.
    const paired: ModuleDef = defineModule<{ pair?: string }, string>({
      name: 'paired',
      summary: 'test module with HA groups',
      params: { pair: { type: 'string' } },
      supports: { check: true, diff: false, rollback: false },
      factsQuery: () => ({ command: 'true', parse: () => '' }),
      facts: async () => '',
      plan: () => ({ changes: [] }),
      apply: async () => {},
      haKeys: (p) => (p.pair ? [`pair ${p.pair}`] : []),
    });
    const registry: ModuleRegistry = new Map([['paired', paired]]);

    it('runs each host in exactly one of the shards, peers (from rendered params) together', async () => {
      const lines = ['all:', '  hosts:'];
      for (let i = 1; i <= 12; i++) lines.push(`    n${i}: { ansible_connection: local${i <= 8 ? `, pair_id: p${Math.ceil(i / 2)}` : ''} }`);
      await writeFile(join(dir, 'inv.yml'), lines.join('\n') + '\n');
      await writeFile(join(dir, 'play.yml'), '- hosts: all\n  tasks:\n    - paired: { pair: "{{ pair_id | default(omit) }}" }\n');
      const ran: string[][] = [];
      for (let k = 1; k <= 3; k++) {
        const s = await runPlaybooks({ playbooks: [join(dir, 'play.yml')], inventories: [join(dir, 'inv.yml')], registry, reporter: silent, options: { check: true, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 5, rollback: true, verbose: 0, shard: { index: k, count: 3 } } });
        expect(s.shard).to.deep.equal({ index: k, count: 3 });
        ran.push(Object.keys(s.stats));
      }
      const all = ran.flat().sort();
      expect(all).to.deep.equal(Array.from({ length: 12 }, (_, i) => `n${i + 1}`).sort());
      const shardOf = (h: string) => ran.findIndex((hs) => hs.includes(h));
      for (let p = 1; p <= 4; p++) expect(shardOf(`n${2 * p}`), `pair p${p}`).to.equal(shardOf(`n${2 * p - 1}`));
    });
  });
});

describe('rb report merge (the real CLI, hosts on this machine)', function () {
  this.timeout(120_000);
  let dir: string;
  // Arguments ending in .json/.yml/.xml/.prom are files of the test's folder.
  const rb = (...args: string[]) => {
    const argv = args.map((a) => (/\.(json|yml|xml|prom)$/.test(a) ? join(dir, a) : a));
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions', 'rb-source', MAIN, ...argv], {
      encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', RB_JOURNAL_DIR: join(dir, 'journal') },
    });
    return { code: r.status, out: r.stdout, err: r.stderr, all: `\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}` };
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-merge-'));
    const hosts = Array.from({ length: 7 }, (_, i) => `    h${i + 1}: { ansible_connection: local }`).join('\n');
    await writeFile(join(dir, 'inv.yml'), `all:\n  vars: { d: "${dir}" }\n  hosts:\n${hosts}\n`);
    await writeFile(join(dir, 'play.yml'), '- hosts: all\n  tasks:\n    - name: marker\n      copy: { dest: "{{ d }}/{{ inventory_hostname }}.txt", content: "served by {{ inventory_hostname }}\\n" }\n');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const hostsOf = async (f: string) => Object.keys(JSON.parse(await readFile(join(dir, f), 'utf8')).hosts as object);

  it('three shards apply every host once; their merged reports say so with exit 0', async () => {
    const seen: string[] = [];
    for (let k = 1; k <= 3; k++) {
      const r = rb('run', 'play.yml', '-i', 'inv.yml', '--shard', `${k}/3`, '--output', 'plain', '--report-json', `run${k}.json`);
      expect(r.code, r.all).to.equal(0);
      seen.push(...(await hostsOf(`run${k}.json`)));
    }
    expect(seen.sort()).to.deep.equal(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']);
    for (let i = 1; i <= 7; i++) expect(await readFile(join(dir, `h${i}.txt`), 'utf8')).to.equal(`served by h${i}\n`);
    const m = rb('report', 'merge', '--json', 'run.json', 'run1.json', 'run2.json', 'run3.json');
    expect(m.code, m.all).to.equal(0);
    const merged = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(Object.keys(merged.hosts).sort()).to.deep.equal(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']);
    expect(merged.tasks.filter((t: { status: string }) => t.status === 'changed')).to.have.length(7);
    expect(merged).to.include({ mode: 'run', drift: false });
  });

  it('drift in one shard makes the merged drift exit 2, with JUnit and Prometheus naming the host', async () => {
    await writeFile(join(dir, 'h5.txt'), 'changed by hand\n');
    const codes: number[] = [];
    for (let k = 1; k <= 3; k++) {
      const r = rb('drift', 'play.yml', '-i', 'inv.yml', '--shard', `${k}/3`, '--output', 'plain', '--report-json', `drift${k}.json`);
      codes.push(r.code!);
      const mine = await hostsOf(`drift${k}.json`);
      expect(r.code, r.all).to.equal(mine.includes('h5') ? 2 : 0);
    }
    expect(codes.filter((c) => c === 2)).to.have.length(1);
    const m = rb('report', 'merge', '--json', 'drift.json', '--junit', 'drift.xml', '--prometheus', 'drift.prom', 'drift3.json', 'drift1.json', 'drift2.json');
    expect(m.code, m.all).to.equal(2);
    expect(m.out).to.contain('DRIFT h5: 1 change (marker)');
    expect(await readFile(join(dir, 'drift.xml'), 'utf8')).to.match(/<testcase classname="h5" name="marker" time="[\d.]+"><failure message="drift" type="drift">/);
    const prom = await readFile(join(dir, 'drift.prom'), 'utf8');
    expect(prom).to.contain('rb_host_drifted{host="h5"} 1');
    expect(prom).to.contain('rb_host_drifted{host="h1"} 0');
    expect(prom).to.contain('rb_last_run_success{mode="drift"} 1');
  });

  it('a missing, repeated or foreign report is an error (exit 1), never a green merge', async () => {
    const missing = rb('report', 'merge', 'drift1.json', 'drift2.json');
    expect(missing.code, missing.all).to.equal(1);
    expect(missing.err).to.contain('shard 3/3 is missing');
    const twice = rb('report', 'merge', 'drift1.json', 'drift1.json', 'drift2.json', 'drift3.json');
    expect(twice.code, twice.all).to.equal(1);
    expect(twice.err).to.match(/shard 1\/3 given twice/);
    const mixed = rb('report', 'merge', 'drift1.json', 'run2.json', 'drift3.json');
    expect(mixed.code, mixed.all).to.equal(1);
    expect(mixed.err).to.match(/run2\.json: a report of rb run, but \S*drift1\.json is of rb drift/);
    await writeFile(join(dir, 'junk.json'), '{"hello": 1}');
    const junk = rb('report', 'merge', 'junk.json');
    expect(junk.code, junk.all).to.equal(1);
    expect(junk.err).to.match(/junk\.json: not an rb JSON report/);
  });
});
