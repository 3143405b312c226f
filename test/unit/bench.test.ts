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
import { floorScript, leanDifferences, leanReadScript, managedFiles, MARK_COMMENT, PAGE_DEST, PEER_MAC, renderKeepalived, SYSCTLS, VIP, KEEPALIVED_CONF } from '../../bench/workload.js';
import { renderPersist } from '../../modules/ifalias/persist.js';
import { updateSaved } from '../../modules/iptables_mark/saved.js';
import { updateSysctlConf } from '../../modules/sysctl/conf.js';
import { parseYaml } from '../../core/yaml.js';

const inputs = { template: readFileSync('bench/templates/keepalived.conf.j2', 'utf8'), page: readFileSync('bench/files/index.html', 'utf8') };

describe('bench arguments', () => {
  it('defaults to 1, 10 and 50 hosts, 3 runs, all tools and modes, from rb21; --large adds 200, 500 and 1000', () => {
    const o = parseBenchArgs([]);
    expect(o).to.deep.include({ sizes: [1, 10, 50], runs: 3, tools: ['rb', 'ansible', 'floor'], modes: ['first', 'noop', 'check'], firstHost: 21 });
    expect(parseBenchArgs(['--large', '--hosts', '10,1', '--runs', '1', '--tools', 'rb,floor']).sizes).to.deep.equal([1, 10, 200, 500, 1000]);
    expect(parseBenchArgs(['--modes', 'check,noop']).modes).to.deep.equal(['noop', 'check']);
  });

  it('refuses what the lab cannot hold and unknown tools or options', () => {
    expect(() => parseBenchArgs(['--large', '--first-host', '300'])).to.throw(/rb300\.\.rb1299: the lab has at most 1244/);
    expect(() => parseBenchArgs(['--modes', 'first,fast'])).to.throw(/--modes: expected some of first,noop,check, got "fast"/);
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
    // 1.20 s over 50 hosts: 24 ms per host.
    expect(row).to.match(/1\.20 s\s+48\.00 s\s+0\.96 s\s+0\.025 \(40\.0× faster\)\s+1\.25\s+1\.0\s+24$/);
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

  it('is one script sh accepts, in both modes, and so is the lean read', () => {
    for (const script of [floorScript('rb7', inputs, true), floorScript('rb7', inputs, false), leanReadScript('rb7', inputs)]) {
      const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
    }
  });

  it('the lean read runs four processes, and finds each difference by its name', () => {
    const script = leanReadScript('rb7', inputs);
    expect(script.split('\n').filter((l) => /^(ip|iptables-save|stat|cat) /.test(l))).to.have.length(4);
    expect(script).to.not.match(/^(sysctl|grep|sha\w*sum|base64) /m);
    // What a converged host prints, written out by hand from the workload's values.
    const f = managedFiles('rb7', inputs);
    const files = Object.values(f);
    const stat = files.map((m) => `${m.path} ${m.mode} root root ${Buffer.byteLength(m.content)}`).join('\n');
    const rule = '-A PREROUTING -d 198.18.1.100/32 -p tcp -m tcp --dport 80 -m mac ! --mac-source 02:72:62:00:00:fe -m comment --comment "rb-bench: fwmark 3" -j MARK --set-xmark 0x3/0xffffffff';
    const good = ['1', '2', '1', '2', '2', '@@', `1: lo    inet ${VIP}/32 scope global lo:0`, '@@', '*mangle', rule, 'COMMIT', '@@', stat, '@@', files.map((m) => m.content).join('')].join('\n');
    expect(leanDifferences('rb7', inputs, good)).to.deep.equal([]);
    expect(leanDifferences('rb7', inputs, good.replace(/^1\n2\n1\n2\n2/, '1\n2\n0\n2\n2'))).to.deep.equal(['sysctl-live']);
    expect(leanDifferences('rb7', inputs, good.replace(`inet ${VIP}/32`, 'inet 127.0.0.1/8'))).to.deep.equal(['vip']);
    expect(leanDifferences('rb7', inputs, good.replace(rule, ''))).to.deep.equal(['mark']);
    expect(leanDifferences('rb7', inputs, good.replace(`${f.page.path} 644`, `${f.page.path} 600`))).to.deep.equal(['page']);
    expect(leanDifferences('rb7', inputs, good.replace('router_id rb7', 'router_id rb8'))).to.deep.equal(['keepalived-conf']);
    // A missing file: stat and cat say nothing of it; the files after it still line up.
    const noStanza = good.replace(`${f.stanza.path} 644 root root ${Buffer.byteLength(f.stanza.content)}\n`, '').replace(f.stanza.content, '');
    expect(leanDifferences('rb7', inputs, noStanza)).to.deep.equal(['vip-stanza']);
  });
});
