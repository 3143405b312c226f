// The lab's pure parts (no root needed): names and addresses, renderers,
// argument parsing, and parsers fed with output captured from the real tools
// on this machine (test/fixtures/lab/).

import { expect } from 'chai';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcHosts, launchArgv, sshdConfig } from '../../core/lab/boot.js';
import { parseUpArgs } from '../../core/lab/cli.js';
import { findConflicts, inSubnet } from '../../core/lab/conflicts.js';
import { notInstalled } from '../../core/lab/deps.js';
import { renderInventory } from '../../core/lab/inventory.js';
import { knownHostsLine } from '../../core/lab/keys.js';
import { parseStartTime } from '../../core/lab/pids.js';
import { LAB_TOOLS, hasOverlay, missingPackages, requireRoot } from '../../core/lab/preflight.js';
import { hostIndex, labHost } from '../../core/lab/topology.js';
import { hostNetLines } from '../../core/lab/network.js';
import { loadInventory } from '../../core/inventory/index.js';
import { compareChanges, flatChanges } from '../harness/converge.js';
import type { RunReport } from '../harness/rb.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/lab', name), 'utf8');

describe('lab: hosts, names and addresses', () => {
  it('derives address, MAC and netns from the index', () => {
    expect(labHost(1)).to.deep.equal({ name: 'rb1', index: 1, address: '198.18.0.11', mac: '02:72:62:00:00:01', mac2: '02:72:62:01:00:01', netns: 'rblab-rb1', prefixLen: 24 });
    expect(labHost(15).mac).to.equal('02:72:62:00:00:0f');
    expect(labHost(244)).to.include({ address: '198.18.0.254', mac: '02:72:62:00:00:f4' });
  });
  it('gives every host eth1 on the second bridge, with its own MAC and no address', () => {
    expect(hostNetLines(labHost(10))).to.deep.equal([
      'netns add rblab-rb10',
      'link add rblab-rb10 type veth peer name eth0 address 02:72:62:00:00:0a netns rblab-rb10',
      'link set rblab-rb10 master rblab0 up',
      'link add rblab-rb10-1 type veth peer name eth1 address 02:72:62:01:00:0a netns rblab-rb10',
      'link set rblab-rb10-1 master rblab1 up',
    ]);
  });
  it('puts hosts above 244 on a segment of their own (198.19.0.0/16, bridges rblab2 and rblab3)', () => {
    expect(labHost(245)).to.deep.equal({ name: 'rb245', index: 245, address: '198.19.0.10', mac: '02:72:62:00:00:f5', mac2: '02:72:62:01:00:f5', netns: 'rblab-rb245', prefixLen: 16 });
    expect(labHost(256)).to.include({ address: '198.19.0.21', mac: '02:72:62:00:01:00' });
    expect(labHost(1020)).to.include({ address: '198.19.3.17', mac: '02:72:62:00:03:fc' });
    expect(labHost(1244)).to.include({ address: '198.19.3.241' });
    expect(hostNetLines(labHost(1000))).to.deep.equal([
      'netns add rblab-rb1000',
      'link add rblab-rb1000 type veth peer name eth0 address 02:72:62:00:03:e8 netns rblab-rb1000',
      'link set rblab-rb1000 master rblab2 up',
      'link add rblab-rb1000-1 type veth peer name eth1 address 02:72:62:01:03:e8 netns rblab-rb1000',
      'link set rblab-rb1000-1 master rblab3 up',
    ]);
  });
  it('refuses indexes with no address', () => {
    expect(() => labHost(0)).to.throw(/1-1244/);
    expect(() => labHost(1245)).to.throw(/1-1244/);
  });
  it('reads host names back', () => {
    expect([hostIndex('rb7'), hostIndex('rb244'), hostIndex('rb1000'), hostIndex('rb1245'), hostIndex('rb07'), hostIndex('rbx'), hostIndex('dev')]).to.deep.equal([
      7, 244, 1000, undefined, undefined, undefined, undefined,
    ]);
  });
});

