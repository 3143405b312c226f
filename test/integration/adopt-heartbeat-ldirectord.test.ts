// rb adopt on hand-built seed 004 boxes (lvs-heartbeat-ldirectord), in the
// qemu guest for real IPVS: the write-up's own commands, with no rb and the
// lab's addresses — ldirectord.cf copied and edited, rc.local's VIP on lo:0
// and ARP hiding, authkeys (chmod 600), /etc/init.d/startvip, haresources
// naming startvip and ldirectord, each box's ha.cf with the peer's address,
// `service heartbeat start` — then a web server for the health check on each
// box. Once heartbeat made rb1 active and ldirectord filled the table: adopt
// writes a playbook and vars, the key only in a vault-marked vars file; the
// first drift is zero; a scheduler changed in the playbook applies (the file
// on both boxes, ldirectord reloaded where heartbeat runs it).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { flatChanges } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh } from '../harness/lab.js';
import { adoptedFiles, ran, rbRun } from '../harness/rb.js';
import { address, until, useIpvsLab, VIP } from '../fixtures/ipvs/lab.js';

const BOXES = ['rb1', 'rb2'];
const KEY = '46b61a7f417d395c712d9ecf30665aaf';
const out = join(mkdtempSync(join(tmpdir(), 'rb-adopt-hb-')), 'adopted');

// The write-up's ldirectord.cf (its comments kept), on the lab's addresses.
const LDIRECTORD_CF = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ldirectord', 'seed004.cf'), 'utf8')
  .replaceAll('192.168.57.200', VIP)
  .replaceAll('192.168.57.101', address('rb1'))
  .replaceAll('192.168.57.102', address('rb2'));

// The write-up's /etc/init.d/startvip, on the lab's VIP and with a status heartbeat can read.
const STARTVIP = `#!/bin/bash
VIP=${VIP}
case $1 in
start)
    IP=\`/sbin/ifconfig lo:0 | grep $VIP\`
    if [ ! -z "$IP" ] ; then
      /sbin/ifconfig lo:0 down
    fi
    /sbin/ifconfig eth0:0 $VIP netmask 255.255.255.255 up
    /usr/sbin/arping -q -U -c 1 -I eth0 $VIP ;  echo ""
    ;;
stop)
    IP=\`/sbin/ifconfig eth0:0 | grep $VIP\`
    if [ ! -z "$IP" ] ; then
      /sbin/ifconfig eth0:0 down
    fi
    echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore
    echo 2 > /proc/sys/net/ipv4/conf/lo/arp_announce
    echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
    echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
    /sbin/ifconfig lo:0 $VIP netmask 255.255.255.255 up
    /sbin/route add -host $VIP dev lo:0
    ;;
status)
    if ip -o addr show dev eth0 | grep -q " $VIP/"; then echo running; else echo stopped; fi
    ;;
*)
    echo "Syntax incorrect. You need one of {start|stop|status}"
    ;;
esac
`;

const haCf = (peer: string) => `debugfile /var/log/ha-debug
logfile /var/log/ha-log
logfacility local0
bcast eth0
ucast eth0 ${peer}
keepalive 2
auto_failback on
node rb1
node rb2
`;

const WEB =
  'mkdir -p /srv/www && hostname > /srv/www/index.html && echo OK > /srv/www/healthcheck.html && ' +
  'start-stop-daemon --start --quiet --oknodo --background --make-pidfile --pidfile /run/rb-web.pid --exec /bin/busybox -- httpd -f -p 80 -h /srv/www';

/** The write-up's commands on both boxes, in its order. */
async function buildByHand(): Promise<void> {
  for (const host of BOXES) {
    const peer = address(host === 'rb1' ? 'rb2' : 'rb1');
    await labSh(host, 'cat > /etc/ha.d/ldirectord.cf', { input: LDIRECTORD_CF });
    // rc.local
    await labSh(host, [
      `/sbin/ifconfig lo:0 ${VIP} netmask 255.255.255.255 up`,
      `/sbin/route add -host ${VIP} dev lo:0`,
      'echo 0 > /proc/sys/net/ipv4/ip_forward',
      'echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore',
      'echo 2 > /proc/sys/net/ipv4/conf/lo/arp_announce',
      'echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore',
      'echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce',
    ].join(' && '));
    await labSh(host, 'cat > /etc/ha.d/authkeys && chmod 600 /etc/ha.d/authkeys', { input: `auth 1\n1 sha1 ${KEY}\n` });
    await labSh(host, 'cat > /etc/init.d/startvip && chmod 755 /etc/init.d/startvip', { input: STARTVIP });
    await labSh(host, 'cat > /etc/ha.d/haresources', { input: 'rb1 startvip ldirectord\n' });
    await labSh(host, 'cat > /etc/ha.d/ha.cf', { input: haCf(peer) });
    await labSh(host, WEB);
  }
  // A person takes longer than a second between editing haresources and starting heartbeat; rb reads a
  // haresources newer than the daemon as one heartbeat has not read (seconds are the files' resolution).
  await new Promise((r) => setTimeout(r, 2000));
  for (const host of BOXES) await labSh(host, 'service heartbeat start >/dev/null 2>&1 || /etc/init.d/heartbeat start');
}

