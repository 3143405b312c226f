// heartbeat on real lab hosts over SSH with the real heartbeat 3.0.6: two
// nodes (rb11 preferred, rb12) converge with exact --check and per-field
// drift; rb11 holds the VIP through a seed-004-style resource script (VIP on
// eth0:0 with a gratuitous ARP, on lo without ARP when standing by) and rb13
// sees exactly one MAC answer for it; stopping heartbeat on rb11 moves the
// VIP to rb12, starting it again brings it back (auto_failback); a
// haresources change restarts both daemons and moves the group; a file
// `heartbeat -r` refuses changes nothing; a failed later task rolls back.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge, flatChanges } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { ran, type RbResult, rbRun } from '../harness/rb.js';

const A = 'rb11';
const B = 'rb12';
const CLIENT = 'rb13';
const MAC = { rb11: '02:72:62:00:00:0b', rb12: '02:72:62:00:00:0c' } as const;
const VIP = '198.18.0.150';
const KEY = 'l4b-hb-k3y';
const dir = mkdtempSync(join(tmpdir(), 'rb-heartbeat-'));
let n = 0;

// Seed 004's startvip with ip(8) instead of ifconfig, and a status heartbeat can read.
const HBVIP = `#!/bin/sh
VIP=${VIP}
case "$1" in
start)
  ip addr del $VIP/32 dev lo 2>/dev/null
  ip addr add $VIP/24 dev eth0 label eth0:0 2>/dev/null
  arping -q -U -c 1 -i eth0 $VIP >/dev/null 2>&1
  exit 0 ;;
stop)
  ip addr del $VIP/24 dev eth0 2>/dev/null
  sysctl -q -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
  ip addr add $VIP/32 dev lo label lo:0 2>/dev/null
  exit 0 ;;
status)
  if ip -o addr show dev eth0 | grep -q " $VIP/"; then echo running; else echo stopped; fi ;;
esac
`;

function hbTask(over: { ha_cf?: object; resources?: object[]; name?: string } = {}) {
  return {
    name: over.name ?? 'heartbeat',
    heartbeat: {
      ha_cf: {
        logfile: '/var/log/ha-log',
        logfacility: 'local0',
        udpport: 694,
        keepalive: 1,
        deadtime: 5,
        warntime: 3,
        initdead: 10,
        ucast: [{ dev: 'eth0', peer: `{{ '198.18.0.22' if inventory_hostname == '${A}' else '198.18.0.21' }}` }],
        auto_failback: 'on',
        crm: 'off',
        node: [A, B],
        ...over.ha_cf,
      },
      authkeys: { method: 'sha1', key: KEY },
      resources: over.resources ?? [{ node: A, resources: ['hbvip'] }],
      resource_scripts: { hbvip: HBVIP },
    },
  };
}

function play(hosts: string, tasks: object[]): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'heartbeat', hosts, tasks }], null, 2)}\n`);
  return file;
}

const NODES = `${A}:${B}`;
const playbook = (over = {}) => play(NODES, [hbTask(over)]);

async function hasVip(host: string): Promise<boolean> {
  return (await labSh(host, 'ip -o -4 addr show dev eth0')).includes(` ${VIP}/`);
}

/** Milliseconds until `host` holds (or no longer holds) the VIP on eth0; throws after `limitMs`. */
async function waitVip(host: string, want: boolean, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < limitMs) {
    if ((await hasVip(host)) === want) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${host} ${want ? 'did not get' : 'kept'} ${VIP} within ${limitMs} ms`);
}

/** The MACs that answer ARP for the VIP, as the client sees them. */
async function answering(): Promise<string[]> {
  const r = await labExec(CLIENT, `arping -c 2 -w 2000000 -i eth0 ${VIP}`);
  return [...new Set([...r.stdout.matchAll(/from ([0-9a-f:]{17})/g)].map((m) => m[1]))];
}

const hbPid = (host: string) => labSh(host, 'cat /var/run/heartbeat.pid').then((s) => Number(s.trim()));
const STOP_WATCH = '/tmp/rb-test-watch.stop';

