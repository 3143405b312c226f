// rsyncd on real lab hosts over SSH with the real rsync daemon: rb14 serves
// seed 000's kind of modules; rb15 is allowed and rb16 denied by hosts
// allow/deny (rc 5, as LAB.md measured). Convergence with exact --check and
// per-field drift; auth users against the secrets file; a module-only change
// keeps the daemon's pid (it re-reads the file per connection) while a new
// address restarts it onto that address; a file rsync refuses changes
// nothing; a failed later task rolls the file and the daemon back.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge, flatChanges } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { ran, rbRun } from '../harness/rb.js';

const SERVER = 'rb14';
const ALLOWED = 'rb15';
const DENIED = 'rb16';
const addr = (h: string) => `198.18.0.${10 + Number(h.slice(2))}`;
const CONF = '/etc/rsyncd.conf';
const dir = mkdtempSync(join(tmpdir(), 'rb-rsyncd-'));
let n = 0;

function rsyncdTask(over: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    name: 'rsync daemon',
    rsyncd: {
      address: addr(SERVER),
      uid: 'root',
      gid: 'root',
      use_chroot: true,
      max_connections: 5,
      log_file: '/var/log/rsync.log',
      secrets: { pusher: 'l4b-s3cret' },
      modules: {
        data: { path: '/data', read_only: false, list: true, ignore_errors: true, hosts_allow: addr(ALLOWED), hosts_deny: '*', ...data },
        backup: { path: '/backup', read_only: false, auth_users: 'pusher', hosts_allow: addr(ALLOWED), hosts_deny: '*' },
      },
      enabled: true,
      ...over,
    },
  };
}