const hasVip = async (host: string) => (await labExec(host, `ip -o addr show dev eth0 | grep -q ' ${VIP}/'`)).code === 0;
const tableReals = async (host: string) => (await labSh(host, 'ipvsadm -Sn')).split('\n').filter((l) => l.startsWith(`-a -t ${VIP}:80 `)).length;

describe('rb adopt on hand-built seed 004 boxes (heartbeat + ldirectord, real IPVS)', function () {
  this.timeout(900_000);
  useIpvsLab(3, 'rb adopt of the heartbeat + ldirectord boxes');
  before(async function () {
    this.timeout(900_000);
    await buildByHand();
    const active = await until('rb1 holds the VIP on eth0', 300_000, async () => hasVip('rb1'));
    const filled = await until('ldirectord on rb1 has both boxes in the table', 300_000, async () => (await tableReals('rb1')) === 2);
    console.log(`      built by hand: VIP on rb1 after ${active} ms, table filled ${filled} ms later`);
  });
  after(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('writes a playbook, group_vars and host_vars: heartbeat and ldirectord on both boxes, the peer per box, the key only in a vault-marked vars file', async () => {
    const r = ran(await rbRun(['adopt', '-i', LAB_INVENTORY, '--limit', BOXES.join(':'), '--out', out], { noReport: true, timeoutMs: 600_000 }));
    expect(r.stdout).not.to.include(KEY);
    for (const host of BOXES) expect(r.stdout).to.match(new RegExp(`^${host}: .*\\bldirectord\\b.*\\bheartbeat\\b|^${host}: .*\\bheartbeat\\b.*\\bldirectord\\b`, 'm'));
    const files = adoptedFiles(out);
    console.log(`      ${r.stdout.split('\n').filter((l) => /^rb\d: /.test(l)).join('; ')}`);
    console.log(`      files written: ${files.join(', ')}`);
    const site = readFileSync(join(out, 'site.yml'), 'utf8');
    expect(site).not.to.include(KEY);
    expect(site).to.include('managed_by: heartbeat');
    expect(readFileSync(join(out, 'host_vars/rb1.yml'), 'utf8')).to.include(`eth0 ${address('rb2')}`);
    expect(readFileSync(join(out, 'host_vars/rb2.yml'), 'utf8')).to.include(`eth0 ${address('rb1')}`);
    const secretFiles = files.filter((f) => f !== 'site.yml' && readFileSync(join(out, f), 'utf8').includes(KEY));
    expect(secretFiles, 'the key is in one vars file').to.have.length(1);
    expect(readFileSync(join(out, secretFiles[0]), 'utf8')).to.match(/^# Holds secrets \(.*authkeys.*\): encrypt this file/m);
  });

  it('the first drift of the adopted playbook against the same boxes is zero', async () => {
    const r = ran(await rbRun(['drift', join(out, 'site.yml'), '-i', LAB_INVENTORY], { timeoutMs: 600_000 }));
    expect(flatChanges(r.report!)).to.deep.equal([]);
    expect(Object.keys(r.report!.hosts).sort()).to.deep.equal(BOXES);
    expect(JSON.stringify(r.report)).not.to.include(KEY);
  });

  it('a scheduler changed in the adopted playbook applies: the file on both boxes, ldirectord reloaded on the active one, drift zero again', async () => {
    const file = join(out, 'site.yml');
    const site = readFileSync(file, 'utf8');
    expect(site, 'the scheduler is a value of the playbook').to.include('scheduler: rr');
    writeFileSync(file, site.replaceAll('scheduler: rr', 'scheduler: wlc'));
    const r = ran(await rbRun(['run', file, '-i', LAB_INVENTORY], { timeoutMs: 600_000 }));
    expect(flatChanges(r.report!).map((c) => [c.host, c.kind, c.field]).sort()).to.deep.equal([
      ['rb1', 'set-option', `virtual=${VIP}:80 scheduler`],
      ['rb1', 'reload-ldirectord', 'config'],
      ['rb2', 'set-option', `virtual=${VIP}:80 scheduler`],
    ].sort());
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.include(`-A -t ${VIP}:80 -s wlc`);
    for (const host of BOXES) expect(await labSh(host, 'grep -c "^\\s*scheduler=wlc" /etc/ha.d/ldirectord.cf')).to.equal('1\n');
    const again = ran(await rbRun(['drift', file, '-i', LAB_INVENTORY], { timeoutMs: 600_000 }));
    expect(flatChanges(again.report!)).to.deep.equal([]);
  });
});
