// `rb lab` on this machine: real hosts in namespaces, reached with OpenSSH
// under strict host-key checking, isolated from each other and from the
// machine, rebuilt when dead, and gone without a trace after `down`.

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync, existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labStatus, labUp, KNOWN_HOSTS, LAB_KEY, INVENTORY, STATE_DIR } from '../../core/lab/index.js';
import { ensureLab, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { repoRoot } from '../harness/rb.js';

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

function spawnOut(cmd: string, args: string[], opts: { uid?: number; gid?: number } = {}): Promise<Out> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The lab CLI from source (no build needed for these tests). */
const rbLab = (args: string[], opts: { uid?: number; gid?: number } = {}) =>
  spawnOut(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'lab', ...args], opts);

function ssh(address: string, command: string, knownHosts = KNOWN_HOSTS): Promise<Out> {
  return spawnOut('ssh', [
    '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=10', '-i', LAB_KEY, '-l', 'root', address, command,
  ]);
}

const pids = async () => Object.fromEntries((await labStatus()).hosts.map((h) => [h.name, h.pid]));
const netnsInode = (name: string) => `net:[${statSync(`/run/netns/${name}`).ino}]`;

function leftovers(): { netns: string[]; links: string[]; mounts: string[]; stateDir: boolean } {
  const netns = existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith('rblab-')) : [];
  const links = readdirSync('/sys/class/net').filter((l) => l.startsWith('rblab'));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes('rblab'));
  return { netns, links, mounts, stateDir: existsSync(STATE_DIR) };
}

