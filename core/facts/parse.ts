// The output of FACTS_COMMAND → the facts Ansible's setup reports, without the
// `ansible_` prefix (as in `ansible_facts[...]`). Pure: unit-tested against
// output captured on lab hosts next to Ansible's own (capture.sh).

import { distributionFacts } from './distribution.js';
import { networkFacts } from './network.js';
import { splitSections } from './sections.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function parseFacts(stdout: string): Record<string, unknown> {
  const { files, sections } = splitSections(stdout);
  const line = (p: string) => files.get(p)?.split('\n')[0]?.trim();
  const nodename = line('/proc/sys/kernel/hostname') ?? 'localhost';
  const fqdn = fqdnOf(sections.get('fqdn'), nodename);
  const arch = line('/proc/sys/kernel/arch') || sections.get('uname')?.trim() || 'unknown';
  const paths = new Set((sections.get('paths') ?? '').split('\n').filter(Boolean));
  const dist = distributionFacts(files);
  const facts: Record<string, unknown> = {
    system: 'Linux',
    kernel: line('/proc/sys/kernel/osrelease') ?? 'unknown',
    kernel_version: line('/proc/sys/kernel/version') ?? 'unknown',
    machine: arch,
    architecture: arch,
    userspace_architecture: arch,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.split('.').slice(1).join('.'),
    machine_id: line('/var/lib/dbus/machine-id') || line('/etc/machine-id') || undefined,
    ...dist,
    ...memoryFacts(files.get('/proc/meminfo')),
    ...processorFacts(files.get('/proc/cpuinfo'), files.get('/proc/self/status')),
    ...userFacts(files.get('/proc/self/status'), files.get('/etc/passwd')),
    ...networkFacts(sections.get('ip')),
    dns: dnsFacts(files.get('/etc/resolv.conf')),
    date_time: dateTime(sections.get('date')),
    env: envFacts(sections.get('env')),
    service_mgr: serviceMgr(line('/proc/1/comm'), sections.get('sbin_init')?.trim(), paths),
    pkg_mgr: pkgMgr(paths, String(dist.os_family)),
    uptime_seconds: Math.trunc(Number((line('/proc/uptime') ?? '0').split(/\s+/)[0])),
  };
  for (const k of Object.keys(facts)) if (facts[k] === undefined) delete facts[k];
  return facts;
}

function fqdnOf(getent: string | undefined, nodename: string): string {
  const names = (getent ?? '').split('\n')[0]?.trim().split(/\s+/).slice(1) ?? [];
  return names.find((n) => n.includes('.')) ?? names[0] ?? nodename;
}

function kv(text: string | undefined, sep: RegExp): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of (text ?? '').split('\n')) {
    const at = l.search(sep);
    if (at > 0) m.set(l.slice(0, at).trim(), l.slice(at + 1).trim());
  }
  return m;
}

function memoryFacts(meminfo: string | undefined): Record<string, unknown> {
  const m = kv(meminfo, /:/);
  const mb = (k: string) => Math.trunc(parseInt(m.get(k) ?? '0', 10) / 1024);
  const total = mb('MemTotal');
  const free = mb('MemFree');
  const nocacheFree = free + mb('Buffers') + mb('Cached');
  return {
    memtotal_mb: total,
    memfree_mb: free,
    swaptotal_mb: mb('SwapTotal'),
    swapfree_mb: mb('SwapFree'),
    memory_mb: {
      real: { total, free, used: total - free },
      nocache: { free: nocacheFree, used: total - nocacheFree },
      swap: { total: mb('SwapTotal'), free: mb('SwapFree'), used: mb('SwapTotal') - mb('SwapFree'), cached: mb('SwapCached') },
    },
  };
}

function processorFacts(cpuinfo: string | undefined, status: string | undefined): Record<string, unknown> {
  const processor: string[] = [];
  const sockets = new Map<string, number>();
  let cores = 0;
  let siblings = 0;
  let physical = '0';
  let count = 0;
  for (const l of (cpuinfo ?? '').split('\n')) {
    const at = l.indexOf(':');
    if (at < 0) continue;
    const key = l.slice(0, at).trim();
    const value = l.slice(at + 1).trim();
    if (key === 'processor') {
      processor.push(value);
      count++;
    } else if (key === 'vendor_id' || key === 'model name') processor.push(value);
    else if (key === 'physical id') {
      physical = value;
      if (!sockets.has(value)) sockets.set(value, 0);
    } else if (key === 'cpu cores') {
      cores = Number(value);
      sockets.set(physical, cores);
    }
    else if (key === 'siblings') siblings = Number(value);
  }
  const sockCount = sockets.size || 1;
  cores ||= 1;
  const threads = siblings ? Math.max(1, Math.trunc(siblings / cores)) : 1;
  const allowed = kv(status, /:/).get('Cpus_allowed_list');
  return {
    processor,
    processor_count: sockCount,
    processor_cores: sockets.size ? cores : count || 1,
    processor_threads_per_core: threads,
    processor_vcpus: sockets.size ? threads * cores * sockCount : count || 1,
    processor_nproc: allowed ? cpuListSize(allowed) : count || 1,
  };
}