function play(tasks: object[]): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'rsyncd', hosts: SERVER, tasks }], null, 2)}\n`);
  return file;
}

const daemonPid = async () => Number((await labSh(SERVER, 'cat /var/run/rsyncd.pid')).trim());

/** Push one file from `client` to the server's module; the rsync exit code and its message. */
async function push(client: string, target: string, opts = ''): Promise<{ code: number; err: string }> {
  const r = await labExec(client, `echo from-${client} > /tmp/push.txt && rsync ${opts} /tmp/push.txt ${target}`);
  return { code: r.code, err: r.stderr.trim() };
}

describe('rsyncd on lab hosts', function () {
  this.timeout(300_000);
  useLab(16);

  before(async function () {
    this.timeout(180_000);
    await resetHosts([SERVER, ALLOWED, DENIED]);
  });

  it('converges: --check predicts the first run, a second run changes nothing, a hand edit is per-field drift', async () => {
    const r = await converge({
      playbook: play([rsyncdTask()]),
      tamper: { host: SERVER, cmd: `sed -i 's/^hosts allow = ${addr(ALLOWED)}$/hosts allow = ${addr(ALLOWED)} ${addr(DENIED)}/' ${CONF}` },
    });
    expect(r.changes.map((c) => c.kind)).to.include.members(['create-config', 'add-module', 'create-path', 'write-secrets', 'set-boot', 'start-rsyncd']);
    expect(r.drift!.changes.map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([
      ['set-option', '[data].hosts allow', `${addr(ALLOWED)} ${addr(DENIED)}`, addr(ALLOWED)],
      ['set-option', '[backup].hosts allow', `${addr(ALLOWED)} ${addr(DENIED)}`, addr(ALLOWED)],
    ]);
    const secret = r.changes.find((c) => c.kind === 'write-secrets')!;
    expect(secret.after).to.equal('********');
    expect(`${r.check.stdout}${r.run.stdout}`).to.not.include('l4b-s3cret');
    expect(await labSh(SERVER, 'stat -c "%a %U" /etc/rsyncd.secrets')).to.equal('600 root\n');
    expect(await labSh(SERVER, 'grep RSYNC_ENABLE= /etc/default/rsync')).to.equal('RSYNC_ENABLE=true\n');
    ran(await rbRun(['run', play([rsyncdTask()]), '-i', LAB_INVENTORY]));
  });

  it('hosts allow lets rb15 push; hosts deny refuses rb16 with rc 5', async () => {
    expect(await push(ALLOWED, `rsync://${addr(SERVER)}/data/`)).to.deep.equal({ code: 0, err: '' });
    expect(await labSh(SERVER, 'cat /data/push.txt')).to.equal(`from-${ALLOWED}\n`);
    const denied = await push(DENIED, `rsync://${addr(SERVER)}/data/`);
    expect(denied.code).to.equal(5);
    expect(denied.err).to.include(`@ERROR: access denied to data from ${DENIED} (${addr(DENIED)})`);
  });

  it('auth users: the password in the secrets file lets in, another one does not', async () => {
    await labSh(ALLOWED, "printf 'l4b-s3cret\\n' > /tmp/good.pw && printf 'wrong\\n' > /tmp/bad.pw && chmod 600 /tmp/good.pw /tmp/bad.pw");
    expect(await push(ALLOWED, `rsync://pusher@${addr(SERVER)}/backup/`, '--password-file=/tmp/good.pw')).to.deep.equal({ code: 0, err: '' });
    const bad = await push(ALLOWED, `rsync://pusher@${addr(SERVER)}/backup/`, '--password-file=/tmp/bad.pw');
    expect(bad.code).to.equal(5);
    expect(bad.err).to.include('@ERROR: auth failed on module backup');
  });

  it('a module change is live without a restart; a new address restarts the daemon onto it', async () => {
    const pid = await daemonPid();
    const open = ran(await rbRun(['run', play([rsyncdTask({}, { hosts_allow: [addr(ALLOWED), addr(DENIED)] })]), '-i', LAB_INVENTORY]));
    expect(flatChanges(open.report!).map((c) => c.kind)).to.deep.equal(['set-option']);
    expect(await daemonPid()).to.equal(pid);
    expect((await push(DENIED, `rsync://${addr(SERVER)}/data/`)).code, 'rb16 allowed by the new file, same daemon').to.equal(0);

    await labSh(SERVER, 'ip addr add 198.18.0.124/24 dev eth0');
    const moved = ran(await rbRun(['run', play([rsyncdTask({ address: '198.18.0.124' })]), '-i', LAB_INVENTORY]));
    expect(flatChanges(moved.report!).map((c) => [c.kind, c.field, c.after])).to.deep.equal([
      ['set-option', 'address', '198.18.0.124'],
      ['set-option', '[data].hosts allow', addr(ALLOWED)],
      ['restart-rsyncd', 'read at start', 'restarted for address'],
    ]);
    expect(await daemonPid()).to.not.equal(pid);
    expect((await push(ALLOWED, 'rsync://198.18.0.124/data/')).code).to.equal(0);
    expect((await push(ALLOWED, `rsync://${addr(SERVER)}/data/`)).code, 'the old address no longer answers').to.equal(10);
    ran(await rbRun(['run', play([rsyncdTask()]), '-i', LAB_INVENTORY]));
  });

  it('a file rsync refuses changes nothing', async () => {
    const before = await labSh(SERVER, `cat ${CONF}; ls -a /etc`);
    const r = ran(await rbRun(['run', play([rsyncdTask({ extra: { 'bogus setting': 'x' } })]), '-i', LAB_INVENTORY]), 3);
    expect(`${r.stdout}${r.stderr}`).to.include('rsync refused the new /etc/rsyncd.conf; nothing was changed');
    expect(`${r.stdout}${r.stderr}`).to.include('Unknown Parameter encountered: "bogus setting"');
    expect(await labSh(SERVER, `cat ${CONF}; ls -a /etc`)).to.equal(before);
  });

  it('a failed later task rolls the file and the daemon back', async () => {
    const pid = await daemonPid();
    const r = ran(await rbRun(['run', play([rsyncdTask({ port: 8730 }), { name: 'fails', command: '/bin/false' }]), '-i', LAB_INVENTORY]), 3);
    expect(`${r.stdout}${r.stderr}`).to.match(/roll/i);
    expect(await labSh(SERVER, `grep -c '^port' ${CONF} || true`)).to.equal('0\n');
    expect(await daemonPid()).to.not.equal(pid);
    expect((await push(ALLOWED, `rsync://${addr(SERVER)}/data/`)).code, 'back on port 873').to.equal(0);
    const check = ran(await rbRun(['run', play([rsyncdTask()]), '-i', LAB_INVENTORY, '--check']));
    expect(flatChanges(check.report!)).to.deep.equal([]);
  });
});
