// Jump hosts (the sshd jumps to itself), connectionFromVars end to end, and
// the connection pool. Needs root (starts sshd).

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { ConnectError } from '../../core/errors.js';
import { ConnectionPool, connectionFromVars } from '../../core/transport/connect.js';
import { SshTransport } from '../../core/transport/ssh.js';
import type { ConnectionSpec } from '../../core/transport/types.js';
import { freePort, startSshd, type TestSshd } from '../fixtures/transport/sshd.js';
import { skipUnlessRoot } from '../harness/lab.js';

/** Established TCP connections to the sshd port, split into ours (this process) and others. */
function connections(port: number): { ours: number; all: number } {
  const lines = execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return { ours: lines.filter((l) => l.includes(`pid=${process.pid},`)).length, all: lines.length };
}

describe('transport: jump hosts and the connection pool', function () {
  let d: TestSshd;
  let home: string;
  let kh: string;
  let vars: Record<string, unknown>;

  before(async function () {
    skipUnlessRoot(this);
    d = await startSshd();
    home = mkdtempSync('/tmp/rb-jump-');
    kh = join(home, 'known_hosts');
    writeFileSync(kh, `[127.0.0.1]:${d.port} ${d.hostKeys.ed25519}\n`);
    vars = {
      ansible_host: '127.0.0.1',
      ansible_port: d.port,
      ansible_user: 'root',
      ansible_ssh_private_key_file: d.clientKey,
      ansible_ssh_common_args: `-o UserKnownHostsFile=${kh}`,
    };
  });

  after(async () => {
    await d?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('connectionFromVars → SshTransport: key, port, known_hosts from the inventory', async () => {
    const spec = connectionFromVars('web1', vars, { home });
    const t = await SshTransport.connect(spec);
    try {
      expect((await t.exec('echo $SSH_CONNECTION')).stdout).to.match(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${d.port}\\n$`));
    } finally {
      await t.close();
    }
  });

  it('ProxyJump: through the jump host to the target, checking both host keys', async () => {
    const spec = connectionFromVars('web1', { ...vars, ansible_ssh_common_args: `-o UserKnownHostsFile=${kh} -o ProxyJump=root@127.0.0.1:${d.port}` }, { home });
    expect(spec.proxyJump).to.have.length(1);
    const before = connections(d.port);
    const t = await SshTransport.connect(spec);
    try {
      const r = await t.exec('echo $SSH_CONNECTION; id -un');
      expect(r.stdout).to.match(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\nroot\n$/);
      // one TCP connection from rb (to the jump), one from the jump's sshd to the target
      const now = connections(d.port);
      expect(now.ours - before.ours).to.equal(1);
      expect(now.all - before.all).to.equal(2);
      await t.put(join(home, 'via-jump'), 'j\n', 0o600);
      expect((await t.get(join(home, 'via-jump')))!.toString()).to.equal('j\n');
    } finally {
      await t.close();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(connections(d.port).ours).to.equal(before.ours);
  });

  it('a jump host that cannot be reached is named in the error', async () => {
    const dead = await freePort();
    const spec = connectionFromVars('web1', { ...vars, ansible_ssh_common_args: `-o UserKnownHostsFile=${kh} -J root@127.0.0.1:${dead}` }, { home });
    const err = await SshTransport.connect(spec).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConnectError);
    expect((err as Error).message).to.equal(`web1: jump host root@127.0.0.1:${dead}: connection refused (127.0.0.1:${dead})`);
  });

  it('a target the jump host cannot reach is named in the error', async () => {
    const dead = await freePort();
    const spec: ConnectionSpec = {
      ...connectionFromVars('web1', { ...vars, ansible_port: dead }, { home }),
      proxyJump: [{ address: '127.0.0.1', port: d.port, user: 'root', identityFiles: [d.clientKey] }],
    };
    const err = await SshTransport.connect(spec).catch((e: Error) => e);
    expect((err as Error).message).to.match(new RegExp(`^web1: jump host 127\\.0\\.0\\.1 cannot reach 127\\.0\\.0\\.1:${dead}: `));
  });

  it('a server allowing fewer sessions than rb assumes: rb adapts instead of failing', async () => {
    const small = await startSshd(['MaxSessions 3']);
    try {
      const spec = connectionFromVars(
        'small',
        { ...vars, ansible_port: small.port, ansible_ssh_private_key_file: small.clientKey },
        { home, hostKeyChecking: 'off' },
      );
      const t = await SshTransport.connect(spec);
      try {
        await t.put(join(home, 'small'), 'x'); // the sftp session holds one of the 3 for good
        const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => t.exec(`sleep 0.2; echo ${i}`)));
        expect(rs.map((r) => r.stdout)).to.deep.equal(Array.from({ length: 8 }, (_, i) => `${i}\n`));
      } finally {
        await t.close();
      }
    } finally {
      await small.stop();
    }
  });

  describe('ConnectionPool', () => {
    it('one transport per host; concurrent callers share the pending connect', async () => {
      const pool = new ConnectionPool({ maxSessionsPerHost: 4 });
      const spec = connectionFromVars('web1', vars, { home });
      const before = connections(d.port).ours;
      const [a, b] = await Promise.all([pool.get(spec), pool.get(spec)]);
      expect(a).to.equal(b);
      expect(await pool.get(spec)).to.equal(a);
      const other = await pool.get(connectionFromVars('web2', vars, { home }));
      expect(other).not.to.equal(a);
      expect(connections(d.port).ours - before).to.equal(2);
      // 8 execs with 4 sessions allowed: two waves
      const started = Date.now();
      await Promise.all(Array.from({ length: 8 }, () => a.exec('sleep 0.4')));
      expect(Date.now() - started).to.be.above(790);
      await pool.closeAll();
      await new Promise((r) => setTimeout(r, 200));
      expect(connections(d.port).ours).to.equal(before);
    });

    it('a lost connection is replaced on the next get; a failed connect is retried', async () => {
      const pool = new ConnectionPool();
      const spec = connectionFromVars('web1', vars, { home });
      const a = await pool.get(spec);
      await a.exec('kill -9 $PPID').catch(() => undefined);
      const b = await pool.get(spec);
      expect(b).not.to.equal(a);
      expect((await b.exec('echo back')).stdout).to.equal('back\n');
      // nothing listens on the port at first; then a forwarder to sshd does
      const port = await freePort();
      const late = connectionFromVars('web9', { ...vars, ansible_port: port }, { home, hostKeyChecking: 'off' });
      const err = await pool.get(late).catch((e: Error) => e);
      expect((err as Error).message).to.equal(`web9: connection refused (127.0.0.1:${port})`);
      const fwd = createServer((c) => c.pipe(connect(d.port, '127.0.0.1')).pipe(c));
      await new Promise<void>((r) => fwd.listen(port, '127.0.0.1', r));
      try {
        expect((await (await pool.get(late)).exec('echo retried')).stdout).to.equal('retried\n');
      } finally {
        await pool.closeAll();
        fwd.close();
      }
    });
  });
});