/** Nanosecond times at which `cl_status` was refused on `host`, polled every 0.1 s until STOP_WATCH appears (60 s at most). */
async function watchApi(host: string): Promise<bigint[]> {
  const loop =
    `end=$(( $(date +%s) + 60 )); while [ ! -e ${STOP_WATCH} ] && [ $(date +%s) -lt $end ]; do ` +
    't=$(date +%s%N); timeout 5 cl_status hbstatus >/dev/null 2>&1 || echo $t; sleep 0.1; done';
  return (await labSh(host, loop)).split('\n').filter(Boolean).map((t) => BigInt(t));
}

/** heartbeat's own processes under the master (FIFO reader, one reader and one writer per medium). */
const kids = (host: string) =>
  labSh(host, `ps -o pid=,args= --ppid $(cat /var/run/heartbeat.pid) | awk '$2 == "heartbeat:" { print $1 }'`).then((s) => s.split(/\s+/).filter(Boolean));
const param = (host: string, k: string) => labSh(host, `cl_status hbparameter -p ${k}`).then((s) => s.trim());

const changesOf = (r: RbResult, host: string) => flatChanges(r.report!).filter((c) => c.host === host);
const runPlay = (file: string, ...args: string[]) => rbRun(['run', file, '-i', LAB_INVENTORY, ...args], { timeoutMs: 240_000 });

