// sersync on real lab hosts (lsyncd backend: sersync2 is not packaged): rb14
// is seed 000's rl1, pushing its web root to rsync daemons on rb15 and rb16
// (set up by the rsyncd module in the same playbook). Convergence with exact
// --check and drift; a file written on rb14 appears on both peers within a
// bounded wait, and so does its deletion; with delete off, deletions stay; a
// failed later task brings the old config and daemon back.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge, flatChanges } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { ran, rbRun } from '../harness/rb.js';

const SOURCE = 'rb14';
const PEERS = ['rb15', 'rb16'];
const addr = (h: string) => `198.18.0.${10 + Number(h.slice(2))}`;
const ROOT = '/var/www/html';
const LUA = '/etc/lsyncd/lsyncd.conf.lua';
const LIMIT_MS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'rb-sersync-'));
let n = 0;

function playbook(sersync: Record<string, unknown> = {}, more: object[] = []): string {
  const plays = [
    {
      name: 'rsync daemons on the peers',
      hosts: PEERS.join(':'),
      tasks: [
        {
          name: 'web root module',
          rsyncd: {
            address: '{{ ansible_host }}',
            uid: 'root',
            gid: 'root',
            use_chroot: true,
            modules: { html: { path: ROOT, read_only: false, hosts_allow: addr(SOURCE), hosts_deny: '*' } },
          },
        },
      ],
    },
    {
      name: 'push from the source',
      hosts: SOURCE,
      tasks: [
        { name: 'web root', file: { path: ROOT, state: 'directory' } },
        { name: 'push the web root', sersync: { watch: ROOT, remotes: PEERS.map((p) => ({ ip: addr(p), module: 'html' })), ...sersync } },
        ...more,
      ],
    },
  ];
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify(plays, null, 2)}\n`);
  return file;
}

/** Milliseconds until `probe` holds on every peer; throws with what it saw after LIMIT_MS. */
async function onEveryPeer(what: string, probe: string): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const ok = await Promise.all(PEERS.map(async (p) => (await labExec(p, probe)).code === 0));
    if (ok.every(Boolean)) return Date.now() - t0;
    if (Date.now() - t0 > LIMIT_MS) throw new Error(`${what}: not on ${PEERS.filter((_, i) => !ok[i]).join(', ')} within ${LIMIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lsyncdPid = async () => Number((await labSh(SOURCE, 'cat /var/run/lsyncd.pid')).trim());

describe('sersync (lsyncd engine) on lab hosts', function () {
  this.timeout(300_000);
  useLab(16);

  before(async function () {
    this.timeout(180_000);
    await resetHosts([SOURCE, ...PEERS]);
    // A file only on a peer: delete (the default) removes it at the first push.
    await labSh(PEERS[0], `mkdir -p ${ROOT} && echo stale > ${ROOT}/stale.txt`);
  });

  it('converges: --check predicts the first run, a second run changes nothing, a hand edit of the Lua file is drift', async () => {
    const r = await converge({ playbook: playbook(), tamper: { host: SOURCE, cmd: `sed -i 's/delete = true/delete = false/' ${LUA}` } });
    const mine = r.changes.filter((c) => c.module === 'sersync').map((c) => [c.kind, c.field]);
    expect(mine).to.deep.equal([
      ['create-config', 'lsyncd'],
      ['start-lsyncd', 'state'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.field, c.before])).to.deep.equal([
      ['write-config', 'lsyncd', 'delete = false,'],
      ['restart-lsyncd', 'config', r.drift!.changes[1].before],
    ]);
    ran(await rbRun(['run', playbook(), '-i', LAB_INVENTORY]));
    await onEveryPeer('stale file removed at start', `! test -e ${ROOT}/stale.txt`);
  });

  it('a file written on the source appears on both peers; its deletion follows', async () => {
    const stamp = `${Date.now()}`;
    await labSh(SOURCE, `mkdir -p ${ROOT}/sub && echo ${stamp} > ${ROOT}/sub/page.html`);
    const created = await onEveryPeer('new file', `grep -qx ${stamp} ${ROOT}/sub/page.html`);
    await labSh(SOURCE, `rm -r ${ROOT}/sub`);
    const deleted = await onEveryPeer('deletion', `! test -e ${ROOT}/sub`);
    console.log(`      file on both peers after ${created} ms, deletion after ${deleted} ms`);
    expect(created).to.be.below(LIMIT_MS);
  });

  it('delete: false keeps files removed on the source; lsyncd is restarted for the new config', async () => {
    const pid = await lsyncdPid();
    const r = ran(await rbRun(['run', playbook({ delete: false }), '-i', LAB_INVENTORY]));
    expect(flatChanges(r.report!).map((c) => c.kind)).to.deep.equal(['write-config', 'restart-lsyncd']);
    expect(await lsyncdPid()).to.not.equal(pid);
    await labSh(SOURCE, `echo keep > ${ROOT}/keep.txt`);
    await onEveryPeer('keep.txt', `test -e ${ROOT}/keep.txt`);
    await labSh(SOURCE, `rm ${ROOT}/keep.txt && echo marker > ${ROOT}/marker.txt`);
    // The marker is pushed after the deletion event: once it is there, the deletion had its turn.
    await onEveryPeer('marker', `test -e ${ROOT}/marker.txt`);
    await new Promise((r) => setTimeout(r, 1500));
    for (const p of PEERS) expect((await labExec(p, `test -e ${ROOT}/keep.txt`)).code, `${p} keeps keep.txt`).to.equal(0);
  });

  it('a failed later task puts the old config back and restarts lsyncd on it', async () => {
    const before = await labSh(SOURCE, `cat ${LUA}`);
    const r = ran(await rbRun(['run', playbook({ delete: true }, [{ name: 'fails', command: '/bin/false' }]), '-i', LAB_INVENTORY]), 3);
    expect(`${r.stdout}${r.stderr}`).to.match(/roll/i);
    expect(await labSh(SOURCE, `cat ${LUA}`)).to.equal(before);
    const check = ran(await rbRun(['run', playbook({ delete: false }), '-i', LAB_INVENTORY, '--check']));
    expect(flatChanges(check.report!)).to.deep.equal([]);
    await labSh(SOURCE, `echo after > ${ROOT}/after.txt`);
    await onEveryPeer('a push after the rollback', `test -e ${ROOT}/after.txt`);
  });
});
