// Seed 000's whole web cluster end to end on real IPVS (the shared qemu guest,
// 8 hosts): rb1/rb2 keepalived directors (LVS-DR), rb3..rb6 the real servers
// rl1..rl4, rb3 (rl1) pushing its web root to the rsync daemons of rb4..rb6 and
// of the backup host rb7, rb8 a client. Proves: --check exact on fresh hosts,
// rerun no-op; a page written on rl1 is served through the VIP by every real
// server within a bound (which real server answered each request is read from
// the director's IPVS connection table, by the client's source port); after
// the MASTER director's keepalived stops, the BACKUP takes the VIP and every
// real server still serves the page (the longest time without an answer measured).

import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { labExec, labSh } from '../harness/lab.js';
import { useSharedIpvsLab } from '../fixtures/ipvs/shared-guest.js';
import { until } from './web.js';

const PLAYBOOK = 'playbooks/web-cluster.yml';
const INVENTORY = 'inventory/lab/web-cluster';
const VIP = '198.18.0.100';
const CLIENT = 'rb8';
const CLIENT_IP = '198.18.0.18';
const SOURCE = 'rb3';
/** Real server address → lab host. */
const REAL: Record<string, string> = { '198.18.0.13': 'rb3', '198.18.0.14': 'rb4', '198.18.0.15': 'rb5', '198.18.0.16': 'rb6' };
/** rl1's write to a copy in place on every peer (lsyncd waits 1 s to batch events). */
const SYNC_LIMIT_MS = 10_000;
/** The write to an answer from every real server through the VIP: requests under emulation cost hundreds of ms each. */
const PROPAGATION_LIMIT_MS = 30_000;
const FAILOVER_GAP_LIMIT_MS = 10_000;

interface Answer {
  port: number;
  code: number;
  body: string;
}

/** `n` GETs of `path` through the VIP from the client (curl: its source port is what ties an answer to a real server). */
async function requests(path: string, n: number): Promise<Answer[]> {
  const one = `curl -s -m 2 -o /tmp/body -w '%{local_port} %{http_code}' http://${VIP}${path}; printf ' %s\\n' "$(head -c 200 /tmp/body 2>/dev/null | tr -d '\\r\\n ')"; rm -f /tmp/body`;
  const out = await labSh(CLIENT, `for i in $(seq ${n}); do ${one}; done`);
  return out
    .trim()
    .split('\n')
    .map((l) => {
      const [port, code, body = ''] = l.split(' ');
      return { port: Number(port), code: Number(code), body };
    });
}

/** The client's source port → the real server the director sent that connection to (ipvsadm -Lnc); ports seen twice are left out. */
async function realServerByPort(director: string): Promise<Map<number, string>> {
  const table = await labSh(director, 'ipvsadm -Lnc');
  const re = new RegExp(`^TCP\\s+\\S+\\s+\\S+\\s+${CLIENT_IP.replace(/\./g, '\\.')}:(\\d+)\\s+${VIP.replace(/\./g, '\\.')}:80\\s+([\\d.]+):80\\s*$`);
  const seen = new Map<number, string>();
  const twice = new Set<number>();
  for (const line of table.split('\n')) {
    const m = re.exec(line.trim());
    if (!m) continue;
    const port = Number(m[1]);
    const host = REAL[m[2]] ?? m[2];
    if (seen.has(port) && seen.get(port) !== host) twice.add(port);
    seen.set(port, host);
  }
  for (const p of twice) seen.delete(p);
  return seen;
}

/** Requests through the VIP until every real server has answered `path` with `body`: when each first did, in ms from t0. */
async function servedByEvery(director: string, path: string, body: string, t0: number, limitMs: number): Promise<Record<string, number>> {
  const first: Record<string, number> = {};
  for (let round = 0; round < 200; round++) {
    const answers = await requests(path, 4);
    const byPort = await realServerByPort(director);
    const at = Date.now() - t0;
    for (const a of answers) {
      const rs = byPort.get(a.port);
      if (rs && a.code === 200 && a.body === body && first[rs] === undefined) first[rs] = at;
    }
    if (Object.keys(first).length === Object.keys(REAL).length) return first;
    if (Date.now() - t0 > limitMs) break;
  }
  throw new Error(`${path} with ${body}: served through ${director} only by ${JSON.stringify(first)} within ${limitMs} ms`);
}

async function hasVip(host: string): Promise<boolean> {
  const links = JSON.parse(await labSh(host, 'ip -j addr show dev eth0')) as Array<{ addr_info: Array<{ local: string }> }>;
  return links[0].addr_info.some((a) => a.local === VIP);
}

