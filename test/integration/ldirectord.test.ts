// The ldirectord module on real IPVS (`rb lab up --ipvs`, a qemu guest): rb1
// runs ldirectord as an LVS-DR director for seed 004's kind of config; rb2 and
// rb3 are real servers with a web server whose health page says OK.
// Convergence with exact --check and drift, checks taking a dead real server
// out of the table and back, a cleared table rebuilt, a file ldirectord
// refuses never installed.

import { expect } from 'chai';
import { converge, flatChanges } from '../harness/converge.js';
import { LAB_INVENTORY, labSh } from '../harness/lab.js';
import { address, director, playbookFile, runPlay, until, useIpvsLab, VIP } from '../fixtures/ipvs/lab.js';

const WEB_START = (host: string) =>
  `mkdir -p /srv/www && echo ${host} > /srv/www/index.html && echo OK > /srv/www/healthcheck.html && ` +
  'start-stop-daemon --start --quiet --oknodo --background --make-pidfile --pidfile /run/rb-web.pid --exec /bin/busybox -- httpd -f -p 80 -h /srv/www';
const WEB_STOP = 'start-stop-daemon --stop --quiet --oknodo --pidfile /run/rb-web.pid --remove-pidfile';

function ldirectordTask(overrides: Record<string, unknown> = {}, virtual: Record<string, unknown> = {}) {
  return {
    name: 'ldirectord.cf',
    ldirectord: {
      managed_by: 'rb',
      verify_timeout: 240,
      checktimeout: 3,
      checkinterval: 1,
      logfile: '/var/log/ldirectord.log',
      autoreload: false,
      quiescent: false,
      virtuals: [
        {
          virtual: `${VIP}:80`,
          real: [`${address('rb2')}:80 gate`, `${address('rb3')}:80 gate`],
          fallback: '127.0.0.1:80 gate',
          service: 'http',
          request: 'healthcheck.html',
          receive: 'OK',
          scheduler: 'rr',
          protocol: 'tcp',
          checktype: 'negotiate',
          checkport: 80,
          ...virtual,
        },
      ],
      ...overrides,
    },
  };
}
const play = (...tasks: object[]) => [{ name: 'ldirectord director', hosts: 'rb1', tasks }];

async function reals(): Promise<string[]> {
  const table = await labSh('rb1', 'ipvsadm -Sn');
  return table
    .split('\n')
    .filter((l) => l.startsWith(`-a -t ${VIP}:80 `))
    .map((l) => /-r (\S+)/.exec(l)![1])
    .sort();
}

describe('ldirectord on real IPVS (qemu guest)', function () {
  this.timeout(1_800_000);
  useIpvsLab(3, 'the ldirectord module on real IPVS');

  before(async function () {
    this.timeout(300_000);
    await director('rb1');
    for (const h of ['rb2', 'rb3']) {
      await labSh(h, `sysctl -qw net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2 net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 && (ip addr add ${VIP}/32 dev lo label lo:0 2>/dev/null || true)`);
      await labSh(h, WEB_START(h));
    }
  });

  it('converges: file written and checked, ldirectord started, the table verified; a hand edit is drift', async () => {
    const r = await converge({
      playbook: play(ldirectordTask()),
      inventory: LAB_INVENTORY,
      tamper: { host: 'rb1', cmd: "sed -i 's/scheduler=rr/scheduler=wlc/' /etc/ha.d/ldirectord.cf" },
    });
    expect(r.changes.map((c) => [c.kind, c.field ?? null])).to.deep.equal([
      ['set-option', 'checktimeout'],
      ['set-option', 'checkinterval'],
      ['set-option', 'logfile'],
      ['set-option', 'autoreload'],
      ['set-option', 'quiescent'],
      ['add-virtual', `virtual=${VIP}:80`],
      ['start-ldirectord', 'state'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([
      ['set-option', `virtual=${VIP}:80 scheduler`, 'wlc', 'rr'],
      ['reload-ldirectord', 'config', r.drift!.changes[1].before, 'reloaded'],
    ]);
    await until('both real servers in the table', 120_000, async () => (await reals()).length === 2);
    expect(await reals()).to.deep.equal([`${address('rb2')}:80`, `${address('rb3')}:80`]);
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.include(`-A -t ${VIP}:80 -s rr\n`);
    // The Debian dummy file's comments are kept above what rb wrote.
    expect(await labSh('rb1', 'head -1 /etc/ha.d/ldirectord.cf')).to.equal('# Dummy configuration file.\n');
  });

  it('takes a real server whose health check fails out of the table, and puts it back', async () => {
    await runPlay(playbookFile(play(ldirectordTask())), LAB_INVENTORY);
    await labSh('rb2', WEB_STOP);
    const gone = await until('rb2 out of the table', 120_000, async () => !(await reals()).includes(`${address('rb2')}:80`));
    expect(await reals()).to.deep.equal([`${address('rb3')}:80`]);
    await labSh('rb2', WEB_START('rb2'));
    const back = await until('rb2 back in the table', 120_000, async () => (await reals()).includes(`${address('rb2')}:80`));
    console.log(`      removed ${gone} ms after its web server stopped, back ${back} ms after it started`);
  });

  it('rebuilds a table someone cleared: --check reports it, the run reloads ldirectord', async () => {
    await labSh('rb1', 'ipvsadm -C');
    const check = await runPlay(playbookFile(play(ldirectordTask())), LAB_INVENTORY, ['--check']);
    expect(flatChanges(check.report!).map((c) => [c.kind, c.field, c.before])).to.deep.equal([['reload-ldirectord', 'ipvs table', `tcp ${VIP}:80 is not in the IPVS table`]]);
    await runPlay(playbookFile(play(ldirectordTask())), LAB_INVENTORY);
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.include(`-A -t ${VIP}:80 -s rr`);
  });

  it('a changed scheduler is a reload of the same daemon, and the table follows', async () => {
    const pid = (await labSh('rb1', 'cat /var/run/ldirectord.ldirectord.cf.pid')).trim();
    const r = await runPlay(playbookFile(play(ldirectordTask({}, { scheduler: 'wrr' }))), LAB_INVENTORY);
    expect(flatChanges(r.report!).map((c) => c.kind)).to.deep.equal(['set-option', 'reload-ldirectord']);
    expect(await labSh('rb1', 'ipvsadm -Sn')).to.include(`-A -t ${VIP}:80 -s wrr`);
    // The same daemon, still alive: the pid file names the pid read before, and that process is ldirectord.
    expect((await labSh('rb1', 'cat /var/run/ldirectord.ldirectord.cf.pid')).trim()).to.equal(pid);
    expect(await labSh('rb1', `tr '\\0' ' ' < /proc/${pid}/cmdline`)).to.include('ldirectord');
  });

  it('never installs a file ldirectord refuses: the old file and table stay', async () => {
    const file = await labSh('rb1', 'cat /etc/ha.d/ldirectord.cf');
    const r = await runPlay(playbookFile(play(ldirectordTask({ extra: ['bogus = 1'] }, { scheduler: 'wrr' }))), LAB_INVENTORY, [], 3);
    const msg = r.report!.tasks.find((t) => t.status === 'failed')?.msg ?? '';
    expect(msg).to.match(/ldirectord refused the new \/etc\/ha.d\/ldirectord.cf \(nothing was changed\): at line \d+: Unknown command bogus=1/);
    expect(await labSh('rb1', 'cat /etc/ha.d/ldirectord.cf')).to.equal(file);
  });
});
