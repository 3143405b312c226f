// LocalTransport (`ansible_connection: local`): the same contract as over ssh,
// on this machine. Become is tested by becoming a throw-away user (root may
// sudo to anyone), so it needs root.

import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { LocalTransport } from '../../core/transport/local.js';
import { connectionFromVars, openTransport } from '../../core/transport/connect.js';
import { createUser, type TestUser } from '../fixtures/transport/sshd.js';
import { skipUnlessRoot } from '../harness/lab.js';

describe('transport: local', function () {
  let work: string;
  let t: LocalTransport;

  before(() => {
    work = mkdtempSync('/tmp/rb-local-');
    t = new LocalTransport({ name: 'localhost', become: false });
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('is what openTransport gives for ansible_connection: local', async () => {
    const spec = connectionFromVars('ctl', { ansible_connection: 'local' });
    const lt = await openTransport(spec);
    expect(lt).to.be.instanceOf(LocalTransport);
    expect((await lt.exec('echo $0')).stdout).to.equal('sh\n');
  });

  it('exit code, stdout, stderr, stdin, durations and stats', async () => {
    const before = t.stats.execs;
    const r = await t.exec('echo out; echo err >&2; exit 3');
    expect(r).to.include({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(r.durationMs).to.be.above(0);
    expect((await t.exec('tr a-z A-Z', { stdin: 'hello' })).stdout).to.equal('HELLO');
    expect((await t.exec('true', { stdin: Buffer.alloc(1_000_000) })).code).to.equal(0); // stdin never read
    expect(t.stats.execs - before).to.equal(3);
  });

  it('a signal gives 128+n; a timeout gives 124 and kills the children too', async () => {
    expect((await t.exec('kill -9 $$')).code).to.equal(137);
    const started = Date.now();
    const r = await t.exec('sleep 4721 & sleep 4722; echo never', { timeoutMs: 300 });
    expect(r.code).to.equal(124);
    expect(Date.now() - started).to.be.below(1500);
    expect((await t.exec('pgrep -f "sleep 472[12]" || echo none')).stdout).to.equal('none\n');
  });

  it('put with mode, keeps an existing mode, get, missing file is null, no temp left', async () => {
    const f = join(work, 'conf');
    await t.put(f, 'one\n', 0o640);
    expect(statSync(f).mode & 0o7777).to.equal(0o640);
    chmodSync(f, 0o600);
    await t.put(f, Buffer.from('two\n'));
    expect(statSync(f).mode & 0o7777).to.equal(0o600);
    expect((await t.get(f))!.toString()).to.equal('two\n');
    expect(await t.get(join(work, 'missing'))).to.equal(null);
    expect(readdirSync(work)).to.deep.equal(['conf']);
    let msg = '';
    await t.put(join(work, 'no', 'dir'), 'x').catch((e: Error) => (msg = e.message));
    expect(msg).to.match(/^localhost: cannot write .*no\/dir: ENOENT/);
  });

  describe('become (root becomes a throw-away user)', () => {
    let u: TestUser;
    before(function () {
      skipUnlessRoot(this);
      u = createUser('nopasswd');
      chmodSync(work, 0o755); // the become user must reach work/shared
    });
    after(() => u?.remove());

    it('runs commands as the become user, only when asked', async () => {
      const lt = new LocalTransport({ name: 'localhost', become: false, becomeUser: u.name });
      expect((await lt.exec('id -un')).stdout).to.equal(`${userInfo().username}\n`);
      expect((await lt.exec('id -un', { become: true })).stdout).to.equal(`${u.name}\n`);
      expect((await lt.exec('id -un', { become: true, timeoutMs: 5000 })).stdout).to.equal(`${u.name}\n`);
    });

    it('put and get through sudo', async () => {
      const dir = join(work, 'shared');
      await t.exec(`mkdir -m 1777 ${dir}`);
      const lt = new LocalTransport({ name: 'localhost', become: true, becomeUser: u.name });
      const f = join(dir, 'owned');
      await lt.put(f, 'by user\n', 0o600);
      const st = statSync(f);
      expect([st.uid, st.mode & 0o7777]).to.deep.equal([Number((await t.exec(`id -u ${u.name}`)).stdout), 0o600]);
      expect(readFileSync(f, 'utf8')).to.equal('by user\n');
      expect((await lt.get(f))!.toString()).to.equal('by user\n');
      expect(await lt.get(join(dir, 'missing'))).to.equal(null);
      writeFileSync(join(dir, 'root-only'), 'x', { mode: 0o600 });
      let msg = '';
      await lt.get(join(dir, 'root-only')).catch((e: Error) => (msg = e.message));
      expect(msg).to.match(/cannot read .*root-only \(exit 1\): cat: .*Permission denied/);
    });
  });
});
