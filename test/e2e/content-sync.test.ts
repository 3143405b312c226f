// playbooks/content-sync.yml end to end on lab hosts (seed 000's content
// sync): rb14 is rl1, rb15 a web peer, rb16 the backup host. Proves the
// service: a file created on the source appears on every peer, an edit and a
// deletion follow, a host that is not rl1 is refused by the daemons, a second
// run changes nothing, a hand change of a peer's rsyncd.conf is drift.

import { expect } from 'chai';
import { converge, flatChanges } from '../harness/converge.js';
import { labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

const PLAYBOOK = 'playbooks/content-sync.yml';
const INVENTORY = 'inventory/lab/content-sync';
const SOURCE = 'rb14';
/** Each receiving host and where the pushed web root lands there. */
const RECEIVERS: Record<string, string> = { rb15: '/var/www/html', rb16: '/backup' };
const LIMIT_MS = 10_000;

async function onEveryReceiver(what: string, probe: (root: string) => string): Promise<number> {
  let t0 = Date.now();
  before(() => { t0 = Date.now(); });
  for (;;) {
    const ok = await Promise.all(Object.entries(RECEIVERS).map(async ([h, root]) => (await labExec(h, probe(root))).code === 0));
    if (ok.every(Boolean)) return Date.now() - t0;
    if (Date.now() - t0 > LIMIT_MS) throw new Error(`${what}: not on ${Object.keys(RECEIVERS).filter((_, i) => !ok[i]).join(', ')} within ${LIMIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('playbooks/content-sync.yml on lab hosts', function () {
  this.timeout(600_000);
  useLab(16);

  before(async function () {
    this.timeout(180_000);
    await resetHosts([SOURCE, ...Object.keys(RECEIVERS)]);
  });

  it('converges: --check predicts the first run, a second run changes nothing, a hand edit of a peer is drift', async () => {
    const r = await converge({
      playbook: PLAYBOOK,
      inventory: INVENTORY,
      tamper: { host: 'rb15', cmd: "sed -i 's/^max connections = 5$/max connections = 50/' /etc/rsyncd.conf" },
    });
    const byHost = (h: string) => r.changes.filter((c) => c.host === h).map((c) => c.kind);
    expect(byHost('rb15')).to.deep.equal(['create-config', 'set-option', 'set-option', 'set-option', 'set-option', 'set-option', 'set-option', 'set-option', 'set-option', 'set-option', 'add-module', 'create-path', 'set-boot', 'start-rsyncd']);
    expect(byHost('rb16')).to.include.members(['add-module', 'create-path', 'start-rsyncd']);
    expect(r.changes.filter((c) => c.host === SOURCE && c.module === 'sersync').map((c) => [c.kind, c.after])).to.deep.equal([
      ['create-config', '/var/www/html → 198.18.0.25::html, 198.18.0.26::backup'],
      ['start-lsyncd', 'running'],
    ]);
    expect(r.drift!.changes.map((c) => [c.host, c.kind, c.field, c.before, c.after])).to.deep.equal([['rb15', 'set-option', 'max connections', '50', '5']]);
    const repair = await rbRun(['run', PLAYBOOK, '-i', INVENTORY]);
    expect(repair.code, repair.stdout).to.equal(0);
    expect(flatChanges(repair.report!).map((c) => [c.host, c.field])).to.deep.equal([['rb15', 'max connections']]);
  });

  it('a file created on the source appears on every peer; an edit and a deletion follow', async () => {
    await labSh(SOURCE, 'echo "<h1>rl1</h1>" > /var/www/html/index.html');
    const created = await onEveryReceiver('index.html', (root) => `grep -q rl1 ${root}/index.html`);
    await labSh(SOURCE, 'echo "<h1>rl1 v2</h1>" > /var/www/html/index.html');
    const edited = await onEveryReceiver('the edit', (root) => `grep -q 'rl1 v2' ${root}/index.html`);
    await labSh(SOURCE, 'rm /var/www/html/index.html');
    const deleted = await onEveryReceiver('the deletion', (root) => `! test -e ${root}/index.html`);
    console.log(`      on every peer after ${created} ms; edit ${edited} ms; deletion ${deleted} ms`);
  });

  it('the daemons take pushes from rl1 only', async () => {
    const r = await labExec('rb16', 'echo x > /tmp/x && rsync /tmp/x rsync://198.18.0.25/html/');
    expect(r.code).to.equal(5);
    expect(r.stderr).to.include('@ERROR: access denied to html from rb16 (198.18.0.26)');
  });
});
