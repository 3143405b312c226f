// The guest's two init scripts. Stage 1 (busybox, in the initramfs) mounts this
// machine's `/` read-only over 9p with a RAM overlay on top and switches root;
// stage 2 (bash, pid 1 of the real root) brings up the lab bridge, loads IPVS
// and starts the guest's sshd, then hands pid 1 to tini so orphans are reaped.

import { quote } from '../../transport/shell.js';

export interface GuestInitConfig {
  kver: string;
  /** The cached module tree of `kver`, seen through 9p at the same path. */
  modulesDir: string;
  modules: readonly string[];
  hostname: string;
  bridge: string;
  bridgeMac: string;
  address: string;
  prefix: number;
  hostKey: string;
  /** Public key allowed to log in as root. */
  authorizedKey: string;
  readyMarker: string;
  hostRootTag: string;
  initPath: string;
}

/** Stage 1: module files are shipped as /modules/NN-name.ko, so the glob is the load order. */
export function renderStage1(cfg: Pick<GuestInitConfig, 'hostRootTag' | 'initPath'>): string {
  const init = quote(cfg.initPath);
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
fail() { echo "rblab stage 1: $*"; exit 1; }
mkdir -p /proc /dev /host /rw /newroot
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in /modules/*.ko; do insmod "$m" || fail "insmod $m"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose ${quote(cfg.hostRootTag)} /host || fail "9p mount of this machine's /"
mount -t tmpfs -o mode=0755 rw /rw && mkdir /rw/upper /rw/work || fail "tmpfs"
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || fail "overlay"
cp /stage2 /newroot${init} && chmod 0755 /newroot${init} || fail "copy stage 2"
umount /proc
exec switch_root /newroot ${init}
`;
}

/** Stage 2, run by bash as pid 1 of the overlaid root. */
export function renderStage2(cfg: GuestInitConfig): string {
  const modDir = quote(`/lib/modules/${cfg.kver}`);
  const sshdOptions = [
    `ListenAddress=${cfg.address}`,
    `HostKey=${cfg.hostKey}`,
    'PermitRootLogin=prohibit-password',
    'PasswordAuthentication=no',
    'UsePAM=no',
    'UseDNS=no',
    'MaxStartups=200',
    'MaxSessions=100',
    'AuthorizedKeysFile=/root/.ssh/authorized_keys',
    'PidFile=/run/sshd.pid',
  ].flatMap((o) => ['-o', o]);
  return `#!/bin/bash
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "rblab stage 2: $*"; exit 1; }
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t tmpfs -o mode=0755 run /run
mount -t tmpfs -o mode=1777 tmp /tmp
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p ${modDir} && mount --bind ${quote(cfg.modulesDir)} ${modDir} || fail "bind the module tree"
modprobe -a ${cfg.modules.map(quote).join(' ')} || fail "modprobe"
hostname ${quote(cfg.hostname)}
# This machine's .bashrc is costly under emulation and its /root is none of the guest's business.
mount -t tmpfs -o mode=0700 root /root
cp -a /etc/skel/. /root/
mkdir -m 0700 /root/.ssh
printf '%s\\n' ${quote(cfg.authorizedKey)} > /root/.ssh/authorized_keys
ip link set lo up
ip link add ${quote(cfg.bridge)} address ${quote(cfg.bridgeMac)} type bridge stp_state 0 mcast_snooping 0 || fail "bridge"
for dev in eth0 ${quote(cfg.bridge)}; do echo 1 > /proc/sys/net/ipv6/conf/$dev/disable_ipv6; done
ip link set eth0 master ${quote(cfg.bridge)} && ip link set eth0 up && ip link set ${quote(cfg.bridge)} up || fail "eth0 on the bridge"
ip addr add ${quote(`${cfg.address}/${cfg.prefix}`)} dev ${quote(cfg.bridge)} || fail "address"
mkdir -p /run/sshd /var/log
busybox syslogd -O /var/log/syslog
/usr/sbin/sshd -E /var/log/sshd.log ${sshdOptions.map(quote).join(' ')} || fail "sshd"
echo ${quote(cfg.readyMarker)}
exec /usr/bin/tini -s -- /bin/sleep infinity
`;
}
