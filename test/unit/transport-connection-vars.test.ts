// connectionFromVars: which source wins for each setting (host vars, CLI
// defaults, ssh flags, ~/.ssh/config), and the errors for bad values.

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { connectionFromVars } from '../../core/transport/connect.js';

describe('transport: connectionFromVars', () => {
  let home: string;
  let savedAgent: string | undefined;

  before(() => {
    home = mkdtempSync('/tmp/rb-home-');
    mkdirSync(join(home, '.ssh'));
    writeFileSync(
      join(home, '.ssh', 'config'),
      [
        'Host web1',
        '  HostName 10.1.1.1',
        '  User cfguser',
        '  Port 2022',
        '  IdentityFile ~/.ssh/web1_key',
        '  StrictHostKeyChecking no',
        '  ConnectTimeout 3',
        '  ServerAliveInterval 5',
        'Host bastion',
        '  HostName 10.9.9.9',
        '  User jumper',
        '  IdentityFile ~/.ssh/bastion_key',
        'Host solo',
        '  IdentitiesOnly yes',
        'Host legacy',
        '  ProxyCommand ssh -W %h:%p gw',
        '',
      ].join('\n'),
    );
    savedAgent = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = '/run/agent.sock';
  });

  after(() => {
    rmSync(home, { recursive: true, force: true });
    if (savedAgent === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = savedAgent;
  });

  it('defaults: address = inventory name, port 22, local user, strict, 10 s, 15 s keepalive, default keys', () => {
    const s = connectionFromVars('db1', {}, { home });
    expect(s).to.deep.equal({
      name: 'db1',
      connection: 'ssh',
      address: 'db1',
      port: 22,
      user: userInfo().username,
      knownHostsFile: join(home, '.ssh/known_hosts'),
      extraKnownHostsFiles: [join(home, '.ssh/known_hosts2'), '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      hostKeyChecking: 'strict',
      become: false,
      connectTimeoutMs: 10000,
      keepaliveIntervalMs: 15000,
      identityFiles: ['id_rsa', 'id_ecdsa', 'id_ed25519'].map((k) => join(home, '.ssh', k)),
      agentSocket: '/run/agent.sock',
    });
  });

  it('ssh config applies underneath, matched on ansible_host', () => {
    const s = connectionFromVars('frontend', { ansible_host: 'web1' }, { home });
    expect(s).to.include({ address: '10.1.1.1', user: 'cfguser', port: 2022, hostKeyChecking: 'off', connectTimeoutMs: 3000, keepaliveIntervalMs: 5000 });
    expect(s.identityFiles).to.deep.equal([join(home, '.ssh/web1_key')]);
  });

  it('host vars beat ssh config; an explicit key drops the default keys', () => {
    const s = connectionFromVars('web1', { ansible_user: 'ops', ansible_port: '2200', ansible_ssh_private_key_file: '~/.ssh/ops' }, { home });
    expect(s).to.include({ address: '10.1.1.1', user: 'ops', port: 2200, privateKeyFile: join(home, '.ssh/ops') });
    expect(s.identityFiles).to.deep.equal([join(home, '.ssh/web1_key')]);
    expect(connectionFromVars('db1', { ansible_ssh_private_key_file: '/k' }, { home }).identityFiles).to.deep.equal([]);
  });

  it('ssh flags beat ssh config, host vars beat flags', () => {
    const vars = { ansible_ssh_common_args: '-o Port=2300 -o User=flaguser -o StrictHostKeyChecking=accept-new "-o UserKnownHostsFile=/kh1 /kh2"' };
    expect(connectionFromVars('web1', vars, { home })).to.include({
      port: 2300,
      user: 'flaguser',
      hostKeyChecking: 'accept-new',
      knownHostsFile: '/kh1',
    });
    expect(connectionFromVars('web1', vars, { home }).extraKnownHostsFiles).to.deep.equal(['/kh2', '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
    expect(connectionFromVars('web1', { ...vars, ansible_port: 2400, ansible_user: 'v' }, { home })).to.include({ port: 2400, user: 'v' });
  });

  it('CLI defaults: --host-key-checking beats everything, --user and --timeout sit below host vars', () => {
    const vars = { ansible_ssh_common_args: '-o StrictHostKeyChecking=yes' };
    expect(connectionFromVars('web1', vars, { home, hostKeyChecking: 'off' }).hostKeyChecking).to.equal('off');
    expect(connectionFromVars('web1', {}, { home, user: 'cli' }).user).to.equal('cli');
    expect(connectionFromVars('web1', { ansible_user: 'v' }, { home, user: 'cli' }).user).to.equal('v');
    expect(connectionFromVars('web1', {}, { home, timeoutMs: 7000 }).connectTimeoutMs).to.equal(7000);
    expect(connectionFromVars('web1', { ansible_ssh_timeout: 2 }, { home, timeoutMs: 7000 }).connectTimeoutMs).to.equal(2000);
  });

  it('ansible_host_key_checking: false turns checking off unless a flag says otherwise', () => {
    expect(connectionFromVars('db1', { ansible_host_key_checking: false }, { home }).hostKeyChecking).to.equal('off');
    expect(
      connectionFromVars('db1', { ansible_host_key_checking: 'no', ansible_ssh_common_args: '-o StrictHostKeyChecking=yes' }, { home }).hostKeyChecking,
    ).to.equal('strict');
  });

  it('become, passwords and local connection', () => {
    const s = connectionFromVars(
      'db1',
      { ansible_become: 'yes', ansible_become_user: 'postgres', ansible_become_pass: 's3cret', ansible_ssh_pass: 'pw', ansible_connection: 'local' },
      { home },
    );
    expect(s).to.include({ connection: 'local', become: true, becomeUser: 'postgres', becomePassword: 's3cret', password: 'pw' });
  });

  it('ProxyJump: each hop gets its own ssh config block and falls back to the target key', () => {
    const s = connectionFromVars('db1', { ansible_ssh_common_args: '-o ProxyJump=bastion,root@10.0.0.2:2201', ansible_ssh_private_key_file: '/k' }, { home });
    expect(s.proxyJump).to.deep.equal([
      { address: '10.9.9.9', port: 22, user: 'jumper', identityFiles: [join(home, '.ssh/bastion_key'), '/k'] },
      { address: '10.0.0.2', port: 2201, user: 'root', identityFiles: ['/k', ...['id_rsa', 'id_ecdsa', 'id_ed25519'].map((k) => join(home, '.ssh', k))] },
    ]);
  });

  it('IdentitiesOnly disables the agent', () => {
    expect(connectionFromVars('solo', {}, { home }).agentSocket).to.equal(undefined);
  });

  it('bad values are ConfigErrors naming host and variable', () => {
    expect(() => connectionFromVars('web1', { ansible_port: 'http' }, { home })).to.throw('web1.ansible_port: expected an integer 1-65535, got "http"');
    expect(() => connectionFromVars('web1', { ansible_connection: 'winrm' }, { home })).to.throw('web1.ansible_connection: unsupported connection "winrm"');
    expect(() => connectionFromVars('web1', { ansible_become_method: 'su' }, { home })).to.throw('web1.ansible_become_method: become method "su" is not supported');
    expect(() => connectionFromVars('web1', { ansible_become: 'maybe' }, { home })).to.throw('web1.ansible_become: expected a boolean, got "maybe"');
    expect(() => connectionFromVars('legacy', {}, { home })).to.throw('ProxyCommand is not supported by rb; use ProxyJump');
    expect(() => connectionFromVars('web1', { ansible_user: ['a'] }, { home })).to.throw('web1.ansible_user: expected a string, got object');
  });
});
