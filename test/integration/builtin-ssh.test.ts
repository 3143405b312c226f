// The file helpers and a module over a real sshd with become: the content of
// installFile travels on the exec's stdin, which sudo also uses for its
// password. A non-root user with a password sudo rule writes a root-owned file.

import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { hostContext } from '../../core/engine/context.js';
import { fileFacts } from '../../core/files/facts.js';
import { installFile, sha256 } from '../../core/files/write.js';
import type { HostContext } from '../../core/module.js';
import { validateFields } from '../../core/schema/validate.js';
import { SshTransport } from '../../core/transport/ssh.js';
import { modules } from '../../modules/index.js';
import { createUser, startSshd, type TestSshd, type TestUser } from '../fixtures/transport/sshd.js';

// Tests reach modules directly (not through a playbook): every one imported.
await modules.loadAll();

describe('file helpers over ssh with sudo', function () {
  this.timeout(30_000);
  let d: TestSshd;
  let user: TestUser;
  let work: string;
  let transport: SshTransport;
  let ctx: HostContext;

  before(async () => {
    d = await startSshd();
    user = createUser('password');
    work = mkdtempSync('/tmp/rb-builtin-ssh-');
    const kh = join(work, 'known_hosts');
    writeFileSync(kh, `[127.0.0.1]:${d.port} ${d.hostKeys.ed25519}\n`);
    transport = await SshTransport.connect({
      name: 'h1',
      connection: 'ssh',
      address: '127.0.0.1',
      port: d.port,
      user: user.name,
      privateKeyFile: d.clientKey,
      knownHostsFile: kh,
      hostKeyChecking: 'strict',
      become: true,
      becomePassword: user.password,
      connectTimeoutMs: 5000,
      keepaliveIntervalMs: 15000,
    });
    ctx = hostContext({ transport, vars: {}, check: false, playbookDir: work, taskDir: work, log: () => {} });
  });

  after(async () => {
    await transport?.close();
    user?.remove();
    await d?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs a root-owned 0600 file whose bytes came through stdin after the sudo password', async () => {
    const path = join(work, 'secret/authkeys');
    const content = Buffer.concat([Buffer.from('auth 1\n1 sha1 '), Buffer.from([0, 255, 10]), Buffer.alloc(300_000, 0x61)]);
    await installFile(ctx, { path, content, mode: '0600', owner: 'root', group: 'root' });
    expect(readFileSync(path).equals(content)).to.equal(true);
    const st = statSync(path);
    expect([st.uid, st.gid, st.mode & 0o7777]).to.deep.equal([0, 0, 0o600]);
    const f = await fileFacts(ctx, [path]);
    expect(f[path]).to.include({ owner: 'root', mode: '0600', sha256: sha256(content), size: content.length });
  });

  it('copy converges through the same path and the second run is a no-op', async () => {
    const def = modules.get('copy')!;
    const dest = join(work, 'etc/motd');
    const { value: p } = validateFields(def.params, { dest, content: 'managed by rb\n', mode: '0644' }, '', {}, def.rules);
    const pctx = { host: 'h1', vars: {}, taskName: 't' };
    const facts = await def.facts!(ctx, p);
    await def.apply!(ctx, p, def.plan!(p, facts, pctx), facts);
    expect(readFileSync(dest, 'utf8')).to.equal('managed by rb\n');
    expect(lstatSync(dest).uid).to.equal(0);
    const again = def.plan!(p, await def.facts!(ctx, p), pctx);
    expect(again.changes).to.deep.equal([]);
  });
});
