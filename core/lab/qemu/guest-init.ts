// The guest's two init scripts. Stage 1 (static busybox, in the initramfs)
// mounts this machine's `/` read-only over 9p with a RAM overlay on top, and
// prepares every mount of the new root there, where a process start is cheap
// (under emulation each program loaded over 9p costs 50–100 ms). Stage 2 (bash,
// pid 1 of the new root) loads IPVS, brings up the lab bridge with one `ip
// -batch`, starts syslog and the guest's sshd, then hands pid 1 to tini so
// orphans are reaped.

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
export function renderStage1(cfg: GuestInitConfig): string {
  const init = quote(cfg.initPath);
  const modules = quote(`/newroot/lib/modules/${cfg.kver}`);
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
cd /newroot || fail "new root"
mount -t proc proc proc && mount -t sysfs sys sys && mount -t devtmpfs dev dev || fail "proc, sys, dev"
mkdir -p dev/pts dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts dev/pts && mount -t tmpfs -o mode=1777 shm dev/shm || fail "devpts"
ln -sf pts/ptmx dev/ptmx; ln -sf /proc/self/fd dev/fd
ln -sf /proc/self/fd/0 dev/stdin; ln -sf /proc/self/fd/1 dev/stdout; ln -sf /proc/self/fd/2 dev/stderr
# /tmp stays on the RAM overlay: a checkout of rb under the host's /tmp must stay visible.
mount -t tmpfs -o mode=0755 run run || fail "run"
mkdir -p ${modules} && mount -o bind ${quote(`/newroot${cfg.modulesDir}`)} ${modules} || fail "bind the module tree"
# This machine's .bashrc is costly under emulation and its /root is none of the guest's business.
mount -t tmpfs -o mode=0700 root root && cp -a etc/skel/. root/ && mkdir -m 0700 root/.ssh || fail "/root"
echo ${quote(cfg.authorizedKey)} > root/.ssh/authorized_keys
mkdir -p run/sshd var/log
cp /stage2 .${init} && chmod 0755 .${init} || fail "copy stage 2"
cd /
umount /proc /dev
exec switch_root /newroot ${init}
`;
}

/** Commands for one `ip -batch` run: the guest's end of the lab segment. */
export function networkBatch(cfg: Pick<GuestInitConfig, 'bridge' | 'bridgeMac' | 'address' | 'prefix'>): string {
  return [
    'link set lo up',
    `link add ${cfg.bridge} address ${cfg.bridgeMac} type bridge stp_state 0 mcast_snooping 0`,
    `link set eth0 master ${cfg.bridge}`,
    'link set eth0 up',
    `link set ${cfg.bridge} up`,
    `addr add ${cfg.address}/${cfg.prefix} dev ${cfg.bridge}`,
    '',
  ].join('\n');
}

/** Stage 2, run by bash as pid 1 of the overlaid root (mounts are already in place). */
export function renderStage2(cfg: GuestInitConfig): string {
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
  const bridge = quote(cfg.bridge);
  return `#!/bin/bash
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "rblab stage 2: $*"; exit 1; }
hostname ${quote(cfg.hostname)}
modprobe -a ${cfg.modules.map(quote).join(' ')} || fail "modprobe"
ip -batch - <<'RB_NET' || fail "network"
${networkBatch(cfg)}RB_NET
# Router solicitations and DAD would only add noise to the lab segment.
for dev in eth0 ${bridge}; do echo 1 > /proc/sys/net/ipv6/conf/$dev/disable_ipv6; done
busybox syslogd -O /var/log/syslog
/usr/sbin/sshd -E /var/log/sshd.log ${sshdOptions.map(quote).join(' ')} || fail "sshd"
read -r uptime _ < /proc/uptime
echo ${quote(cfg.readyMarker)} "$uptime"
exec /usr/bin/tini -s -- /bin/sleep infinity
`;
}
