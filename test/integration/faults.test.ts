// Faults in the middle of a run, on plain lab hosts (rb1..rb3, one faulty):
// a command that hangs (task timeout), a full filesystem under a config being
// written, sshd killed, the link cut, a dropped connection while facts are
// read, keepalived refusing to start after a config change, a changed host
// key. Every time the other hosts finish, the faulty one is rolled back or the
// report says what could not be restored and why, no file is half-written or
// lost, a read is retried and a write is never sent twice.

import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun, type RbResult } from '../harness/rb.js';

const HOSTS = ['rb1', 'rb2', 'rb3'];
const KEY = '/var/lib/rblab/id_ed25519';
const KNOWN = '/var/lib/rblab/known_hosts';
const dir = mkdtempSync(join(tmpdir(), 'rb-faults-'));
let n = 0;

/** An inventory of rb1..rb3 with the lab's key; `extra` adds per-host variables. */
function inventory(extra: Record<string, Record<string, unknown>> = {}, knownHosts = KNOWN): string {
  const hosts = Object.fromEntries(HOSTS.map((h, i) => [h, { ansible_host: `198.18.0.${11 + i}`, ...extra[h] }]));
  const vars = { ansible_user: 'root', ansible_ssh_private_key_file: KEY, ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes` };
  const file = join(dir, `inventory${++n}.yml`);
  writeFileSync(file, JSON.stringify({ all: { vars, hosts } }));
  return file;
}

function playbook(tasks: object[], handlers: object[] = []): string {
  const d = mkdtempSync(join(dir, 'play-'));
  const file = join(d, 'playbook.yml');
  writeFileSync(file, JSON.stringify([{ name: 'faults', hosts: HOSTS.join(':'), tasks, handlers }], null, 1));
  return file;
}

const run = (file: string, inv = inventory(), extra: string[] = []) => rbRun(['run', file, '-i', inv, ...extra], { timeoutMs: 180_000 });
const statuses = (r: RbResult, host: string) => r.report!.tasks.filter((t) => t.host === host).map((t) => t.status);
const rollbacks = (r: RbResult) => (r.report as unknown as { rollbacks: Array<{ host: string; cause: string; undone: Array<{ task: string; ok: boolean; error?: string }> }> }).rollbacks;
const cat = async (host: string, path: string) => (await labExec(host, ['cat', path])).stdout;

/** The task that writes a known old config everywhere first, so its rollback is visible. */
const CONFIG = { name: 'app config', copy: { dest: '/etc/rbfault.conf', content: 'new {{ inventory_hostname }}\n' } };
const AFTER = { name: 'after the fault', copy: { dest: '/etc/rbfault-after.conf', content: 'after\n' } };

async function until(what: string, limitMs: number, ok: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Kill the sshd processes in `host`: every one, or the sessions only (the listener stays). */
const killSshd = (host: string, sessionsOnly: boolean) =>
  labSh(host, `keep=${sessionsOnly ? '$(cat /run/sshd.pid)' : 'none'}; for p in /proc/[0-9]*; do q=\${p#/proc/}; [ "$(readlink $p/exe)" = /usr/sbin/sshd ] && [ "$q" != "$keep" ] && kill -9 "$q"; done; true`);

/** Files in /etc named rbfault*: temp files left over would show here. */
const leftovers = async (host: string) => (await labSh(host, 'ls -A /etc | grep rbfault || true')).split('\n').filter(Boolean).sort();

describe('faults mid-run', function () {
  this.timeout(120_000);
  useLab(3);
  beforeEach(async () => {
    await resetHosts(HOSTS);
    for (const h of HOSTS) await labSh(h, "printf 'old\\n' > /etc/rbfault.conf");
  });

  it('a command that hangs is stopped at its task timeout; the host is rolled back, the others finish', async () => {
    const hang = { name: 'may hang', shell: "{% if inventory_hostname == 'rb1' %}sleep 600{% else %}true{% endif %}", timeout: 3 };
    const t0 = Date.now();
    const r = await run(playbook([CONFIG, hang, AFTER]));
    const took = Date.now() - t0;
    expect(r.code, r.stdout).to.equal(3);
    const failed = r.report!.tasks.find((t) => t.host === 'rb1' && t.task === 'may hang')!;
    expect(failed.status).to.equal('failed');
    expect(failed.msg).to.match(/^timed out after 3 s \(timeout: 3\)/);
    expect(took, 'the run did not wait for the command').to.be.below(30_000);
    expect(rollbacks(r).map((b) => [b.host, b.undone.map((u) => [u.task, u.ok])])).to.deep.equal([['rb1', [['app config', true]]]]);
    expect(await cat('rb1', '/etc/rbfault.conf')).to.equal('old\n');
    expect(await labSh('rb1', "ps -eo args | grep -c '^sleep 600' || true")).to.equal('0\n');
    for (const h of ['rb2', 'rb3']) {
      expect(statuses(r, h)).to.deep.equal(['changed', 'changed', 'changed']);
      expect(await cat(h, '/etc/rbfault-after.conf')).to.equal('after\n');
    }
    console.log(`      hang: stopped and rolled back in ${took} ms`);
  });

  it('a full filesystem under a config being written: the old file stays whole, no temp file is left, the host is rolled back', async () => {
    await labSh('rb2', "mkdir -p /etc/rbfull && mount -t tmpfs -o size=16k tmpfs /etc/rbfull && printf 'old\\n' > /etc/rbfull/app.conf");
    for (const h of ['rb1', 'rb3']) await labSh(h, "mkdir -p /etc/rbfull && printf 'old\\n' > /etc/rbfull/app.conf");
    const big = `${'x'.repeat(99)}\n`.repeat(600); // 60 kB into 16 kB
    const r = await run(playbook([CONFIG, { name: 'big config', copy: { dest: '/etc/rbfull/app.conf', content: big } }, AFTER]));
    expect(r.code, r.stdout).to.equal(3);
    const failed = r.report!.tasks.find((t) => t.host === 'rb2' && t.task === 'big config')!;
    expect([failed.status, failed.msg]).to.satisfy(([s, m]: [string, string]) => s === 'failed' && /No space left on device/.test(m));
    expect(await cat('rb2', '/etc/rbfull/app.conf')).to.equal('old\n');
    expect(await labSh('rb2', 'ls -A /etc/rbfull')).to.equal('app.conf\n');
    expect(await cat('rb2', '/etc/rbfault.conf'), 'rolled back').to.equal('old\n');
    for (const h of ['rb1', 'rb3']) {
      expect(await cat(h, '/etc/rbfull/app.conf')).to.equal(big);
      expect(statuses(r, h)).to.deep.equal(['changed', 'changed', 'changed']);
    }
    await labSh('rb2', 'umount /etc/rbfull');
  });

  it("the host's sshd killed during a play: the others finish; the report says what stays changed and why", async () => {
    const slow = { name: 'slow step', shell: 'touch /tmp/rbfault-started; sleep 4' };
    const running = run(playbook([CONFIG, slow, AFTER]));
    await until('rb3 in the slow step', 30_000, async () => (await labExec('rb3', 'test -e /tmp/rbfault-started')).code === 0);
    await killSshd('rb3', false);
    const r = await running;
    expect(r.code, r.stdout).to.equal(3);
    expect(statuses(r, 'rb3')).to.deep.equal(['changed', 'unreachable']);
    expect(r.report!.hosts.rb3.unreachable).to.equal(1);
    const [rb3] = rollbacks(r);
    expect(rb3.host).to.equal('rb3');
    expect(rb3.undone).to.have.length(1);
    expect(rb3.undone[0]).to.include({ task: 'app config', ok: false });
    expect(rb3.undone[0].error).to.match(/rb3: .*(refused|ECONNREFUSED)/i);
    // Left as the task wrote it, whole; nothing half-written beside it.
    expect(await cat('rb3', '/etc/rbfault.conf')).to.equal('new rb3\n');
    expect(await leftovers('rb3')).to.deep.equal(['rbfault.conf']);
    for (const h of ['rb1', 'rb2']) expect(statuses(r, h)).to.deep.equal(['changed', 'changed', 'changed']);
    expect(r.stdout).to.match(/FAILED to restore: app config \(copy\) — .*not reach|FAILED to restore: app config \(copy\) — .*refused/i);
  });

  it('the link cut during a write: the write is not sent again; the host is reported, the others finish', async () => {
    const inv = inventory({ rb2: { ansible_ssh_timeout: 2, ansible_ssh_extra_args: '-o ServerAliveInterval=1' } });
    const step = { name: 'counted write', shell: 'echo once >> /var/tmp/rbfault-writes; touch /tmp/rbfault-started; sleep 6' };
    const running = run(playbook([CONFIG, step, AFTER]), inv);
    await until('rb2 in the write', 30_000, async () => (await labExec('rb2', 'test -e /tmp/rbfault-started')).code === 0);
    await labSh('rb2', 'ip link set eth0 down');
    const r = await running;
    await labSh('rb2', 'ip link set eth0 up');
    expect(r.code, r.stdout).to.equal(3);
    expect(statuses(r, 'rb2')).to.deep.equal(['changed', 'unreachable']);
    expect(r.report!.tasks.find((t) => t.host === 'rb2' && (t.status as string) === 'unreachable')!.msg).to.match(/lost|keepalive/i);
    expect(await cat('rb2', '/var/tmp/rbfault-writes')).to.equal('once\n');
    const [rb2] = rollbacks(r);
    expect([rb2.host, rb2.undone.map((u) => [u.task, u.ok])]).to.deep.equal(['rb2', [['app config', false]]]);
    expect(rb2.undone[0].error).to.match(/rb2: .*(timed out|unreachable|EHOSTUNREACH|no route)/i);
    expect(await cat('rb2', '/etc/rbfault.conf')).to.equal('new rb2\n');
    expect(await leftovers('rb2')).to.deep.equal(['rbfault.conf']);
    for (const h of ['rb1', 'rb3']) expect(statuses(r, h)).to.deep.equal(['changed', 'changed', 'changed']);
  });

  it('a connection dropped while facts are read: the read is retried on a new connection and the run goes on', async () => {
    const lib = mkdtempSync(join(dir, 'slowread-'));
    // A site module whose facts take 3 s to read (as a big `ipvsadm -Ln` would): the drop lands in the read.
    writeFileSync(join(lib, 'playbook.yml'), JSON.stringify([{ hosts: HOSTS.join(':'), tasks: [CONFIG, { name: 'slow read', slow_read: {} }, AFTER] }]));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(lib, 'library')));
    writeFileSync(
      join(lib, 'library', 'slow_read.mjs'),
      `export default {
  name: 'slow_read', summary: 'facts that take 3 s to read', params: {},
  supports: { check: true, diff: false, rollback: false },
  async facts(ctx) {
    const r = await ctx.exec('touch /tmp/rbfault-reading; sleep 3; echo read');
    if (r.code !== 0) throw new Error('read failed: exit ' + r.code);
    return r.stdout.trim();
  },
  plan: (p, f) => ({ changes: [], reason: 'facts: ' + f }),
  async apply() {},
};
`,
    );
    const running = run(join(lib, 'playbook.yml'));
    await until('rb1 reading', 30_000, async () => (await labExec('rb1', 'test -e /tmp/rbfault-reading')).code === 0);
    await killSshd('rb1', true);
    const r = await running;
    expect(r.code, r.stdout).to.equal(0);
    for (const h of HOSTS) expect(statuses(r, h)).to.deep.equal(['changed', 'ok', 'changed']);
    expect(r.stdout).to.match(/rb1: connection to 198\.18\.0\.11:22 lost: .* while reading facts: reading them again in 0\.5 s \(retry 1\)/);
  });

  it('keepalived refusing to start after a config change: the old config is put back and keepalived runs it again; the others finish', async () => {
    // A virtual server passes keepalived -t, but keepalived cannot run it on a kernel without IPVS: only rb2 gets one.
    const vs = [{ ip: '198.18.0.191', port: 80, lb_algo: 'rr', lb_kind: 'DR', protocol: 'TCP', real_servers: [{ ip: '198.18.0.13', port: 80 }] }];
    const vrrp = (virtualServers: unknown) => ({
      name: 'keepalived',
      vrrp: {
        instances: [{ name: 'VI_F', state: 'BACKUP', interface: 'eth0', virtual_router_id: 91, priority: 50, advert_int: 1, virtual_ipaddress: ['198.18.0.191/32 dev eth0 label eth0:9'] }],
        virtual_servers: virtualServers,
      },
      vars: { vs },
    });
    const first = await run(playbook([vrrp([])]));
    expect(first.code, first.stdout).to.equal(0);
    const before = Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await cat(h, '/etc/keepalived/keepalived.conf')] as const)));
    const r = await run(playbook([vrrp("{{ vs if inventory_hostname == 'rb2' else [] }}")]));
    expect(r.code, r.stdout).to.equal(3);
    expect(r.report!.tasks.find((t) => t.host === 'rb2')!.msg).to.match(/keepalived \(pid \d+\) is gone after the reload/);
    expect(rollbacks(r).map((b) => [b.host, b.undone.map((u) => [u.task, u.ok])])).to.deep.equal([['rb2', [['keepalived', true]]]]);
    for (const h of HOSTS) {
      expect(await cat(h, '/etc/keepalived/keepalived.conf'), `${h}: config as before`).to.equal(before[h]);
      expect((await labExec(h, 'kill -0 "$(cat /run/keepalived.pid)"')).code, `${h}: keepalived runs`).to.equal(0);
    }
    for (const h of ['rb1', 'rb3']) expect(statuses(r, h)).to.deep.equal(['ok']);
  });

  it('a changed host key stops that host with how to accept the new key; the others finish', async () => {
    const known = join(dir, 'known_hosts');
    const other = (await labSh('rb2', 'cat /etc/ssh/ssh_host_ed25519_key.pub')).trim().split(' ').slice(0, 2).join(' ');
    const lines = readFileSync(KNOWN, 'utf8').split('\n').map((l) => (l.startsWith('rb1,198.18.0.11 ') ? `rb1,198.18.0.11 ${other}` : l));
    writeFileSync(known, lines.join('\n'));
    const r = await run(playbook([CONFIG]), inventory({}, known));
    expect(r.code).to.equal(3);
    const msg = r.report!.tasks.find((t) => t.host === 'rb1')!.msg!;
    expect(msg).to.include('HOST KEY MISMATCH for 198.18.0.11');
    expect(msg).to.include(`ssh-keygen -f '${known}' -R '198.18.0.11'`);
    expect(msg).to.include('--host-key-checking=accept-new');
    expect(await cat('rb1', '/etc/rbfault.conf')).to.equal('old\n');
    for (const h of ['rb2', 'rb3']) expect(statuses(r, h)).to.deep.equal(['changed']);
  });
});