describe('lab: address conflicts (ip -j addr/route captured here)', () => {
  it('finds an interface holding a lab address and a more specific route', () => {
    expect(findConflicts(fixture('ip-addr-conflict.json'), fixture('ip-route-conflict.json'))).to.deep.equal([
      '198.18.0.12/32 on rbconf0 is inside the lab network 198.18.0.0/24',
      'route 198.18.0.128/25 via rbconf0 overlaps the lab network 198.18.0.0/24',
    ]);
  });
  it('accepts the lab itself and broader routes (198.18.0.0/16 elsewhere loses to the /24)', () => {
    expect(findConflicts(fixture('ip-addr-clean.json'), fixture('ip-route-clean.json'))).to.deep.equal([]);
    const broad = JSON.stringify([{ dst: '198.18.0.0/16', dev: 'eth1' }, { dst: 'default', dev: 'eth0' }]);
    expect(findConflicts('[]', broad)).to.deep.equal([]);
  });
  it('fails loudly on output it cannot read', () => {
    expect(() => findConflicts('[{"ifname": "eth0", "addr_info": [', '[]')).to.throw(SyntaxError);
  });
  it('does subnet arithmetic', () => {
    expect([inSubnet('198.18.0.254', '198.18.0.0/24'), inSubnet('198.18.1.1', '198.18.0.0/24'), inSubnet('10.1.2.3', '0.0.0.0/0')]).to.deep.equal([
      true, false, true,
    ]);
  });
});

describe('lab: process start times (/proc/PID/stat captured here)', () => {
  it('reads field 22 even when the command name holds ") ("', () => {
    expect(parseStartTime(fixture('proc-stat-paren.txt'))).to.equal('125551');
  });
  it('treats zombies as gone and garbage as unknown', () => {
    const zombie = fixture('proc-stat-paren.txt').replace(') S ', ') Z ');
    expect(parseStartTime(zombie)).to.equal(null);
    expect(parseStartTime('12 (x) S 1 2')).to.equal(null);
  });
});

