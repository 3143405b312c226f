// The remote command that reads a host's system facts (what Ansible's `setup`
// reports) with few processes: one grep prints every small file it needs with
// its path, one `ip -batch` gives addresses and the default routes as JSON, and
// uname, getent, date and env give the rest. Nothing is written on the host.
// Each section starts with a marker line `@@rb-facts:NAME`; parse.ts reads it.

/** Files read in one grep: each output line is `path:line`. */
export const FACT_FILES = [
  '/proc/sys/kernel/hostname', '/proc/sys/kernel/osrelease', '/proc/sys/kernel/version', '/proc/sys/kernel/arch',
  '/etc/os-release', '/usr/lib/os-release', '/etc/debian_version', '/etc/redhat-release', '/etc/alpine-release',
  '/var/lib/dbus/machine-id', '/etc/machine-id', '/proc/1/comm', '/proc/uptime', '/proc/meminfo', '/proc/cpuinfo', '/etc/resolv.conf',
  '/proc/self/status', '/etc/passwd', '/etc/group',
];

/** Paths whose existence decides pkg_mgr and service_mgr (tested by the shell, no process). */
export const PROBED_PATHS = [
  '/usr/bin/apt-get', '/usr/bin/dnf', '/usr/bin/dnf5', '/usr/bin/yum', '/usr/bin/zypper', '/sbin/apk', '/usr/bin/pacman',
  '/usr/bin/systemctl', '/bin/systemctl', '/run/systemd/system', '/dev/.run/systemd', '/dev/.systemd', '/sbin/initctl',
  '/etc/init', '/sbin/openrc', '/etc/init.d', '/usr/bin/python3', '/usr/bin/python',
];

export const FACTS_MARK = '@@rb-facts:';

const section = (name: string) => `printf '\\n${FACTS_MARK}${name}\\n'`;

/** The shell command (POSIX sh) printing every section. */
export const FACTS_COMMAND = [
  `${section('files')}; grep -sH '' ${FACT_FILES.join(' ')}`,
  `${section('sbin_init')}; if [ -L /sbin/init ]; then readlink /sbin/init; fi`,
  `${section('uname')}; [ -r /proc/sys/kernel/arch ] || uname -m`,
  `${section('fqdn')}; read -r rb_facts_h </proc/sys/kernel/hostname && getent hosts "$rb_facts_h"`,
  `${section('ip')}; printf 'addr show\\nroute get 8.8.8.8\\nroute get 2404:6800:400a:800::1012\\n' | ip -j -d -force -batch - 2>/dev/null`,
  `${section('date')}; date '+%Y %m %d %H %M %S %s %z %Z %A %w %W %N'`,
  `${section('paths')}; for rb_facts_p in ${PROBED_PATHS.join(' ')}; do if [ -e "$rb_facts_p" ]; then printf '%s\\n' "$rb_facts_p"; fi; done`,
  `${section('env')}; env`,
  `${section('end')}; true`,
].join('\n');