function cpuListSize(list: string): number {
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - a + 1;
  }
  return n;
}

function userFacts(status: string | undefined, passwd: string | undefined): Record<string, unknown> {
  const s = kv(status, /:/);
  const [ruid, euid] = (s.get('Uid') ?? '0 0').split(/\s+/).map(Number);
  const [rgid, egid] = (s.get('Gid') ?? '0 0').split(/\s+/).map(Number);
  const entry = (passwd ?? '').split('\n').map((l) => l.split(':')).find((f) => f.length >= 7 && Number(f[2]) === euid);
  const out: Record<string, unknown> = { real_user_id: ruid, effective_user_id: euid, real_group_id: rgid, effective_group_id: egid };
  if (entry) Object.assign(out, { user_id: entry[0], user_uid: Number(entry[2]), user_gid: Number(entry[3]), user_gecos: entry[4], user_dir: entry[5], user_shell: entry[6] });
  return out;
}

function dnsFacts(text: string | undefined): Record<string, unknown> {
  const dns: Record<string, unknown> = {};
  for (const l of (text ?? '').split('\n')) {
    const words = l.replace(/[#;].*$/, '').trim().split(/\s+/);
    const [key, ...rest] = words;
    if (key === 'nameserver' && rest[0]) ((dns.nameservers ??= []) as string[]).push(rest[0]);
    else if (key === 'domain' && rest[0]) dns.domain = rest[0];
    else if (key === 'search') dns.search = rest;
    else if (key === 'sortlist') dns.sortlist = rest;
    else if (key === 'options' && rest.length) {
      const options = (dns.options ??= {}) as Record<string, string | boolean>;
      for (const o of rest) {
        const [k, v] = o.split(':');
        options[k] = v === undefined ? true : v;
      }
    }
  }
  return dns;
}

function dateTime(text: string | undefined): Record<string, string> {
  const [year, month, day, hour, minute, second, epoch, offset, tz, , weekdayNumber, weeknumber, nanos] = (text ?? '').trim().split(/\s+/);
  const micro = (nanos ?? '000000').slice(0, 6);
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  return {
    year, month, day, hour, minute, second, epoch, epoch_int: epoch,
    date: `${year}-${month}-${day}`, time: `${hour}:${minute}:${second}`,
    iso8601: `${utc}Z`, iso8601_micro: `${utc}.${micro}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`, iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz, tz_dst: tz, tz_offset: offset,
    weekday: WEEKDAYS[Number(weekdayNumber)] ?? '', weekday_number: weekdayNumber, weeknumber,
  };
}

function envFacts(text: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  let last: string | undefined;
  for (const l of (text ?? '').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l);
    if (m) env[(last = m[1])] = m[2];
    else if (last !== undefined) env[last] += `\n${l}`;
  }
  return env;
}

const PROC1: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

function serviceMgr(comm: string | undefined, sbinInit: string | undefined, paths: Set<string>): string {
  let proc1 = comm || (sbinInit ? sbinInit.split('/').pop() : undefined);
  if (proc1 === 'init' || proc1?.endsWith('sh')) proc1 = undefined;
  if (proc1) return PROC1[proc1] ?? proc1;
  const systemctl = paths.has('/usr/bin/systemctl') || paths.has('/bin/systemctl');
  if (systemctl && ['/run/systemd/system', '/dev/.run/systemd', '/dev/.systemd'].some((p) => paths.has(p))) return 'systemd';
  if (paths.has('/sbin/initctl') && paths.has('/etc/init')) return 'upstart';
  if (paths.has('/sbin/openrc')) return 'openrc';
  if (systemctl && sbinInit?.split('/').pop() === 'systemd') return 'systemd';
  if (paths.has('/etc/init.d')) return 'sysvinit';
  return 'service';
}

function pkgMgr(paths: Set<string>, family: string): string {
  if (family === 'Debian' && paths.has('/usr/bin/apt-get')) return 'apt';
  if (family === 'RedHat') return paths.has('/usr/bin/dnf5') ? 'dnf5' : paths.has('/usr/bin/dnf') ? 'dnf' : paths.has('/usr/bin/yum') ? 'yum' : 'unknown';
  for (const [p, name] of [['/usr/bin/apt-get', 'apt'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/yum', 'yum'], ['/usr/bin/zypper', 'zypper'], ['/sbin/apk', 'apk'], ['/usr/bin/pacman', 'pacman']]) {
    if (paths.has(p)) return name;
  }
  return 'unknown';
}