describe('lab: prerequisites', () => {
  it('lists packages dpkg does not report installed (dpkg-query captured here)', () => {
    const wanted = ['openssh-server', 'busybox-static', 'busybox', 'tini', 'curl'];
    expect(notInstalled(wanted, fixture('dpkg-query.txt'))).to.deep.equal(['busybox', 'curl']);
  });
  it('names the package of every missing tool', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rblab-root-'));
    try {
      for (const [path, pkg] of LAB_TOOLS) {
        if (pkg === 'tini' || pkg === 'attr') continue;
        mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), '');
      }
      expect(await missingPackages(root)).to.deep.equal(['attr', 'tini']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('knows whether the kernel has overlayfs (/proc/filesystems captured here)', () => {
    expect(hasOverlay(fixture('proc-filesystems.txt'))).to.equal(true);
    expect(hasOverlay(fixture('proc-filesystems.txt').replace(/^.*\toverlay$/m, ''))).to.equal(false);
  });
  it('refuses to run as another user than root', () => {
    expect(() => requireRoot(1000)).to.throw(/needs root.*sudo/);
    expect(() => requireRoot(0)).to.not.throw();
  });
});

describe('lab: files written into hosts', () => {
  it('lists every lab host in /etc/hosts, in order', () => {
    expect(etcHosts([labHost(2), labHost(1)])).to.equal(
      '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n198.18.0.11\trb1\n198.18.0.12\trb2\n',
    );
  });
  it('makes sshd key-only, on the host address, without PAM or DNS', () => {
    const conf = sshdConfig(labHost(3));
    for (const line of ['ListenAddress 198.18.0.13', 'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'UsePAM no', 'UseDNS no', 'MaxStartups 200']) {
      expect(conf.split('\n')).to.include(line);
    }
  });
  it('launches through netns → namespaces → tini → boot script', () => {
    const argv = launchArgv(labHost(1), '/run/rblab/boot.sh', '/run/rblab/hosts/rb1', '/run/rblab/dev');
    expect(argv.slice(4)).to.deep.equal([
      'nsenter', '--net=/run/netns/rblab-rb1',
      'unshare', '--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', '--propagation', 'private',
      'tini', '-s', '--', '/bin/bash', '/run/rblab/boot.sh', '/run/rblab/hosts/rb1', 'rb1', '198.18.0.11/24', '/run/rblab/dev',
    ]);
  });
  it('pins host keys by name and address', () => {
    expect(knownHostsLine('rb1', '198.18.0.11', 'ssh-ed25519 AAAAC3Nza rb1\n')).to.equal('rb1,198.18.0.11 ssh-ed25519 AAAAC3Nza');
  });
});

describe('lab: the inventory', () => {
  it('is read by rb as group lab with connection and lab vars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rblab-inv-'));
    try {
      const file = join(dir, 'inventory.yml');
      writeFileSync(file, renderInventory([labHost(2), labHost(1)]));
      const inv = await loadInventory([file]);
      expect([...inv.hosts.keys()]).to.deep.equal(['rb1', 'rb2']);
      expect(inv.groups.get('lab')?.hosts).to.deep.equal(['rb1', 'rb2']);
      expect(inv.hosts.get('rb2')?.vars).to.deep.include({
        ansible_host: '198.18.0.12',
        ansible_port: 22,
        ansible_user: 'root',
        ansible_ssh_private_key_file: '/var/lib/rblab/id_ed25519',
        ansible_ssh_common_args: '-o UserKnownHostsFile=/var/lib/rblab/known_hosts -o StrictHostKeyChecking=yes',
        lab_iface: 'eth0',
        lab_mac: '02:72:62:00:00:02',
        lab_netns: 'rblab-rb2',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('stays valid with no hosts', () => {
    expect(renderInventory([])).to.match(/lab:\n {6}hosts: \{\}\n$/);
  });
});

describe('lab: rb lab up arguments', () => {
  it('defaults to 4 hosts', () => {
    expect(parseUpArgs([])).to.deep.equal({ n: 4, ipvs: false });
  });
  it('reads the count and the flags in any order', () => {
    expect(parseUpArgs(['--uplink', 'eth0', '3', '--no-bridge-address', '--exact'])).to.deep.equal({
      n: 3, ipvs: false, uplink: 'eth0', bridgeAddress: false, exact: true,
    });
    expect(parseUpArgs(['--ipvs', '2'])).to.deep.equal({ n: 2, ipvs: true });
  });
  it('rejects what it does not know', () => {
    expect(() => parseUpArgs(['4', '5'])).to.throw(/unexpected argument "5"/);
    expect(() => parseUpArgs(['--uplink'])).to.throw(/--uplink needs an interface/);
    expect(() => parseUpArgs(['--ipvs', '--exact'])).to.throw(/--ipvs takes only a host count/);
  });
});

describe('lab harness: comparing predicted and made changes', () => {
  const report = (after: string, status: 'changed' | 'ok' = 'changed'): RunReport => ({
    hosts: { rb1: { ok: 0, changed: 1, failed: 0, skipped: 0, unreachable: 0 } },
    tasks: [
      { host: 'rb1', task: 'forwarding', module: 'sysctl', status, changes: [{ kind: 'set-sysctl', resource: 'net.ipv4.ip_forward', field: 'value', before: '0', after }] },
    ],
  });
  it('flattens the changes of changed tasks only', () => {
    expect(flatChanges(report('1'))).to.have.length(1);
    expect(flatChanges(report('1', 'ok'))).to.deep.equal([]);
  });
  it('sees a different end value as a mismatch both ways', () => {
    expect(compareChanges(flatChanges(report('1')), flatChanges(report('1')))).to.deep.equal({ missing: [], unexpected: [] });
    const diff = compareChanges(flatChanges(report('1')), flatChanges(report('2')));
    expect(diff.missing).to.have.length(1);
    expect(diff.unexpected[0]).to.contain('"2"');
  });
  const change = (kind: string, before: string, after: string, resource = 'net.ipv4.ip_forward') => ({ host: 'rb1', task: 't', module: 'sysctl', kind, resource, field: 'value', before, after });
  it('sees a different kind or before value as a mismatch', () => {
    expect(compareChanges([change('set-sysctl', '0', '1')], [change('persist-sysctl', '0', '1')]).missing).to.have.length(1);
    expect(compareChanges([change('set-sysctl', '0', '1')], [change('set-sysctl', '2', '1')]).unexpected).to.have.length(1);
  });
  it('counts a change made twice', () => {
    expect(compareChanges([change('set-sysctl', '0', '1')], [change('set-sysctl', '0', '1'), change('set-sysctl', '0', '1')]).unexpected).to.have.length(1);
  });
  it('sees changes of one host made in another order', () => {
    const a = change('set-sysctl', '0', '1', 'a');
    const b = change('set-sysctl', '0', '1', 'b');
    expect(compareChanges([a, b], [b, a]).reordered).to.not.equal(undefined);
    const other = { ...b, host: 'rb2' };
    expect(compareChanges([a, other], [other, a])).to.deep.equal({ missing: [], unexpected: [] });
  });
});
