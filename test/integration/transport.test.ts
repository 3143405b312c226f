// SshTransport against a real sshd on a loopback port: host-key policies,
// connect errors, exec semantics, sftp put/get, become with and without a
// sudo password. Needs root (starts sshd, creates users).

import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { ConnectError } from '../../core/errors.js';
import { SshTransport } from '../../core/transport/ssh.js';
import type { ConnectionSpec } from '../../core/transport/types.js';
import { createUser, freePort, keygen, startSshd, type TestSshd, type TestUser } from '../fixtures/transport/sshd.js';
import { skipUnlessRoot } from '../harness/lab.js';

const otherKey = readFileSync(join(import.meta.dirname, '../fixtures/transport/keys/other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');

async function connectError(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(ConnectError);
    return err as ConnectError;
  }
  throw new Error('expected a ConnectError');
}

describe('transport: ssh against a real sshd', function () {
  let d: TestSshd;
  let np: TestUser;
  let pw: TestUser;
  let work: string;
  const open: SshTransport[] = [];

  before(async function () {
    skipUnlessRoot(this);
    d = await startSshd();
    np = createUser('nopasswd');
    pw = createUser('password');
    work = mkdtempSync('/tmp/rb-transport-');
  });

  after(async () => {
    await Promise.all(open.map((t) => t.close()));
    np?.remove();
    pw?.remove();
    await d?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function knownHosts(name: string, lines: string[]): string {
    const f = join(work, name);
    writeFileSync(f, lines.map((l) => `${l}\n`).join(''));
    return f;
  }

  function spec(over: Partial<ConnectionSpec> = {}): ConnectionSpec {
    return {
      name: 'h1',
      connection: 'ssh',
      address: '127.0.0.1',
      port: d.port,
      user: 'root',
      privateKeyFile: d.clientKey,
      knownHostsFile: knownHosts('kh-default', [`[127.0.0.1]:${d.port} ${d.hostKeys.ed25519}`]),
      hostKeyChecking: 'strict',
      become: false,
      connectTimeoutMs: 5000,
      keepaliveIntervalMs: 15000,
      ...over,
    };
  }

  async function connect(s: ConnectionSpec): Promise<SshTransport> {
    const t = await SshTransport.connect(s);
    open.push(t);
    return t;
  }

  describe('host keys', () => {
    for (const type of ['ed25519', 'ecdsa', 'rsa'] as const) {
      it(`strict: accepts the server's ${type} key when only that one is known`, async () => {
        const kh = knownHosts(`kh-${type}`, [`[127.0.0.1]:${d.port} ${d.hostKeys[type]}`]);
        const t = await connect(spec({ knownHostsFile: kh }));
        expect((await t.exec('echo ok')).stdout).to.equal('ok\n');
      });
    }

    it('strict: accepts a hashed entry written by ssh-keygen -H', async () => {
      const kh = knownHosts('kh-hashed', [`[127.0.0.1]:${d.port} ${d.hostKeys.ed25519}`]);
      execFileSync('ssh-keygen', ['-q', '-H', '-f', kh], { stdio: 'ignore' });
      expect(readFileSync(kh, 'utf8')).to.match(/^\|1\|/);
      const t = await connect(spec({ knownHostsFile: kh }));
      expect((await t.exec('echo ok')).code).to.equal(0);
    });

    it('strict: a different key is refused as a mismatch naming host, file and fingerprints', async () => {
      const kh = knownHosts('kh-wrong', [`[127.0.0.1]:${d.port} ${otherKey}`]);
      const err = await connectError(SshTransport.connect(spec({ knownHostsFile: kh })));
      expect(err.message).to.match(new RegExp(`^h1: HOST KEY MISMATCH for \\[127\\.0\\.0\\.1\\]:${d.port}: server sent ssh-ed25519 SHA256:\\S+, ${kh}:1 has SHA256:`));
    });

    it('strict: an unknown host is refused naming the files checked', async () => {
      const kh = knownHosts('kh-empty', []);
      const err = await connectError(SshTransport.connect(spec({ knownHostsFile: kh, extraKnownHostsFiles: ['/nonexistent/global'] })));
      expect(err.message).to.contain(`host key of [127.0.0.1]:${d.port} is not known`);
      expect(err.message).to.contain(`checked ${kh}, /nonexistent/global`);
      expect(readFileSync(kh, 'utf8')).to.equal('');
    });

    it('strict: a @revoked key is refused', async () => {
      const kh = knownHosts('kh-revoked', [`@revoked [127.0.0.1]:${d.port} ${d.hostKeys.ed25519}`, `[127.0.0.1]:${d.port} ${d.hostKeys.ed25519}`]);
      const err = await connectError(SshTransport.connect(spec({ knownHostsFile: kh })));
      expect(err.message).to.match(/REVOKED/);
    });

    it('accept-new: appends an unknown key, then strict accepts it; a mismatch is still refused', async () => {
      const kh = knownHosts('kh-new', ['# kept']);
      await connect(spec({ knownHostsFile: kh, hostKeyChecking: 'accept-new' }));
      expect(readFileSync(kh, 'utf8')).to.equal(`# kept\n[127.0.0.1]:${d.port} ${d.hostKeys.ed25519}\n`);
      await connect(spec({ knownHostsFile: kh }));
      const wrong = knownHosts('kh-new-wrong', [`[127.0.0.1]:${d.port} ${otherKey}`]);
      const err = await connectError(SshTransport.connect(spec({ knownHostsFile: wrong, hostKeyChecking: 'accept-new' })));
      expect(err.message).to.contain('HOST KEY MISMATCH');
      expect(readFileSync(wrong, 'utf8').split('\n').filter(Boolean)).to.have.length(1);
    });

    it('off: connects without any known_hosts file', async () => {
      const t = await connect(spec({ knownHostsFile: join(work, 'absent'), hostKeyChecking: 'off' }));
      expect((await t.exec('true')).code).to.equal(0);
    });
  });

  describe('connect errors', () => {
    it('refused', async () => {
      const port = await freePort();
      const err = await connectError(SshTransport.connect(spec({ port })));
      expect(err.message).to.equal(`h1: connection refused (127.0.0.1:${port})`);
    });

    it('timeout: a server that never speaks', async () => {
      const silent: Server = createServer(() => undefined);
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const port = (silent.address() as { port: number }).port;
      const started = Date.now();
      try {
        const err = await connectError(SshTransport.connect(spec({ port, connectTimeoutMs: 500 })));
        expect(err.message).to.equal(`h1: timed out after 0.5 s in the ssh handshake with root@127.0.0.1:${port}`);
        expect(Date.now() - started).to.be.below(2000);
      } finally {
        silent.close();
      }
    });

    it('authentication failure names what was tried and what the server accepts', async () => {
      const stranger = join(work, 'stranger');
      keygen(stranger, 'ed25519');
      const err = await connectError(SshTransport.connect(spec({ privateKeyFile: stranger })));
      expect(err.message).to.equal(`h1: authentication failed as root (tried key ${stranger}; server accepts publickey, password)`);
    });

    it('password authentication', async () => {
      const t = await connect(spec({ user: pw.name, privateKeyFile: undefined, password: pw.password }));
      expect((await t.exec('id -un')).stdout).to.equal(`${pw.name}\n`);
      const err = await connectError(SshTransport.connect(spec({ user: pw.name, privateKeyFile: undefined, password: 'wrong' })));
      expect(err.message).to.contain('(tried password;');
      expect(err.message).not.to.contain('wrong');
    });
  });

  describe('ssh-agent and keepalive', () => {
    let agent: ChildProcess | undefined;
    after(() => {
      agent?.kill();
    });

    it('authenticates with a key held by ssh-agent; an empty agent is reported as tried', async () => {
      const sock = join(work, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      const empty = await connectError(SshTransport.connect(spec({ privateKeyFile: undefined, agentSocket: sock })));
      expect(empty.message).to.equal('h1: authentication failed as root (tried agent)');
      execFileSync('ssh-add', ['-q', d.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const t = await connect(spec({ privateKeyFile: undefined, agentSocket: sock }));
      expect((await t.exec('echo agent')).stdout).to.equal('agent\n');
    });

    it('a server that stops answering is declared lost after the keepalives', async () => {
      const t = await connect(spec({ keepaliveIntervalMs: 200 }));
      // the sshd process serving this connection (the shell's parent) is a child of the test's sshd
      const pid = Number((await t.exec('echo $PPID')).stdout);
      process.kill(pid, 'SIGSTOP');
      try {
        const started = Date.now();
        const err = await connectError(t.exec('true'));
        expect(err.message).to.match(/^h1: connection to 127\.0\.0\.1:\d+ lost: no answer to keepalives$/);
        expect(Date.now() - started).to.be.within(400, 3000);
      } finally {
        process.kill(pid, 'SIGKILL');
      }
    });
  });

  describe('exec', () => {
    let t: SshTransport;
    before(async () => {
      t = await connect(spec());
    });

    it('exit code, stdout, stderr, stdin', async () => {
      expect(await t.exec('echo out; echo err >&2; exit 3')).to.include({ code: 3, stdout: 'out\n', stderr: 'err\n' });
      expect((await t.exec('tr a-z A-Z', { stdin: 'hello' })).stdout).to.equal('HELLO');
      const big = Buffer.alloc(300_000, 'x');
      expect((await t.exec('wc -c', { stdin: big })).stdout.trim()).to.equal('300000');
    });

    it('a command killed by a signal gives 128+n', async () => {
      expect((await t.exec('kill -9 $$')).code).to.equal(137);
      expect((await t.exec('kill -TERM $$')).code).to.equal(143);
    });

    it('timeout: 124, and the command and its children are gone', async () => {
      const started = Date.now();
      const r = await t.exec('sleep 4711 & sleep 4712; echo never', { timeoutMs: 300 });
      expect(r.code).to.equal(124);
      expect(r.stdout).to.equal('');
      expect(Date.now() - started).to.be.below(2500);
      await new Promise((res) => setTimeout(res, 1500));
      expect((await t.exec('pgrep -f "sleep 471[12]" || echo none')).stdout).to.equal('none\n');
    });

    it('20 concurrent execs share one connection, queued under MaxSessions', async () => {
      const ours = () =>
        execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${d.port} )`], { encoding: 'utf8' })
          .split('\n')
          .filter((l) => l.includes(`pid=${process.pid},`)).length;
      const tcpBefore = ours();
      const before = t.stats.execs;
      const started = Date.now();
      const running = Promise.all(Array.from({ length: 20 }, (_, i) => t.exec(`sleep 0.3; echo ${i}`)));
      await new Promise((r) => setTimeout(r, 150));
      const tcpDuring = ours();
      const rs = await running;
      expect(rs.map((r) => r.stdout)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `${i}\n`));
      expect(t.stats.execs - before).to.equal(20);
      expect(tcpDuring).to.equal(tcpBefore);
      expect(Date.now() - started).to.be.above(600); // two waves of 10 sessions
    });

    it('a lost connection is a ConnectError, for the running exec and the next ones', async () => {
      const t2 = await connect(spec());
      const err = await connectError(t2.exec('kill -9 $PPID; sleep 5'));
      expect(err.message).to.match(/^h1: connection to 127\.0\.0\.1:\d+ lost/);
      await connectError(t2.exec('true'));
      expect(t2.closed).to.equal(true);
    });
  });

  describe('put and get (sftp)', () => {
    let t: SshTransport;
    before(async () => {
      t = await connect(spec());
    });

    it('writes atomically with the mode, reads back, leaves no temp file', async () => {
      const f = join(work, 'files', 'conf');
      execFileSync('mkdir', ['-p', join(work, 'files')]);
      await t.put(f, 'one\n', 0o640);
      expect(statSync(f).mode & 0o7777).to.equal(0o640);
      expect((await t.get(f))!.toString()).to.equal('one\n');
      chmodSync(f, 0o600);
      await t.put(f, 'two\n');
      expect(statSync(f).mode & 0o7777).to.equal(0o600);
      expect(readFileSync(f, 'utf8')).to.equal('two\n');
      expect(readdirSync(join(work, 'files'))).to.deep.equal(['conf']);
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await t.put(join(work, 'files', 'bin'), bytes, 0o600);
      expect((await t.get(join(work, 'files', 'bin')))!.equals(bytes)).to.equal(true);
    });

    it('get of a missing file is null; a write into a missing folder fails clearly', async () => {
      expect(await t.get(join(work, 'nope'))).to.equal(null);
      let msg = '';
      await t.put(join(work, 'no-dir', 'x'), 'x').catch((e: Error) => (msg = e.message));
      expect(msg).to.match(new RegExp(`^h1: cannot write ${work}/no-dir/x: sftp create`));
    });
  });

  describe('become', () => {
    it('runs as the login user, and as root with become (NOPASSWD rule)', async () => {
      const t = await connect(spec({ user: np.name }));
      expect((await t.exec('id -un')).stdout).to.equal(`${np.name}\n`);
      expect((await t.exec('id -un', { become: true })).stdout).to.equal('root\n');
      expect((await t.exec('id -un', { become: true, timeoutMs: 5000 })).stdout).to.equal('root\n');
    });

    it('put and get through sudo into /root', async () => {
      const t = await connect(spec({ user: np.name, become: true }));
      const f = `/root/rb-transport-${process.pid}`;
      try {
        await t.put(f, 'secret\n', 0o600);
        const st = statSync(f);
        expect([st.uid, st.mode & 0o7777]).to.deep.equal([0, 0o600]);
        expect((await t.get(f))!.toString()).to.equal('secret\n');
        expect(await t.get(`${f}.missing`)).to.equal(null);
        expect((await t.exec(`ls -a /root | grep -c '^\\.rb-transport' || true`)).stdout).to.equal('0\n');
      } finally {
        rmSync(f, { force: true });
      }
    });

    it('without become the same file is out of reach', async () => {
      const t = await connect(spec({ user: np.name }));
      let msg = '';
      await t.get('/root/.bashrc').catch((e: Error) => (msg = e.message));
      expect(msg).to.match(/^h1: cannot read \/root\/\.bashrc: .*[Pp]ermission denied/);
    });

    it('a password-protected rule gets the password on stdin, the command only its own stdin', async () => {
      const t = await connect(spec({ user: pw.name, become: true, becomePassword: pw.password }));
      expect((await t.exec('id -un')).stdout).to.equal('root\n');
      const r = await t.exec('cat', { stdin: 'payload' });
      expect(r).to.include({ code: 0, stdout: 'payload' });
      expect(r.stderr).not.to.contain(pw.password);
    });

    it('a NOPASSWD rule with a password given: the password never reaches the command', async () => {
      const t = await connect(spec({ user: np.name, become: true, becomePassword: 'unused-secret' }));
      const r = await t.exec('cat', { stdin: 'only this' });
      expect(r).to.include({ code: 0, stdout: 'only this' });
    });

    it('a wrong password fails the command, not the connection', async () => {
      const t = await connect(spec({ user: pw.name, become: true, becomePassword: 'wrong' }));
      const r = await t.exec('echo ran');
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(/incorrect password/);
      expect((await t.exec('id -un', { become: false })).stdout).to.equal(`${pw.name}\n`);
    });
  });
});
