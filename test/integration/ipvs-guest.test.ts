// `rb lab up --ipvs`: lab hosts inside a qemu guest whose Debian kernel has
// IPVS, reached over real ssh from this machine. One guest for the whole file:
// a boot costs seconds under emulation.

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootRecord, ipvsDown, ipvsExec, ipvsStatus, ipvsUp } from '../../core/lab/qemu/index.js';
import { linkExists } from '../../core/lab/qemu/tap.js';
import { startGuest, startTimeOf, stopGuest, waitForGuest } from '../../core/lab/qemu/guest.js';
import { ensureKernel } from '../../core/lab/qemu/kernel.js';
import { cpioArchive } from '../../core/lab/qemu/cpio.js';
import { ensureTap, removeTap } from '../../core/lab/qemu/tap.js';
import * as QP from '../../core/lab/qemu/paths.js';
import { labDown, labStatus } from '../../core/lab/index.js';
import { INVENTORY, KNOWN_HOSTS } from '../../core/lab/paths.js';
import { loadInventory } from '../../core/inventory/index.js';
import { connectionFromVars, openTransport } from '../../core/transport/connect.js';
import type { LabHost } from '../../core/lab/topology.js';
import { rbRun } from '../harness/rb.js';

const VIP = '198.18.0.100';

async function rbOn(host: string, vars: Record<string, unknown>, command: string) {
  const t = await openTransport(connectionFromVars(host, vars));
  try {
    return await t.exec(command);
  } finally {
    await t.close();
  }
}

function qemuRssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

