// The bench's pure parts: arguments, output parsing, medians, the table and the
// chart; and the floor's workload held equal to bench/real-server.yml and to
// the files rb's own modules write, so the floor does the same work.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { renderChart } from '../../bench/chart.js';
import { parseHwm, parsePss, parseStatm } from '../../bench/memory.js';
import { parseBenchArgs } from '../../bench/run.js';
import { cells, median, type RunRecord } from '../../bench/stats.js';
import { renderTable } from '../../bench/table.js';
import { parseFloor, parseRecap } from '../../bench/tools.js';
import { floorScript, managedFiles, MARK_COMMENT, PAGE_DEST, PEER_MAC, renderKeepalived, SYSCTLS, VIP, KEEPALIVED_CONF } from '../../bench/workload.js';
import { renderPersist } from '../../modules/ifalias/persist.js';
import { updateSaved } from '../../modules/iptables_mark/saved.js';
import { updateSysctlConf } from '../../modules/sysctl/conf.js';
import { parseYaml } from '../../core/yaml.js';

const inputs = { template: readFileSync('bench/templates/keepalived.conf.j2', 'utf8'), page: readFileSync('bench/files/index.html', 'utf8') };

describe('bench arguments', () => {
  it('defaults to 1, 10 and 50 hosts, 3 runs, all tools, from rb21; --large adds 200', () => {
    const o = parseBenchArgs([]);
    expect(o).to.deep.include({ sizes: [1, 10, 50], runs: 3, tools: ['rb', 'ansible', 'floor'], firstHost: 21 });
    expect(parseBenchArgs(['--large', '--hosts', '10,1', '--runs', '1', '--tools', 'rb,floor']).sizes).to.deep.equal([1, 10, 200]);
  });

  it('refuses what the lab cannot hold and unknown tools or options', () => {
    expect(() => parseBenchArgs(['--large', '--first-host', '100'])).to.throw(/rb100\.\.rb299: the lab has at most 244/);
    expect(() => parseBenchArgs(['--tools', 'rb,chef'])).to.throw(/--tools: expected some of rb,ansible,floor, got "chef"/);
    expect(() => parseBenchArgs(['--runs', '0'])).to.throw(/--runs: expected a positive integer/);
    expect(() => parseBenchArgs(['--fast'])).to.throw(/unknown option --fast/);
  });
});

describe('bench output parsing', () => {
  it("reads Ansible's and rb's recap lines", () => {
    const ansible = 'PLAY RECAP *********\nrb21                       : ok=10   changed=10   unreachable=0    failed=0    skipped=0    rescued=0    ignored=0\nrb22                       : ok=3    changed=0    unreachable=1    failed=0    skipped=0\n';
    expect(parseRecap(ansible)).to.deep.equal({ rb21: { changed: 10, broken: 0 }, rb22: { changed: 0, broken: 1 } });
    expect(parseRecap('rb21       : ok=9 changed=0 unreachable=0 failed=0 skipped=0 unknown=0 ignored=0\n')).to.deep.equal({ rb21: { changed: 0, broken: 0 } });
  });

  it("reads the floor's lines, failures included", () => {
    expect(parseFloor('rb21 changes=9\nrb22 FAILED exit 1: boom\n')).to.deep.equal({ rb21: { changed: 9, broken: 0 }, rb22: { changed: 0, broken: 1 } });
  });

  it('reads resident and high-water memory from /proc', () => {
    expect(parseStatm('12345 2000 300 1 0 500 0\n')).to.equal(2000 * 4096);
    expect(parseHwm('Name:\tnode\nVmHWM:\t   65536 kB\nVmRSS:\t 1 kB\n')).to.equal(65536 * 1024);
    expect(parseHwm('Name:\tzombie\nState:\tZ\n')).to.equal(0);
    expect(parsePss('00400000-7ffd [rollup]\nRss:\t  9000 kB\nPss:\t  3000 kB\nPss_Anon: 10 kB\n')).to.equal(3000 * 1024);
    expect(() => parseStatm('garbage')).to.throw(/statm: cannot read/);
  });
});