describe('heartbeat on lab hosts with real heartbeat', function () {
  this.timeout(300_000);
  useLab(13);
  before(() => resetHosts([A, B, CLIENT]));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts([A, B, CLIENT]);
  });

  it('converges two nodes: --check predicts the run, reruns change nothing, a hand edit is per-field drift, the key never shows', async () => {
    const r = await converge({ playbook: playbook(), tamper: { host: B, cmd: "sed -i 's/^keepalive 1$/keepalive 2/' /etc/ha.d/ha.cf" } });
    for (const host of [A, B]) {
      const kinds = r.changes.filter((c) => c.host === host).map((c) => c.kind);
      expect(kinds[0]).to.equal('create-script');
      expect(kinds.filter((k) => k === 'create-file')).to.have.length(3);
      expect(kinds.at(-1)).to.equal('start-heartbeat');
    }
    expect(r.changes.find((c) => c.host === A && c.field === 'ha.cf ucast')!.after).to.deep.equal(['eth0 198.18.0.22']);
    expect(r.changes.find((c) => c.host === B && c.field === 'ha.cf ucast')!.after).to.deep.equal(['eth0 198.18.0.21']);
    for (const out of [r.check, r.run, r.rerun, r.recheck]) expect(JSON.stringify(out.report) + out.stdout + out.stderr).not.to.include(KEY);
    expect(await labSh(A, 'stat -c "%a %U" /etc/ha.d/authkeys /etc/ha.d/resource.d/hbvip')).to.equal('600 root\n755 root\n');
    const pid = await hbPid(B);
    expect(r.drift!.changes.map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([
      ['set-directive', 'ha.cf keepalive', 2, 1],
      ['reload-heartbeat', 'config', `pid ${pid}`, 'reloaded'],
    ]);
    // The running daemon already has keepalive 1: only the restart the signal causes (new child
    // processes; the API refuses callers for a second or two meanwhile) shows the reload has
    // happened. rb returns after it: a watcher on rb12 sees the API refuse only before rb is done.
    const kidsBefore = await kids(B);
    await labSh(B, `rm -f ${STOP_WATCH}`);
    const refusals = watchApi(B);
    const repair = ran(await runPlay(playbook()));
    const done = BigInt((await labSh(B, 'date +%s%N')).trim());
    await new Promise((r) => setTimeout(r, 3000));
    await labSh(B, `touch ${STOP_WATCH}`);
    const refused = await refusals;
    expect(refused.length, 'the watcher saw the restart').to.be.greaterThan(0);
    expect(refused.filter((t) => t > done).length, 'cl_status refused after rb returned').to.equal(0);
    expect(changesOf(repair, B).map((c) => c.kind)).to.deep.equal(['set-directive', 'reload-heartbeat']);
    expect(await hbPid(B), 'a reload keeps the daemon').to.equal(pid);
    const kidsAfter = await kids(B);
    expect(kidsAfter).to.have.length(kidsBefore.length);
    expect(kidsAfter.filter((k) => kidsBefore.includes(k)), 'the reload replaced the child processes').to.deep.equal([]);
    expect(await param(B, 'keepalive')).to.equal('1');
  });

  it('rb11 holds the VIP; the client sees only its MAC', async () => {
    const ms = await waitVip(A, true, 40_000);
    expect(await hasVip(B)).to.equal(false);
    expect(await answering()).to.deep.equal([MAC.rb11]);
    console.log(`      VIP on ${A} ${ms} ms after the converge tests ended`);
  });

  it('stopping heartbeat on rb11 moves the VIP to rb12 at once', async () => {
    // Watch rb12 while the stop runs: heartbeat hands its resources over before it exits.
    const stopping = labSh(A, '/etc/init.d/heartbeat stop >/dev/null');
    const ms = await waitVip(B, true, 20_000);
    await stopping;
    await waitVip(A, false, 5_000);
    expect(await answering()).to.deep.equal([MAC.rb12]);
    console.log(`      VIP on ${B} ${ms} ms after the stop of heartbeat on ${A} began`);
  });

  it('rb starts heartbeat on rb11 again, and auto_failback brings the VIP back', async () => {
    const r = ran(await runPlay(playbook()));
    expect(changesOf(r, A).map((c) => c.kind)).to.deep.equal(['start-heartbeat']);
    expect(changesOf(r, B)).to.deep.equal([]);
    const t0 = Date.now();
    await waitVip(A, true, 40_000);
    await waitVip(B, false, 5_000);
    expect(await answering()).to.deep.equal([MAC.rb11]);
    console.log(`      VIP back on ${A} ${Date.now() - t0} ms after rb started heartbeat`);
  });

  it('a haresources change restarts both daemons (reload does not read it) and moves the group to rb12', async () => {
    const pids = [await hbPid(A), await hbPid(B)];
    const toB = () => playbook({ resources: [{ node: B, resources: ['hbvip'] }] });
    const r = ran(await runPlay(toB()));
    for (const host of [A, B]) {
      expect(changesOf(r, host).map((c) => [c.kind, c.field])).to.deep.equal([
        ['set-resource-group', `haresources ${A}`],
        ['set-resource-group', `haresources ${B}`],
        ['restart-heartbeat', 'process'],
      ]);
    }
    expect(await hbPid(A), `${A} restarted`).not.to.equal(pids[0]);
    expect(await hbPid(B), `${B} restarted`).not.to.equal(pids[1]);
    await waitVip(B, true, 60_000);
    await waitVip(A, false, 10_000);
    expect(flatChanges(ran(await runPlay(toB(), '--check')).report!)).to.deep.equal([]);
    ran(await runPlay(playbook()));
    await waitVip(A, true, 60_000);
  });

  it('a file heartbeat -r refuses changes nothing: the old files are back and the daemon keeps running', async () => {
    const sum = await labSh(B, 'sha256sum /etc/ha.d/ha.cf');
    const pid = await hbPid(B);
    const r = ran(await runPlay(play(B, [hbTask({ ha_cf: { extra: ['bogus_directive 1'] } })])), 3);
    const failed = r.report!.tasks.find((t) => t.host === B && t.status === 'failed')!;
    expect(failed.msg).to.include('heartbeat refused the new configuration');
    expect(failed.msg).to.include('Illegal directive [bogus_directive]');
    expect(await labSh(B, 'sha256sum /etc/ha.d/ha.cf')).to.equal(sum);
    expect(await hbPid(B)).to.equal(pid);
    expect(flatChanges(ran(await runPlay(playbook(), '--check')).report!)).to.deep.equal([]);
  });

  it('a failed later task rolls ha.cf back and reloads heartbeat', async () => {
    const pid = await hbPid(B);
    const r = ran(await runPlay(play(B, [hbTask({ ha_cf: { keepalive: 2, deadtime: 6 } }), { name: 'fails', command: '/bin/false' }])), 3);
    expect(changesOf(r, B).map((c) => [c.field, c.after])).to.deep.include.members([['ha.cf keepalive', 2], ['ha.cf deadtime', 6]]);
    expect(`${r.stdout}${r.stderr}`).to.match(/roll/i);
    expect(await labSh(B, 'grep -E "^(keepalive|deadtime) " /etc/ha.d/ha.cf')).to.equal('keepalive 1\ndeadtime 5\n');
    expect(await hbPid(B)).to.equal(pid);
    expect(await param(B, 'deadtime')).to.equal('5');
    expect(flatChanges(ran(await runPlay(playbook(), '--check')).report!)).to.deep.equal([]);
  });
});
