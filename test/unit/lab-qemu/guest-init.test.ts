import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { networkBatch, renderStage1, renderStage2, type GuestInitConfig } from '../../../core/lab/qemu/guest-init.js';

const cfg: GuestInitConfig = {
  kver: '6.1.0-56-amd64',
  modulesDir: '/var/tmp/rblab-kernel/6.1.0-56-amd64/lib/modules/6.1.0-56-amd64',
  modules: ['bridge', 'ip_vs', 'ip_vs_rr'],
  hostname: 'rblab-guest',
  bridge: 'rblab0',
  bridgeMac: '02:72:62:ff:00:02',
  address: '198.18.0.2',
  prefix: 24,
  hostKey: '/var/lib/rblab/hostkeys/guest/ssh_host_ed25519_key',
  authorizedKey: "ssh-ed25519 AAAAC3Nz it's me",
  readyMarker: 'rblab-guest-ready',
  hostRootTag: 'hostroot',
  initPath: '/rblab-init',
};

/** Parse a script without running it; throws with the shell's message on a syntax error. */
function syntaxCheck(shell: string[], script: string): void {
  execFileSync(shell[0], [...shell.slice(1), '-n'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('lab qemu: guest init scripts', () => {
  it('stage 1 is valid busybox sh and mounts the shared root, overlay and module tree', () => {
    const s = renderStage1(cfg);
    syntaxCheck(['busybox', 'sh'], s);
    expect(s.startsWith('#!/bin/busybox sh\n')).to.equal(true);
    expect(s).to.include('mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host');
    expect(s).to.include('mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot');
    expect(s).to.include(
      'mount -o bind /newroot/var/tmp/rblab-kernel/6.1.0-56-amd64/lib/modules/6.1.0-56-amd64 /newroot/lib/modules/6.1.0-56-amd64',
    );
    expect(s).to.include(`echo 'ssh-ed25519 AAAAC3Nz it'\\''s me' > root/.ssh/authorized_keys`);
    expect(s.trimEnd().split('\n').pop()).to.equal('exec switch_root /newroot /rblab-init');
  });

  it('stage 2 is valid bash that loads IPVS, starts sshd on the guest address and ends in tini', () => {
    const s = renderStage2(cfg);
    syntaxCheck(['bash'], s);
    expect(s).to.include('modprobe -a bridge ip_vs ip_vs_rr || fail "modprobe"');
    expect(s).to.include(
      '/usr/sbin/sshd -E /var/log/sshd.log -o ListenAddress=198.18.0.2 -o HostKey=/var/lib/rblab/hostkeys/guest/ssh_host_ed25519_key' +
        ' -o PermitRootLogin=prohibit-password -o PasswordAuthentication=no -o UsePAM=no -o UseDNS=no',
    );
    const lines = s.trimEnd().split('\n');
    expect(lines.slice(-2)).to.deep.equal(['echo rblab-guest-ready "$uptime"', 'exec /usr/bin/tini -s -- /bin/sleep infinity']);
  });

  it('puts eth0 on the guest bridge and the management address on the bridge, in one ip batch', () => {
    expect(networkBatch(cfg).split('\n')).to.deep.equal([
      'link set lo up',
      'link add rblab0 address 02:72:62:ff:00:02 type bridge stp_state 0 mcast_snooping 0',
      'link set eth0 master rblab0',
      'link set eth0 up',
      'link set rblab0 up',
      'addr add 198.18.0.2/24 dev rblab0',
      '',
    ]);
  });
});
