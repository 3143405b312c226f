// vrrp on real lab hosts over SSH with real keepalived: two directors (rb11
// MASTER, rb12 BACKUP) converge with exact --check and per-field drift; the
// MASTER holds the VIP; stopping it moves the VIP to the BACKUP within 5 s;
// raising the BACKUP's priority with rb moves the VIP (preempt); a config the
// host's keepalived -t refuses changes nothing; rollback restores and reloads;
// a config split by `include` is read as the same config.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge, flatChanges } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { ran, type RbResult, rbRun } from '../harness/rb.js';

// Hosts and VIP apart from the other modules' tests, which use rb1..rb7 and .100.
const MASTER = 'rb11';
const BACKUP = 'rb12';
const VIP = '198.18.0.171';
const CONF = '/etc/keepalived/keepalived.conf';
const dir = mkdtempSync(join(tmpdir(), 'rb-vrrp-'));
let n = 0;

function vrrpTask(over: Record<string, unknown> = {}) {
  return {
    name: 'keepalived VRRP',
    vrrp: {
      global_defs: { router_id: '{{ inventory_hostname }}' },
      instances: [
        {
          name: 'VI_1',
          state: `{{ 'MASTER' if inventory_hostname == '${MASTER}' else 'BACKUP' }}`,
          interface: 'eth0',
          virtual_router_id: 71,
          priority: `{{ (prio_backup | default(50)) if inventory_hostname == '${BACKUP}' else 100 }}`,
          advert_int: 1,
          authentication: { auth_type: 'PASS', auth_pass: 'l4bpass' },
          virtual_ipaddress: [`${VIP}/32 dev eth0 label eth0:7`],
          ...over,
        },
      ],
    },
  };
}

function play(hosts: string, tasks: object[]): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'vrrp', hosts, tasks }], null, 2)}\n`);
  return file;
}

const DIRECTORS = `${MASTER}:${BACKUP}`;
const playbook = () => play(DIRECTORS, [vrrpTask()]);

async function hasVip(host: string): Promise<boolean> {
  const links = JSON.parse(await labSh(host, 'ip -j addr show dev eth0')) as Array<{ addr_info: Array<{ local: string }> }>;
  return links[0].addr_info.some((a) => a.local === VIP);
}

/** Milliseconds until `host` holds (or no longer holds) the VIP; throws after `limitMs`. */
async function waitVip(host: string, want: boolean, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < limitMs) {
    if ((await hasVip(host)) === want) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${host} ${want ? 'did not get' : 'kept'} ${VIP} within ${limitMs} ms`);
}

const keepalivedPid = (host: string) => labSh(host, 'cat /run/keepalived.pid').then((s) => Number(s.trim()));
const alive = async (host: string, pid: number) => (await labExec(host, `kill -0 ${pid} && [ "$(cat /proc/${pid}/comm)" = keepalived ]`)).code === 0;

const changesOf = (r: RbResult, host: string) => flatChanges(r.report!).filter((c) => c.host === host);

