// What a lab host is made of: the files written into its overlay's upper dir
// before it starts, and the scripts that launch and boot it. Pure text.

import { PREFIX_LEN, type LabHost } from './topology.js';

export function sshdConfig(h: LabHost): string {
  return `# rb lab host ${h.name}: key-only root login on the lab address.
ListenAddress ${h.address}
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
MaxStartups 200
MaxSessions 200
PidFile /run/sshd.pid
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
`;
}

export function etcHosts(hosts: readonly LabHost[]): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const h of [...hosts].sort((a, b) => a.index - b.index)) lines.push(`${h.address}\t${h.name}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Runs as the child of tini (pid 1) in the host's fresh mount, UTS, IPC and
 * PID namespaces, already inside its netns. $1 = the host's state dir,
 * $2 = hostname, $3 = address/prefix, $4 = the /dev template. Builds the root
 * (overlay of `/`), pivots into it so the state dir disappears, starts
 * syslogd and sshd, then says "ready" on stdout and idles: tini exits
 * (killing the host) when this script does.
 */
export const BOOT_SCRIPT = `set -eu
H=$1 R=$1/root
setfattr -n trusted.overlay.opaque -v y "$H/upper/root"
mount -t overlay rblab -o "lowerdir=/,upperdir=$H/upper,workdir=$H/work" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
# net.* sysctls are per netns; every other key is global to the machine: read-only.
mount --bind "$R/proc/sys" "$R/proc/sys"
mount --bind "$R/proc/sys/net" "$R/proc/sys/net"
mount -o remount,bind,ro "$R/proc/sys"
[ ! -e "$R/proc/sysrq-trigger" ] || mount -o bind,ro "$R/proc/sysrq-trigger" "$R/proc/sysrq-trigger"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount -t tmpfs -o mode=755,nosuid,size=1m dev "$R/dev"
cp -a "$4/." "$R/dev/"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$R/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$R/dev/shm"
mount -t tmpfs -o mode=755,nosuid,nodev run "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$R/tmp"
cd "$R"
pivot_root . .
umount -l .
cd /
mkdir -p -m 755 /run/sshd
mkdir -p -m 1777 /run/lock
hostname "$2"
for i in eth0 eth1; do [ ! -e /proc/sys/net/ipv6/conf/$i ] || echo 1 > /proc/sys/net/ipv6/conf/$i/disable_ipv6; done
printf 'link set lo up\\naddr add %s dev eth0\\nlink set eth0 up\\nlink set eth1 up\\n' "$3" | ip -batch -
busybox syslogd -O /var/log/syslog
/usr/sbin/sshd -f /etc/ssh/sshd_config -E /var/log/sshd.log
echo ready
exec sleep infinity </dev/null >/dev/null 2>&1
`;

/**
 * Runs first in the launch chain: closes every inherited descriptor above 2
 * (a leaked lock or a test runner's pipe would otherwise be held open by the
 * host for ever), then execs the chain given as arguments.
 */
export const LAUNCH_SCRIPT = `for fd in /proc/$$/fd/*; do
  fd=\${fd##*/}
  case $fd in 0|1|2) ;; *) eval "exec $fd>&-" ;; esac
done
exec "$@"
`;

/**
 * The argv that starts a host: netns → new namespaces → tini → boot script.
 * The script is a file (short `ps` lines); bash keeps it open, so it still
 * reads it after pivot_root has hidden the state dir.
 */
export function launchArgv(h: LabHost, bootFile: string, stateDir: string, devTemplate: string): string[] {
  return [
    '/bin/bash', '-c', LAUNCH_SCRIPT, 'rblab-launch',
    'nsenter', `--net=/run/netns/${h.netns}`,
    'unshare', '--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', '--propagation', 'private',
    'tini', '-s', '--',
    '/bin/bash', bootFile, stateDir, h.name, `${h.address}/${h.prefixLen ?? PREFIX_LEN}`, devTemplate,
  ];
}