describe('rb lab up --ipvs: lab hosts in a qemu guest with IPVS', function () {
  this.timeout(600_000);
  const figures: Record<string, string> = {};
  let hosts: LabHost[] = [];
  let qemuPid = 0;

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.warn('\n*** SKIPPED: rb lab up --ipvs needs root (bridge, tap device, qemu) — these tests did not run ***\n');
      this.skip();
    }
    // The guest's hosts take the plain lab's addresses: a plain lab must not run beside them.
    await labDown();
    const t = Date.now();
    hosts = await ipvsUp(3);
    figures['up --ipvs 3 (boot included)'] = `${Date.now() - t} ms`;
    const boot = await bootRecord();
    if (boot) {
      figures.accel = boot.accel;
      figures['kernel cache check'] = `${boot.kernelCacheMs} ms`;
      figures['boot to ssh'] = `${boot.bootToSshMs} ms`;
    }
  });

  after(async function () {
    if (process.getuid?.() !== 0) return;
    await ipvsDown();
    await labDown();
    console.log(`      figures: ${Object.entries(figures).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  });

  it('reports a running guest holding rb1..rb3', async () => {
    expect(hosts.map((h) => [h.name, h.address, h.inGuest])).to.deep.equal([
      ['rb1', '198.18.0.11', true],
      ['rb2', '198.18.0.12', true],
      ['rb3', '198.18.0.13', true],
    ]);
    const s = await ipvsStatus();
    expect(s.running).to.equal(true);
    expect(s.hosts).to.deep.equal(['rb1', 'rb2', 'rb3']);
    qemuPid = s.pid as number;
    expect(readFileSync(`/proc/${qemuPid}/cmdline`, 'utf8').split('\0')[0]).to.equal('qemu-system-x86_64');
    figures['qemu RSS'] = `${qemuRssMiB(qemuPid)} MiB`;
  });

  it('puts the guest hosts on this machine\'s lab segment: 198.18.0.11 answers from the root netns', () => {
    execFileSync('ping', ['-c', '1', '-W', '5', '198.18.0.11']);
    const neigh = execFileSync('ip', ['-j', 'neigh', 'show', '198.18.0.11', 'dev', 'rblab0']).toString();
    expect((JSON.parse(neigh) as { lladdr?: string }[])[0]?.lladdr).to.equal('02:72:62:00:00:01');
  });

  it('runs ipvsadm through rb\'s ssh transport with the inventory\'s strict host-key settings', async () => {
    const inv = await loadInventory([INVENTORY]);
    const vars = inv.hosts.get('rb1')?.vars as Record<string, unknown>;
    expect(vars).to.include({ ansible_host: '198.18.0.11', ansible_user: 'root' });
    expect(String(vars.ansible_ssh_common_args)).to.match(/StrictHostKeyChecking=yes/);
    const add = await rbOn('rb1', vars, `ipvsadm -A -t ${VIP}:80 -s rr`);
    expect(add.code, add.stderr).to.equal(0);
    const saved = await rbOn('rb1', vars, 'ipvsadm -Sn');
    expect(saved.stdout).to.equal(`-A -t ${VIP}:80 -s rr\n`);
    // IPVS tables are per network namespace: rb2 has its own, still empty.
    const other = await rbOn('rb2', inv.hosts.get('rb2')?.vars as Record<string, unknown>, 'ipvsadm -Sn');
    expect(other.stdout).to.equal('');
  });

  it('rb run applies a playbook to a guest host with the lab inventory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-pb-'));
    try {
      const playbook = join(dir, 'vs.yml');
      writeFileSync(
        playbook,
        ['- hosts: rb3', '  tasks:', '    - name: add a virtual service', '      command: ipvsadm -A -t 198.18.0.101:80 -s wlc', ''].join('\n'),
      );
      const r = await rbRun(['run', playbook, '-i', INVENTORY], { timeoutMs: 180_000 });
      expect(r.code, r.stderr || r.stdout).to.equal(0);
      expect(r.report?.hosts.rb3).to.include({ changed: 1, failed: 0, unreachable: 0 });
      expect((await ipvsExec('rb3', ['ipvsadm', '-Sn'])).stdout).to.equal('-A -t 198.18.0.101:80 -s wlc\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a host whose key does not match known_hosts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-kh-'));
    try {
      // rb1's address paired with rb2's key: strict checking must refuse it.
      const lines = readFileSync(KNOWN_HOSTS, 'utf8').split('\n');
      const rb2Key = lines.find((l) => l.startsWith('rb2,'))?.split(' ').slice(1).join(' ');
      expect(rb2Key, 'rb2 in known_hosts').to.be.a('string');
      writeFileSync(join(dir, 'known_hosts'), `198.18.0.11 ${rb2Key}\n`);
      const inv = await loadInventory([INVENTORY]);
      const vars = {
        ...inv.hosts.get('rb1')?.vars,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${join(dir, 'known_hosts')} -o StrictHostKeyChecking=yes`,
      };
      let error: unknown;
      await rbOn('rb1', vars, 'true').catch((e: unknown) => (error = e));
      expect(String(error)).to.match(/host key/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs commands in a guest host without ssh to the host (rb lab exec in the guest)', async () => {
    const name = await ipvsExec('rb2', ['hostname']);
    expect(name).to.deep.equal({ code: 0, stdout: 'rb2\n', stderr: '' });
    expect((await ipvsExec('rb1', ['cat'], { input: 'through stdin' })).stdout).to.equal('through stdin');
    expect((await ipvsExec('rb1', ['sh', '-c', 'echo oops >&2; exit 3'])).code).to.equal(3);
    const mem = await ipvsExec('rb1', ['free', '-m']);
    figures['guest memory used'] = `${/Mem:\s+\d+\s+(\d+)/.exec(mem.stdout)?.[1]} MiB of ${/Mem:\s+(\d+)/.exec(mem.stdout)?.[1]} MiB`;
  });

  it('up again keeps the running guest', async () => {
    const t = Date.now();
    const again = await ipvsUp(3);
    figures['up --ipvs 3 again'] = `${Date.now() - t} ms`;
    expect(again.map((h) => h.name)).to.deep.equal(['rb1', 'rb2', 'rb3']);
    expect((await ipvsStatus()).pid).to.equal(qemuPid);
  });

  it('down stops qemu and removes the tap', async () => {
    const started = await startTimeOf(qemuPid);
    expect(started).to.be.a('string');
    const t = Date.now();
    await ipvsDown();
    figures['down'] = `${Date.now() - t} ms`;
    expect(await startTimeOf(qemuPid)).to.not.equal(started);
    expect(await linkExists(QP.TAP_DEVICE)).to.equal(false);
    expect(await ipvsStatus()).to.deep.equal({ running: false, hosts: [] });
    // Its hosts are forgotten with it, so a plain lab can come up next.
    expect((await labStatus()).hosts.filter((h) => h.inGuest)).to.deep.equal([]);
  });

  it('a guest whose init fails ends in an error showing the console, and nothing is left running', async () => {
    const kernel = await ensureKernel();
    const dir = mkdtempSync(join(tmpdir(), 'rb-badinit-'));
    try {
      // An initramfs without its modules: stage 1 cannot insmod and gives up.
      const base = join(dir, 'base.cpio');
      writeFileSync(base, cpioArchive([{ type: 'dir', path: 'bin' }, { type: 'file', path: 'bin/busybox', data: readFileSync('/bin/busybox'), mode: 0o755 }]));
      await ensureTap(QP.TAP_DEVICE, QP.LAB_BRIDGE);
      const g = await startGuest({ kernel: { ...kernel, baseInitramfs: base }, authorizedKey: 'ssh-ed25519 AAAA test' });
      const ssh = { address: QP.GUEST_ADDRESS, key: QP.LAB_KEY, knownHosts: QP.GUEST_KNOWN_HOSTS, controlSocket: QP.SSH_CONTROL_SOCKET };
      let error: unknown;
      await waitForGuest(g, ssh, 120_000).catch((e: unknown) => (error = e));
      await stopGuest(g);
      expect(String(error)).to.match(/stopped while booting/);
      expect(String(error)).to.match(/rblab stage 1: insmod/);
      expect(await startTimeOf(g.pid)).to.equal(undefined);
    } finally {
      await removeTap(QP.TAP_DEVICE);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