describe('seed 000: the whole web cluster (playbooks/web-cluster.yml, real IPVS)', function () {
  this.timeout(1_200_000);
  // Timed from this file's first hook (the guest's boot or fresh hosts included), not from when mocha loaded it.
  let t0 = 0;
  before(() => void (t0 = Date.now()));
  useSharedIpvsLab(8, 'the web-cluster end-to-end test');
  after(() => console.log(`      web-cluster.test.ts: ${((Date.now() - t0) / 1000).toFixed(0)} s`));
  const token = `web-cluster-${Date.now()}`;

  it('converges: --check predicts the first run exactly, a rerun changes nothing', async () => {
    const r = await converge({ playbook: PLAYBOOK, inventory: INVENTORY });
    const kinds = (module: string, kind: string) => r.changes.filter((c) => c.module === module && c.kind === kind).map((c) => c.host).sort();
    expect(kinds('vrrp', 'add-virtual-server')).to.deep.equal(['rb1', 'rb2']);
    expect(kinds('rsyncd', 'add-module')).to.deep.equal(['rb4', 'rb5', 'rb6', 'rb7']);
    expect(kinds('ifalias', 'add-address')).to.deep.equal(['rb3', 'rb4', 'rb5', 'rb6']);
    expect(r.changes.filter((c) => c.module === 'sersync' && c.kind === 'create-config').map((c) => [c.host, c.after])).to.deep.equal([
      [SOURCE, '/var/www/html → 198.18.0.14::html, 198.18.0.15::html, 198.18.0.16::html, 198.18.0.17::backup'],
    ]);
    await until('VIP on rb1', 30_000, () => hasVip('rb1'));
    const table = await until('the four real servers in IPVS on rb1', 60_000, async () => {
      const t = await labSh('rb1', 'ipvsadm -Sn');
      return Object.keys(REAL).every((ip) => t.includes(`-r ${ip}:80 -g`)) ? t : null;
    });
    expect(table.value).to.include(`-A -t ${VIP}:80 -s rr`);
  });

  it('a page written on rl1 is served through the VIP by every real server within the bound', async () => {
    const start = Date.now();
    // The lab hosts share the guest's clock: the write's time here, each copy's ctime (when rsync renamed it into place) there.
    const written = Number(await labSh(SOURCE, `date +%s.%N; printf '%s\\n' '${token}' > /var/www/html/probe.html`));
    const first = await servedByEvery('rb1', '/probe.html', token, start, PROPAGATION_LIMIT_MS);
    const all = Math.max(...Object.values(first));
    const copies: Record<string, string> = { rb4: '/var/www/html', rb5: '/var/www/html', rb6: '/var/www/html', rb7: '/backup' };
    const synced: Record<string, number> = {};
    for (const [h, root] of Object.entries(copies)) {
      const [ctime, content] = (await labSh(h, `stat -c %.9Z ${root}/probe.html && cat ${root}/probe.html`)).trim().split('\n');
      expect(content, `the copy on ${h}`).to.equal(token);
      synced[h] = Math.round((Number(ctime) - written) * 1000);
    }
    console.log(`      propagation: each copy in place after ${JSON.stringify(synced)} ms; served through the VIP by every real server within ${all} ms (first answer each: ${JSON.stringify(first)})`);
    expect(Math.max(...Object.values(synced)), 'the copies were made after the write, by sersync').to.be.above(0).and.below(SYNC_LIMIT_MS);
    expect(all).to.be.below(PROPAGATION_LIMIT_MS);
  });

  it("after the MASTER director's keepalived stops, the BACKUP takes the VIP and every real server still serves the page", async () => {
    // The client asks every 100 ms, with a 1 s timeout, until told to stop (at most 300 requests or 60 s).
    const loop =
      `rm -f /tmp/stop-probe; end=$(($(date +%s)+60)); i=0; ` +
      `while [ $i -lt 300 ] && [ $(date +%s) -lt $end ] && [ ! -e /tmp/stop-probe ]; do ` +
      `t=$(date +%s%3N); b=$(curl -s -m 1 http://${VIP}/probe.html); echo "$t \${b:-FAIL}"; i=$((i+1)); sleep 0.1; done`;
    const probing = labExec(CLIENT, loop);
    await new Promise((r) => setTimeout(r, 2_000));
    await labSh('rb1', 'kill -TERM "$(cat /run/keepalived.pid)"');
    const moved = await until('VIP on rb2', 15_000, () => hasVip('rb2'));
    expect(await hasVip('rb1')).to.equal(false);
    await new Promise((r) => setTimeout(r, 3_000));
    await labSh(CLIENT, 'touch /tmp/stop-probe');
    const lines = (await probing).stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]);
    const answered = lines.filter(([, b]) => b === token).map(([t]) => Number(t));
    const failed = lines.filter(([, b]) => b !== token);
    expect(answered.length, 'answers before and after the failover').to.be.above(5);
    expect(Number(lines[lines.length - 1][0]) - answered[answered.length - 1], 'the last requests were answered').to.be.below(1_500);
    let gap = 0;
    for (let i = 1; i < answered.length; i++) gap = Math.max(gap, answered[i] - answered[i - 1]);
    console.log(`      failover: VIP on rb2 after ${moved.ms} ms; ${lines.length} requests, ${failed.length} unanswered; longest time without an answer ${gap} ms`);
    expect(gap).to.be.below(FAILOVER_GAP_LIMIT_MS);
    // Through the new MASTER, each of the four real servers serves the page.
    const first = await servedByEvery('rb2', '/probe.html', token, Date.now(), 15_000);
    expect(Object.keys(first).sort()).to.deep.equal(Object.values(REAL).sort());
  });
});