describe('bench medians, table and chart', () => {
  const recs: RunRecord[] = [];
  for (const [tool, base] of [['rb', 1], ['ansible', 40], ['floor', 0.8]] as const) {
    for (const round of [1, 2, 3]) recs.push({ hosts: 50, tool, mode: 'noop', round, seconds: base * (1 + round / 10), peakMB: 50 + round, peakPssMB: 40 + round, ...(tool === 'rb' ? { execsPerHost: 1 } : {}) });
  }

  it('takes the median of each cell and its largest memory peak', () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 2, 3])).to.equal(2.5);
    const rb = cells(recs).find((c) => c.tool === 'rb')!;
    expect(rb.median).to.be.closeTo(1.2, 1e-9);
    expect(rb.peakMB).to.equal(53);
    expect(rb.execsPerHost).to.equal(1);
  });

  it('prints medians with the ratios to Ansible and to the floor', () => {
    const t = renderTable(cells(recs), [50], 3);
    const row = t.split('\n').find((l) => l.startsWith('50') && l.includes('no-op'))!;
    expect(row).to.match(/1\.20 s\s+48\.00 s\s+0\.96 s\s+0\.025 \(40\.0× faster\)\s+1\.25\s+1\.0$/);
    expect(t).to.match(/\n50\s+53 \/ 43\s+53 \/ 43\s+53 \/ 43$/);
  });

  it('draws one line per tool through the medians, on log axes', () => {
    const svg = renderChart(cells(recs), [1, 50], 'test');
    expect(svg.startsWith('<svg')).to.equal(true);
    expect(svg.match(/<polyline/g)).to.have.length(3);
    expect(svg).to.include('<title>ansible 50 hosts: 48.00 s</title>');
    expect(svg).to.include('>10 s</text>');
  });
});

describe('the floor does the work of bench/real-server.yml', () => {
  const play = (parseYaml(readFileSync('bench/real-server.yml', 'utf8'), 'real-server.yml') as Array<{ vars: Record<string, string>; tasks: Array<Record<string, any>> }>)[0];

  it('uses the same values as the playbook', () => {
    expect(play.vars).to.deep.equal({ vip: VIP, peer_mac: PEER_MAC });
    expect(play.tasks.filter((t) => t.sysctl).map((t) => [t.sysctl.name, String(t.sysctl.value)])).to.deep.equal(SYSCTLS);
    expect(play.tasks.find((t) => t.iptables_mark)!.iptables_mark.comment).to.equal(MARK_COMMENT);
    expect(play.tasks.find((t) => t.copy)!.copy.dest).to.equal(PAGE_DEST);
    expect(play.tasks.find((t) => t.template)!.template.dest).to.equal(KEEPALIVED_CONF);
    expect(inputs.template.match(/\{\{.*?\}\}/g)!.every((x) => /^\{\{\s*inventory_hostname\s*\}\}$/.test(x))).to.equal(true);
    expect(renderKeepalived(inputs.template, 'rb7')).to.include('router_id rb7\n');
  });

  it('writes the files rb writes on a fresh host, byte for byte', () => {
    const f = managedFiles('rb7', inputs);
    let conf: string | null = null;
    for (const kv of SYSCTLS) conf = updateSysctlConf(conf, [kv], []);
    expect(f.sysctl.content).to.equal(conf);
    expect(f.stanza.content).to.equal(renderPersist('debian', { device: 'lo:0', address: `${VIP}/32`, host_route: false, onboot: true }, 'lo'));
    const rule = f.rules.content.split('\n').find((l) => l.startsWith('-A '))!;
    expect(f.rules.content).to.equal(updateSaved(null, 'mangle', MARK_COMMENT, rule, 'PREROUTING', 'insert'));
  });

  it('is one script sh accepts, in both modes', () => {
    for (const apply of [true, false]) {
      const r = spawnSync('sh', ['-n'], { input: floorScript('rb7', inputs, apply), encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
    }
  });
});