describe('rb lab: hosts on this machine', function () {
  this.timeout(120_000);
  useLab(4);

  it('answers ssh with strict host-key checking, and refuses an unknown host key', async () => {
    const r = await ssh('198.18.0.11', 'hostname');
    expect(r, r.stderr).to.include({ code: 0, stdout: 'rb1\n' });
    const dir = mkdtempSync(join(tmpdir(), 'rblab-kh-'));
    try {
      writeFileSync(join(dir, 'known_hosts'), readFileSync(KNOWN_HOSTS, 'utf8').replace(/^rb2,198\.18\.0\.12 .*$/m, ''));
      const refused = await ssh('198.18.0.12', 'true', join(dir, 'known_hosts'));
      expect(refused.code).to.equal(255);
      expect(refused.stderr).to.match(/Host key verification failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives each host its name, netns, address and MAC', async () => {
    const status = await labStatus();
    for (const i of [1, 4]) {
      const h = status.hosts.find((x) => x.name === `rb${i}`)!;
      expect(await labSh(h.name, 'hostname; cat /etc/hostname')).to.equal(`rb${i}\nrb${i}\n`);
      const [eth0] = JSON.parse(await labSh(h.name, 'ip -j addr show dev eth0'));
      expect(eth0.address).to.equal(`02:72:62:00:00:0${i}`);
      expect(eth0.addr_info.map((a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`)).to.deep.equal([`198.18.0.1${i}/24`]);
      expect(readlinkSync(`/proc/${h.pid}/ns/net`)).to.equal(netnsInode(`rblab-rb${i}`));
    }
    expect(await labSh('rb3', 'getent hosts rb1')).to.match(/^198\.18\.0\.11\s+rb1$/m);
    await labSh('rb3', 'ping -c1 -W2 198.18.0.11 >/dev/null');
  });

  it('holds none of our descriptors: pid 1 has only stdin, stdout and stderr', async () => {
    const h = (await labStatus()).hosts.find((x) => x.name === 'rb1')!;
    expect(readdirSync(`/proc/${h.pid}/fd`).sort()).to.deep.equal(['0', '1', '2']);
    expect(readlinkSync(`/proc/${h.pid}/fd/2`)).to.equal(`${STATE_DIR}/hosts/rb1/boot.log`);
  });

  it('keeps a file written in one host out of the others and out of the machine', async () => {
    const token = `lab-isolation-${process.pid}-${Date.now()}`;
    await labSh('rb1', `mkdir -p /data && echo ${token} > /data/${token} && echo ${token} > /etc/${token}`);
    expect(await labSh('rb1', `cat /data/${token}`)).to.equal(`${token}\n`);
    expect((await labExec('rb2', `cat /data/${token} /etc/${token}`)).code).to.not.equal(0);
    expect(existsSync(`/data/${token}`) || existsSync(`/etc/${token}`)).to.equal(false);
  });

  it('lets a host change its own net.* sysctls but no global ones, and hides the lab state', async () => {
    await labSh('rb2', 'sysctl -w net.ipv4.ip_forward=1');
    expect(await labSh('rb2', 'sysctl -n net.ipv4.ip_forward')).to.equal('1\n');
    expect(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8')).to.equal('0\n');
    const global = await labExec('rb2', 'sysctl -w fs.protected_regular=1');
    expect(global.code).to.equal(1);
    expect(global.stderr).to.match(/permission denied|Read-only/i);
    expect((await labExec('rb2', `ls ${STATE_DIR}`)).code).to.not.equal(0);
    expect(await labSh('rb2', 'ls -A /root')).to.equal('.ssh\n');
  });

  it('runs `rb lab exec` with the command output and exit code', async () => {
    const r = await rbLab(['exec', 'rb2', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r).to.deep.equal({ code: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  it('`up` again keeps the running hosts (same pids)', async () => {
    const before = await pids();
    const r = await rbLab(['up', '4']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim().split('\n').pop()).to.equal(INVENTORY);
    expect(await pids()).to.deep.equal(before);
  });

  it('rebuilds a killed host on the next `up`, with the same host key', async () => {
    const before = await pids();
    process.kill(before.rb3!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    expect((await labStatus()).hosts.find((h) => h.name === 'rb3')!.alive).to.equal(false);
    const hosts = await ensureLab(4);
    const after = await pids();
    expect(after.rb3).to.be.a('number').and.not.equal(before.rb3);
    expect({ ...after, rb3: 0 }).to.deep.equal({ ...before, rb3: 0 });
    // Hosts above rb4 that another test file started are kept, so only the first four are certain.
    expect(hosts.map((h) => h.name).slice(0, 4)).to.deep.equal(['rb1', 'rb2', 'rb3', 'rb4']);
    const r = await ssh('198.18.0.13', 'hostname');
    expect(r, r.stderr).to.include({ code: 0, stdout: 'rb3\n' });
  });

  it('resets hosts to a fresh filesystem and netns', async () => {
    await labSh('rb4', 'echo dirty > /etc/rb-dirty && sysctl -w net.ipv4.ip_forward=1');
    const before = await pids();
    await resetHosts(['rb4']);
    expect((await labExec('rb4', 'cat /etc/rb-dirty')).code).to.not.equal(0);
    expect(await labSh('rb4', 'sysctl -n net.ipv4.ip_forward')).to.equal('0\n');
    const after = await pids();
    expect(after.rb4).to.not.equal(before.rb4);
    expect(after.rb1).to.equal(before.rb1);
  });
});

describe('rb lab: errors and teardown', function () {
  this.timeout(120_000);
  useLab(2);

  it('refuses to run as another user than root, in one line', async () => {
    const r = await rbLab(['up', '2'], { uid: 65534, gid: 65534 });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/^rb: rb lab needs root.*sudo\n$/);
  });

  it('`down` leaves no rblab-* netns, link, mount or process', async () => {
    const status = await labStatus();
    const hostPids = status.hosts.map((h) => h.pid!).filter(Boolean);
    const inodes = new Set(status.hosts.map((h) => netnsInode(h.netns)));
    expect(hostPids).to.not.be.empty;
    await labDown();
    expect(leftovers()).to.deep.equal({ netns: [], links: [], mounts: [], stateDir: false });
    const alive = hostPids.filter((p) => existsSync(`/proc/${p}`));
    expect(alive, 'host pid 1s still alive').to.deep.equal([]);
    const inLabNetns = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return inodes.has(readlinkSync(`/proc/${p}/ns/net`));
        } catch {
          return false;
        }
      });
    expect(inLabNetns, 'processes left in lab netns').to.deep.equal([]);
  });

  it('refuses an address taken by something else, and leaves nothing behind', async () => {
    await labDown();
    const add = await spawnOut('ip', ['link', 'add', 'rbconf0', 'type', 'veth', 'peer', 'name', 'rbconf1']);
    expect(add.code, add.stderr).to.equal(0);
    try {
      await spawnOut('ip', ['addr', 'add', '198.18.0.1/24', 'dev', 'rbconf0']);
      const r = await rbLab(['up', '2']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.equal('rb: address conflict: 198.18.0.1/24 on rbconf0 is inside the lab network 198.18.0.0/24\n');
      expect(leftovers()).to.deep.equal({ netns: [], links: [], mounts: [], stateDir: false });
    } finally {
      await spawnOut('ip', ['link', 'del', 'rbconf0']);
    }
    const hosts = await labUp(2);
    expect(hosts.map((h) => h.name)).to.deep.equal(['rb1', 'rb2']);
  });
});
