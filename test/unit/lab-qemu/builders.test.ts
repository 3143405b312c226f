import { expect } from 'chai';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpioArchive } from '../../../core/lab/qemu/cpio.js';
import { hasInterpreter } from '../../../core/lab/qemu/elf.js';
import { chooseAccel } from '../../../core/lab/qemu/accel.js';
import { qemuArgs } from '../../../core/lab/qemu/qemu-args.js';
import { guestSshArgv } from '../../../core/lab/qemu/guest-ssh.js';
import { knownHostsLine } from '../../../core/lab/qemu/guest-keys.js';
import { moduleFileName } from '../../../core/lab/qemu/initramfs.js';
import { mergeHosts } from '../../../core/lab/qemu/hosts.js';

describe('lab qemu: builders', () => {
  describe('cpioArchive', () => {
    it('writes a newc archive that GNU cpio extracts as given', () => {
      const dir = mkdtempSync(join(tmpdir(), 'rb-cpio-'));
      try {
        const archive = cpioArchive([
          { type: 'dir', path: 'bin' },
          { type: 'file', path: '/bin/tool', data: '#!/bin/sh\necho hi\n', mode: 0o755 },
          { type: 'file', path: 'odd', data: Buffer.from([0, 1, 2]) },
          { type: 'symlink', path: 'bin/sh', target: 'tool' },
        ]);
        expect(archive.length % 4).to.equal(0);
        execFileSync('cpio', ['-id', '--quiet'], { cwd: dir, input: archive });
        expect(readFileSync(join(dir, 'bin/tool'), 'utf8')).to.equal('#!/bin/sh\necho hi\n');
        expect(statSync(join(dir, 'bin/tool')).mode & 0o777).to.equal(0o755);
        expect(readFileSync(join(dir, 'odd'))).to.deep.equal(Buffer.from([0, 1, 2]));
        expect(readlinkSync(join(dir, 'bin/sh'))).to.equal('tool');
        const listing = execFileSync('cpio', ['-t', '--quiet'], { input: archive }).toString().trim().split('\n');
        expect(listing).to.deep.equal(['bin', 'bin/tool', 'odd', 'bin/sh']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    it('refuses an empty path', () => {
      expect(() => cpioArchive([{ type: 'dir', path: '/' }])).to.throw(/empty path/);
    });
  });

  describe('hasInterpreter', () => {
    it('tells the static busybox from a dynamic program', () => {
      expect(hasInterpreter(readFileSync('/bin/busybox'))).to.equal(false);
      expect(hasInterpreter(readFileSync('/bin/ls'))).to.equal(true);
    });
    it('refuses what is not ELF', () => {
      expect(() => hasInterpreter(Buffer.from('#!/bin/sh\n'))).to.throw(/not a 64-bit/);
    });
  });

  describe('chooseAccel', () => {
    const tcg = { kind: 'tcg', args: ['-accel', 'tcg,tb-size=256', '-cpu', 'max'], cpus: 1 };
    it('uses a real KVM', () => {
      expect(chooseAccel({ kernelModules: new Set(['kvm', 'kvm_intel']), hasKvmDevice: true })).to.deep.equal({
        kind: 'kvm',
        args: ['-accel', 'kvm', '-cpu', 'host'],
        cpus: 2,
      });
      expect(chooseAccel({ kernelModules: new Set(['kvm', 'kvm_amd']), hasKvmDevice: true }).kind).to.equal('kvm');
    });
    it('emulates under the nested PVM hypervisor', () => {
      expect(chooseAccel({ kernelModules: new Set(['kvm', 'kvm_pvm', 'kvm_intel']), hasKvmDevice: true })).to.deep.equal(tcg);
    });
    it('emulates without /dev/kvm or without a KVM vendor module', () => {
      expect(chooseAccel({ kernelModules: new Set(['kvm_intel']), hasKvmDevice: false }).kind).to.equal('tcg');
      expect(chooseAccel({ kernelModules: new Set(['kvm']), hasKvmDevice: true }).kind).to.equal('tcg');
    });
  });

  it('builds the exact qemu command line', () => {
    expect(
      qemuArgs({
        accelArgs: ['-accel', 'kvm', '-cpu', 'host'],
        cpus: 2,
        kernel: '/k/vmlinux',
        initrd: '/s/initrd.cpio',
        consoleLog: '/s/console.log',
        tap: 'rblab-tap0',
        mac: '02:72:62:ff:00:01',
        hostRootTag: 'hostroot',
      }),
    ).to.deep.equal([
      '-name', 'rblab-guest',
      '-nodefaults', '-no-user-config', '-nographic', '-display', 'none', '-no-reboot',
      '-machine', 'q35',
      '-accel', 'kvm', '-cpu', 'host',
      '-smp', '2',
      '-m', '512',
      '-kernel', '/k/vmlinux',
      '-initrd', '/s/initrd.cpio',
      '-append', 'console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off cryptomgr.notests',
      '-serial', 'file:/s/console.log',
      '-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
      '-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
      '-netdev', 'tap,id=lab,ifname=rblab-tap0,script=no,downscript=no',
      '-device', 'virtio-net-pci,netdev=lab,mac=02:72:62:ff:00:01,romfile=',
    ]);
  });

  it('builds the ssh argv with strict host keys and a quoted remote command', () => {
    const argv = guestSshArgv(
      { address: '198.18.0.2', key: '/k/id', knownHosts: '/k/kh', controlSocket: '/s/ctl' },
      ['rb', 'lab', 'exec', 'rb1', '--', 'sh', '-c', "echo 'a b'"],
    );
    expect(argv.slice(-3)).to.deep.equal(['198.18.0.2', '--', `rb lab exec rb1 -- sh -c 'echo '\\''a b'\\'''`]);
    expect(argv).to.include.members(['StrictHostKeyChecking=yes', 'UserKnownHostsFile=/k/kh', 'ControlPath=/s/ctl', 'BatchMode=yes']);
    expect(argv.slice(0, 4)).to.deep.equal(['-F', '/dev/null', '-i', '/k/id']);
  });

  it('pins a host key as "ADDRESS TYPE BLOB"', () => {
    expect(knownHostsLine('198.18.0.2', 'ssh-ed25519 AAAAC3Nz rblab-guest\n')).to.equal('198.18.0.2 ssh-ed25519 AAAAC3Nz\n');
    expect(() => knownHostsLine('198.18.0.2', 'garbage')).to.throw(/malformed public key/);
  });

  it('names initramfs modules so the glob order is the load order', () => {
    const names = [12, 3, 0].map((i) => moduleFileName(i, `/x/m${i}.ko`));
    expect(names).to.deep.equal(['12-m12.ko', '03-m3.ko', '00-m0.ko']);
    expect([...names].sort()).to.deep.equal(['00-m0.ko', '03-m3.ko', '12-m12.ko']);
  });

  it('keeps hosts beyond N that already run in the guest', () => {
    expect(mergeHosts([], 2).map((h) => [h.name, h.address, h.inGuest])).to.deep.equal([
      ['rb1', '198.18.0.11', true],
      ['rb2', '198.18.0.12', true],
    ]);
    expect(mergeHosts([{ index: 1 }, { index: 2 }, { index: 3 }], 2).map((h) => h.name)).to.deep.equal(['rb1', 'rb2', 'rb3']);
    expect(mergeHosts([{ index: 1 }], 3)[2]).to.include({ name: 'rb3', mac: '02:72:62:00:00:03', netns: 'rblab-rb3' });
  });
});
