// The exact command lines the transport runs on hosts (sudo, file transfer,
// timeouts), the exit-status mapping and the session-slot queue.

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  readFileCommand,
  sudoCommand,
  sudoProbeCommand,
  tempBeside,
  timeoutCommand,
  writeFileCommand,
} from '../../core/transport/command-lines.js';
import { SessionSlots } from '../../core/transport/session-slots.js';
import { exitCode } from '../../core/transport/ssh2-channel.js';

describe('transport: command lines', () => {
  it('sudo without a password: -n, never waits for a prompt', () => {
    expect(sudoCommand(`sysctl -n net.ipv4.ip_forward`, { user: 'root', password: false })).to.equal(
      `sudo -n -H -u root -- sh -c 'sysctl -n net.ipv4.ip_forward'`,
    );
  });

  it('sudo with a password: read from stdin, no prompt, cached credentials ignored', () => {
    expect(sudoCommand(`echo 'it''s'`, { user: 'post gres', password: true })).to.equal(
      `sudo -S -p '' -k -H -u 'post gres' -- sh -c 'echo '\\''it'\\'''\\''s'\\'''`,
    );
  });

  it('probe, temp names, read and write lines', () => {
    expect(sudoProbeCommand('root')).to.equal('sudo -n -u root true');
    expect(tempBeside('/etc/keepalived/keepalived.conf', 'ab12')).to.equal('/etc/keepalived/.keepalived.conf.rb-ab12');
    expect(tempBeside('rel', 'x')).to.equal('.rel.rb-x');
    expect(writeFileCommand('/etc/a b', 0o640, 'x1')).to.equal(
      `umask 077 && cat > '/etc/.a b.rb-x1' && chmod 0640 '/etc/.a b.rb-x1' && mv -f '/etc/.a b.rb-x1' '/etc/a b' || { rc=$?; rm -f '/etc/.a b.rb-x1'; exit $rc; }`,
    );
    expect(writeFileCommand('/etc/f', undefined, 'x1')).to.equal(
      'umask 077 && cat > /etc/.f.rb-x1 && if [ -e /etc/f ]; then chmod --reference=/etc/f /etc/.f.rb-x1; else chmod 644 /etc/.f.rb-x1; fi && mv -f /etc/.f.rb-x1 /etc/f || { rc=$?; rm -f /etc/.f.rb-x1; exit $rc; }',
    );
    expect(readFileCommand('/etc/f')).to.equal(`if [ -e /etc/f ]; then exec cat -- /etc/f; else echo 'rb: no such file' >&2; exit 1; fi`);
    expect(timeoutCommand('sleep 9; echo x', 1500)).to.equal(`timeout -k 1 1.5 sh -c 'sleep 9; echo x'`);
    expect(timeoutCommand('true', 30000)).to.equal(`timeout -k 1 30 sh -c true`);
  });

  it('the write line really writes atomically with the mode, keeps an existing mode, and cleans up on failure', () => {
    const dir = mkdtempSync('/tmp/rb-cmdline-');
    try {
      const target = join(dir, 'conf');
      const run = (cmd: string, input: string) => execFileSync('sh', ['-c', cmd], { input, stdio: ['pipe', 'pipe', 'pipe'] });
      run(writeFileCommand(target, 0o600, 't1'), 'one\n');
      expect(readFileSync(target, 'utf8')).to.equal('one\n');
      expect(statSync(target).mode & 0o777).to.equal(0o600);
      run(writeFileCommand(target, undefined, 't2'), 'two\n');
      expect(statSync(target).mode & 0o777).to.equal(0o600);
      expect(readFileSync(target, 'utf8')).to.equal('two\n');
      writeFileSync(join(dir, 'blocker'), '');
      expect(() => run(writeFileCommand(join(dir, 'blocker', 'x'), 0o644, 't3'), 'x')).to.throw();
      expect(readdirSync(dir).sort()).to.deep.equal(['blocker', 'conf']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit status: code as is, 128+n for a signal, 255 when the server sent neither', () => {
    expect(exitCode(3, undefined)).to.equal(3);
    expect(exitCode(null, 'SIGKILL')).to.equal(137);
    expect(exitCode(null, 'SIGTERM')).to.equal(143);
    expect(exitCode(null, undefined)).to.equal(255);
  });
});

describe('transport: session slots', () => {
  it('queues past the limit and hands slots over in order', async () => {
    const slots = new SessionSlots(2);
    const order: number[] = [];
    await slots.acquire();
    await slots.acquire();
    const third = slots.acquire().then(() => order.push(3));
    const fourth = slots.acquire().then(() => order.push(4));
    expect(slots.queued).to.equal(2);
    slots.release();
    await third;
    expect(order).to.deep.equal([3]);
    slots.release();
    await fourth;
    expect(order).to.deep.equal([3, 4]);
    expect(slots.inUse).to.equal(2);
  });

  it('shrinks to what the server accepts', async () => {
    const slots = new SessionSlots(10);
    for (let i = 0; i < 4; i++) await slots.acquire();
    slots.shrink(); // the 4th was refused: the server allows 3
    slots.release();
    expect(slots.inUse).to.equal(3);
    let got = false;
    const next = slots.acquire().then(() => (got = true));
    await Promise.resolve();
    expect(got).to.equal(false);
    slots.release();
    await next;
    expect(slots.inUse).to.equal(3);
  });
});
