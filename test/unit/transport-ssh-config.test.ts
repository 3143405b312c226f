// ~/.ssh/config resolution compared with what the real `ssh -G` resolves from
// the same file, plus host patterns, ProxyJump and ssh command-line flags.

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { globMatch, patternListMatch } from '../../core/transport/host-patterns.js';
import { shellWords, parseSshArgs } from '../../core/transport/ssh-args.js';
import { loadSshConfig, parseSshConfigText, resolveSshConfig } from '../../core/transport/ssh-config.js';
import { emptyOptions, expandPath, parseProxyJump } from '../../core/transport/ssh-options.js';

const dir = join(import.meta.dirname, '../fixtures/transport');
const lines = parseSshConfigText(readFileSync(join(dir, 'ssh_config'), 'utf8'), 'ssh_config');
const ctx = (host: string) => ({ home: '/root', localUser: 'root', host, user: 'root', port: 22 });

function sshG(host: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of readFileSync(join(dir, `ssh-G.${host}.txt`), 'utf8').trim().split('\n')) {
    const [k, ...rest] = l.split(' ');
    m.set(k, [...(m.get(k) ?? []), rest.join(' ')]);
  }
  return m;
}

describe('transport: ssh config', () => {
  for (const host of ['web1', 'web1.example', 'x.lab', 'bad.lab', 'bastion.lab', 'db1', 'db12', 'other']) {
    it(`resolves ${host} as ssh -G does`, () => {
      const o = resolveSshConfig(lines, host);
      const g = sshG(host);
      expect(o.hostName ?? host, 'hostname').to.equal(g.get('hostname')![0]);
      expect(o.user, 'user').to.equal(g.get('user')![0]);
      expect(String(o.port ?? 22), 'port').to.equal(g.get('port')![0]);
      expect(o.identityFiles, 'identityfile').to.deep.equal(g.get('identityfile'));
      expect(o.proxyJump, 'proxyjump').to.equal(g.get('proxyjump')?.[0]);
      const known = o.userKnownHostsFiles!.map((f) => expandPath(f, ctx(host)));
      expect(known.join(' '), 'userknownhostsfile').to.equal(g.get('userknownhostsfile')![0]);
      const strict = g.get('stricthostkeychecking')![0];
      expect(o.strictHostKeyChecking ?? 'ask', 'stricthostkeychecking').to.equal(strict === 'accept-new' ? 'accept-new' : 'ask');
      expect(String(o.connectTimeoutS ?? 'none'), 'connecttimeout').to.equal(g.get('connecttimeout')![0]);
      expect(String(o.serverAliveIntervalS), 'serveraliveinterval').to.equal(g.get('serveraliveinterval')![0]);
    });
  }

  it('expands ~, %d, %h, %r, %p, %u and %% in paths', () => {
    const c = { home: '/home/a', localUser: 'a', host: 'db1', user: 'dba', port: 2201 };
    expect(expandPath('~/.ssh/k', c)).to.equal('/home/a/.ssh/k');
    expect(expandPath('/etc/rb keys/%r@%h:%p-%u-%d-%%', c)).to.equal('/etc/rb keys/dba@db1:2201-a-/home/a-%');
  });

  it('reads Include files in place (relative to ~/.ssh, with a glob)', () => {
    const home = mkdtempSync('/tmp/rb-sshcfg-');
    const ssh = join(home, '.ssh');
    mkdirSync(join(ssh, 'conf.d'), { recursive: true });
    writeFileSync(join(ssh, 'config'), 'Host a\n  Include conf.d/*.conf\nHost *\n  User last\n');
    writeFileSync(join(ssh, 'conf.d', '1.conf'), 'HostName 10.0.0.1\n');
    writeFileSync(join(ssh, 'conf.d', '2.conf'), 'HostName 10.0.0.2\nPort 2022\n');
    const l = loadSshConfig(join(ssh, 'config'), home);
    expect(resolveSshConfig(l, 'a')).to.include({ hostName: '10.0.0.1', port: 2022, user: 'last' });
    expect(resolveSshConfig(l, 'b').hostName).to.equal(undefined);
    expect(loadSshConfig(join(home, 'missing'), home)).to.deep.equal([]);
    rmSync(home, { recursive: true, force: true });
  });

  it('rejects bad values with file and line', () => {
    const bad = parseSshConfigText('Host x\n  Port 99999\n', '/home/a/.ssh/config');
    expect(() => resolveSshConfig(bad, 'x')).to.throw('/home/a/.ssh/config:2:1: Port: expected an integer 1-65535, got "99999"');
    expect(() => parseSshConfigText('Host x\n  User "unclosed\n', 'cfg')).to.throw('cfg:2:1: unbalanced quote');
    const strict = parseSshConfigText('StrictHostKeyChecking maybe\n', 'cfg');
    expect(() => resolveSshConfig(strict, 'x')).to.throw('cfg:1:1: StrictHostKeyChecking: expected yes, accept-new or no, got "maybe"');
  });

  it('matches host patterns like OpenSSH', () => {
    expect(globMatch('web01.lab', 'web??.lab')).to.equal(true);
    expect(globMatch('web1.lab', 'web??.lab')).to.equal(false);
    expect(globMatch('WEB1', 'web*')).to.equal(true);
    expect(globMatch('a.b.c', '*.c')).to.equal(true);
    expect(globMatch('abc', 'a*b*c*')).to.equal(true);
    expect(patternListMatch('bad.lab', ['*.lab', '!bad.lab'])).to.equal(false);
    expect(patternListMatch('bad.lab', ['!bad.lab'])).to.equal(false);
    expect(patternListMatch('ok.lab', ['!bad.lab'])).to.equal(false); // a negation alone matches nothing
  });

  it('parses ProxyJump hops', () => {
    const loc = { file: 'v', line: 1, col: 1 };
    expect(parseProxyJump('jump@bastion:2200,ssh://b2,[::1]:22', loc)).to.deep.equal([
      { host: 'bastion', user: 'jump', port: 2200 },
      { host: 'b2' },
      { host: '::1', port: 22 },
    ]);
    expect(parseProxyJump('none', loc)).to.deep.equal([]);
    expect(() => parseProxyJump('a@b@c:x', loc)).to.throw('v:1:1: ProxyJump: cannot read "a@b@c:x"');
  });

  describe('ssh flags (ansible_ssh_common_args)', () => {
    it('splits words like a shell', () => {
      const loc = { file: 'v', line: 1, col: 1 };
      expect(shellWords(`-o 'A B' -o"C=D E" x\\ y "q\\"z"`, loc)).to.deep.equal(['-o', 'A B', '-oC=D E', 'x y', 'q"z']);
      expect(() => shellWords(`-o 'open`, loc)).to.throw('unterminated single quote');
    });

    it('reads -o, -J, -i, -p, -l, -F and skips the flags rb does not use', () => {
      const args = parseSshArgs(
        `-qT -C -o StrictHostKeyChecking=accept-new -o "UserKnownHostsFile=/a b" -oPort=2200 -J j@h:22 -i /k -l u -F /cfg -c aes128-ctr -o User=ignored`,
        'web1.ansible_ssh_common_args',
        { options: emptyOptions() },
      );
      expect(args.configFile).to.equal('/cfg');
      expect(args.options).to.deep.equal({
        identityFiles: ['/k'],
        strictHostKeyChecking: 'accept-new',
        userKnownHostsFiles: ['/a', 'b'],
        port: 2200,
        proxyJump: 'j@h:22',
        user: 'u',
      });
    });

    it('names the variable in errors', () => {
      expect(() => parseSshArgs('-o Port=x', 'web1.ansible_ssh_common_args', { options: emptyOptions() })).to.throw(
        'web1.ansible_ssh_common_args:1:1: Port: expected an integer 1-65535, got "x"',
      );
      expect(() => parseSshArgs('bastion', 'w.ansible_ssh_common_args', { options: emptyOptions() })).to.throw('unexpected argument "bastion"');
    });
  });
});
