// gather_subset and filter of `setup` (and of a play's gathering): which of the
// gathered facts a host gets, as Ansible selects them.

import { ConfigError } from '../errors.js';
import { fnmatchToRegex } from '../inventory/patterns.js';

/** Ansible's collector of each fact rb gathers ('network' also covers every interface). */
const COLLECTOR: Record<string, string> = {
  system: 'platform', kernel: 'platform', kernel_version: 'platform', machine: 'platform', architecture: 'platform', userspace_architecture: 'platform',
  nodename: 'platform', hostname: 'platform', fqdn: 'platform', domain: 'platform', machine_id: 'platform',
  distribution: 'distribution', distribution_version: 'distribution', distribution_major_version: 'distribution', distribution_minor_version: 'distribution',
  distribution_release: 'distribution', distribution_file_path: 'distribution', os_family: 'distribution',
  memtotal_mb: 'hardware', memfree_mb: 'hardware', swaptotal_mb: 'hardware', swapfree_mb: 'hardware', memory_mb: 'hardware', processor: 'hardware',
  processor_count: 'hardware', processor_cores: 'hardware', processor_threads_per_core: 'hardware', processor_vcpus: 'hardware', processor_nproc: 'hardware', uptime_seconds: 'hardware',
  real_user_id: 'user', effective_user_id: 'user', real_group_id: 'user', effective_group_id: 'user', user_id: 'user', user_uid: 'user', user_gid: 'user',
  user_gecos: 'user', user_dir: 'user', user_shell: 'user',
  dns: 'dns', date_time: 'date_time', env: 'env', service_mgr: 'service_mgr', pkg_mgr: 'pkg_mgr',
};

/** The collectors of `min` (Ansible's minimal gather subset, as far as rb gathers them). */
const MIN = ['platform', 'distribution', 'user', 'dns', 'date_time', 'env', 'service_mgr', 'pkg_mgr'];
const ALL = [...MIN, 'hardware', 'network'];
/** Subset names rb accepts: Ansible's, including those it has no facts for here. */
const KNOWN = new Set([...ALL, 'all', 'min', 'virtual', 'facter', 'ohai', 'apparmor', 'caps', 'cmdline', 'fips', 'local', 'lsb', 'python', 'selinux', 'ssh_pub_keys', 'devices', 'mounts', 'interfaces', 'default_ipv4', 'all_ipv4_addresses', 'all_ipv6_addresses']);

export function collectorOf(key: string): string {
  return COLLECTOR[key] ?? 'network';
}

/** The collectors a gather_subset list selects; throws on an unknown name. */
export function collectors(subset: readonly string[]): Set<string> {
  const out = new Set<string>();
  const excluded = new Set<string>();
  let allExcluded = false;
  let minExcluded = false;
  for (const raw of subset) {
    const neg = raw.startsWith('!');
    const name = (neg ? raw.slice(1) : raw).trim();
    if (!KNOWN.has(name)) throw new ConfigError([{ message: `gather_subset: unknown subset "${name}" (known: ${[...KNOWN].sort().join(', ')})` }]);
    const names = name === 'all' ? ALL : name === 'min' ? MIN : ['interfaces', 'default_ipv4', 'all_ipv4_addresses', 'all_ipv6_addresses'].includes(name) ? ['network'] : [name];
    if (neg) {
      if (name === 'all') allExcluded = true;
      else if (name === 'min') minExcluded = true;
      else names.forEach((n) => excluded.add(n));
    } else names.forEach((n) => out.add(n));
  }
  if (!subset.some((s) => !s.startsWith('!')) && !allExcluded) ALL.forEach((n) => out.add(n));
  for (const n of excluded) out.delete(n);
  // min is always gathered unless excluded itself.
  if (!minExcluded) MIN.filter((n) => !excluded.has(n)).forEach((n) => out.add(n));
  return out;
}

/** setup's `filter`: Python's fnmatch, as Ansible matches fact names. */
const globRegex = (pattern: string): RegExp => new RegExp(`^${fnmatchToRegex(pattern)}$`, 's');

/** The facts a gather_subset and filter keep (filter: shell patterns on `ansible_<name>`). */
export function selectFacts(facts: Record<string, unknown>, subset: readonly string[] = ['all'], filter: readonly string[] = []): Record<string, unknown> {
  const keep = collectors(subset);
  const patterns = filter.filter((f) => f !== '' && f !== '*').map(globRegex);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) {
    if (!keep.has(collectorOf(k))) continue;
    if (patterns.length && !patterns.some((p) => p.test(`ansible_${k}`) || p.test(k))) continue;
    out[k] = v;
  }
  return out;
}