describe('vrrp on lab hosts with real keepalived', function () {
  this.timeout(180_000);
  useLab(13);
  before(() => resetHosts([MASTER, BACKUP]));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts([MASTER, BACKUP]);
  });

  it('converges two directors: --check predicts the run, reruns change nothing, a hand edit is per-field drift', async () => {
    const r = await converge({ playbook: playbook(), tamper: { host: BACKUP, cmd: `sed -i 's/priority 50/priority 40/' ${CONF}` } });
    for (const host of [MASTER, BACKUP]) {
      expect(r.changes.filter((c) => c.host === host).map((c) => [c.kind, c.field])).to.deep.equal([
        ['create-config', undefined],
        ['set-option', 'global_defs.router_id'],
        ['add-vrrp-instance', 'vrrp_instance VI_1'],
        ['start-keepalived', 'state'],
      ]);
    }
    expect(JSON.stringify(r.check.report), 'the password never reaches a report').not.to.include('l4bpass');
    expect(r.drift!.changes.map((c) => [c.kind, c.resource, c.field, c.before, c.after])).to.deep.equal([
      ['set-option', CONF, 'vrrp_instance VI_1.priority', 40, 50],
      ['reload-keepalived', 'service keepalived', 'config', `pid ${await keepalivedPid(BACKUP)}`, 'reloaded'],
    ]);
    const repair = ran(await rbRun(['run', playbook(), '-i', LAB_INVENTORY]));
    expect(changesOf(repair, BACKUP).map((c) => c.kind)).to.deep.equal(['set-option', 'reload-keepalived']);
    expect(await labSh(BACKUP, `grep priority ${CONF}`)).to.equal('    priority 50\n');
  });

  it('the MASTER holds the VIP and the BACKUP does not', async () => {
    await waitVip(MASTER, true, 10_000);
    expect(await hasVip(BACKUP)).to.equal(false);
  });

  it('stopping keepalived on the MASTER moves the VIP to the BACKUP within 5 s', async () => {
    await labSh(MASTER, 'kill -TERM "$(cat /run/keepalived.pid)"');
    const ms = await waitVip(BACKUP, true, 5_000);
    await waitVip(MASTER, false, 3_000);
    console.log(`      VIP on the BACKUP ${ms} ms after the MASTER's keepalived was stopped`);
  });

  it('rb starts the stopped MASTER again, which takes the VIP back (preempt)', async () => {
    const r = ran(await rbRun(['run', playbook(), '-i', LAB_INVENTORY]));
    expect(changesOf(r, MASTER).map((c) => c.kind)).to.deep.equal(['start-keepalived']);
    expect(changesOf(r, BACKUP)).to.deep.equal([]);
    await waitVip(MASTER, true, 10_000);
    await waitVip(BACKUP, false, 3_000);
  });

  it("raising the BACKUP's priority with rb moves the VIP to it, and lowering it gives the VIP back", async () => {
    const pid = await keepalivedPid(BACKUP);
    const up = ran(await rbRun(['run', playbook(), '-i', LAB_INVENTORY, '-e', 'prio_backup=150']));
    expect(changesOf(up, BACKUP).map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([
      ['set-option', 'vrrp_instance VI_1.priority', 50, 150],
      ['reload-keepalived', 'config', `pid ${pid}`, 'reloaded'],
    ]);
    expect(changesOf(up, MASTER)).to.deep.equal([]);
    const ms = await waitVip(BACKUP, true, 5_000);
    await waitVip(MASTER, false, 3_000);
    expect(await keepalivedPid(BACKUP), 'a reload, not a restart').to.equal(pid);
    console.log(`      VIP on the BACKUP ${ms} ms after rb raised its priority`);
    ran(await rbRun(['run', playbook(), '-i', LAB_INVENTORY]));
    await waitVip(MASTER, true, 10_000);
  });

  it("a config the host's keepalived -t refuses changes nothing, and keepalived keeps running", async () => {
    const sum = await labSh(BACKUP, `sha256sum ${CONF}`);
    const files = await labSh(BACKUP, 'ls -a /etc/keepalived');
    const pid = await keepalivedPid(BACKUP);
    // Valid for rb's schema, refused by keepalived on the host: no such interface there.
    const r = ran(await rbRun(['run', play(BACKUP, [vrrpTask({ interface: 'eth9', virtual_ipaddress: [`${VIP}/32`] })]), '-i', LAB_INVENTORY]), 3);
    const failed = r.report!.tasks.find((t) => t.host === BACKUP && t.status === 'failed')!;
    expect(failed.msg).to.include(`keepalived -t refused the new ${CONF}`);
    expect(failed.msg).to.include('(vrrp_instance VI_1.interface): WARNING - interface eth9 for vrrp_instance VI_1 doesn\'t exist');
    expect(await labSh(BACKUP, `sha256sum ${CONF}`)).to.equal(sum);
    expect(await labSh(BACKUP, 'ls -a /etc/keepalived'), 'no temp file left, no backup made').to.equal(files);
    expect(await alive(BACKUP, pid)).to.equal(true);
    expect(await hasVip(MASTER)).to.equal(true);
  });

  it('a failed later task rolls the config back and reloads keepalived', async () => {
    const pid = await keepalivedPid(BACKUP);
    const r = ran(await rbRun(['run', play(BACKUP, [vrrpTask({ priority: 60 }), { name: 'fails', command: '/bin/false' }]), '-i', LAB_INVENTORY]), 3);
    expect(changesOf(r, BACKUP).map((c) => [c.kind, c.field, c.after])).to.deep.include(['set-option', 'vrrp_instance VI_1.priority', 60]);
    expect(`${r.stdout}${r.stderr}`).to.match(/roll/i);
    expect(await labSh(BACKUP, `grep priority ${CONF}`)).to.equal('    priority 50\n');
    expect(await alive(BACKUP, pid)).to.equal(true);
    const check = ran(await rbRun(['run', playbook(), '-i', LAB_INVENTORY, '--check']));
    expect(flatChanges(check.report!)).to.deep.equal([]);
  });

  it('reads a config split by include as the same config', async () => {
    await labSh(
      BACKUP,
      `cd /etc/keepalived && mkdir -p conf.d && awk '/^vrrp_instance/{f=1} f{print > "conf.d/vi1.conf"; next} {print}' keepalived.conf > main.new && ` +
        `echo 'include conf.d/*.conf' >> main.new && mv main.new keepalived.conf && grep -c vrrp_instance conf.d/vi1.conf`,
    );
    expect(await labSh(BACKUP, `grep -c vrrp_instance ${CONF} || true`)).to.equal('0\n');
    const check = ran(await rbRun(['run', playbook(), '-i', LAB_INVENTORY, '--check']));
    expect(flatChanges(check.report!)).to.deep.equal([]);
    const task = check.report!.tasks.find((t) => t.host === BACKUP)!;
    expect(task.msg).to.include('already matches (1 vrrp_instance, 0 virtual_server)');
  });
});
