// `rb adopt` for kernel parameters: the LVS-relevant keys, live and as the boot
// files persist them. A key persisted in a file becomes a task on that file
// (live too when the running value agrees); a key set only live (echo 1 >
// /proc/...) becomes a live-only task, so adoption changes nothing either way.

import type { ModuleAdopt } from '../../core/module.js';
import type { SysctlFacts } from './facts.js';
import { canonicalKey, sameValue } from './keys.js';

const IFACES = ['all', 'default', 'lo', 'eth0', 'eth1', 'ens33', 'ens192'];
const PER_IFACE = ['arp_ignore', 'arp_announce', 'rp_filter', 'send_redirects'];

/** The kernel's defaults, where they are fixed: a live value equal to these was never set by hand. */
const DEFAULTS: Record<string, string> = { arp_ignore: '0', arp_announce: '0', send_redirects: '1', ip_forward: '0' };

export const ADOPTED_KEYS: readonly string[] = [
  'net.ipv4.ip_forward',
  ...IFACES.flatMap((i) => PER_IFACE.map((k) => `net.ipv4.conf.${i}.${k}`)),
  'net.ipv4.vs.conntrack',
  'net.ipv4.vs.expire_nodest_conn',
  'net.ipv4.vs.expire_quiescent_template',
];

const VENDOR = /^\/(usr\/)?lib\/sysctl\.d\//;

const leaf = (key: string) => key.slice(key.lastIndexOf('.') + 1);

export const sysctlAdopt: ModuleAdopt<SysctlFacts> = {
  probe: { settings: Object.fromEntries(ADOPTED_KEYS.map((k) => [k, '0'])), live: false, persist: true },
  params(f) {
    // The value each boot file gives a key; the last line of a file wins within it.
    const byFile = new Map<string, Map<string, string>>();
    for (const e of f.elsewhere ?? []) {
      // The distribution's defaults (/usr/lib/sysctl.d) are the package's, not the operator's.
      if (VENDOR.test(e.file)) continue;
      const key = ADOPTED_KEYS.find((k) => canonicalKey(k) === canonicalKey(e.key));
      if (!key) continue;
      if (!byFile.has(e.file)) byFile.set(e.file, new Map());
      byFile.get(e.file)!.set(key, e.value.trim());
    }
    // A file seen again under another name (Debian's /etc/sysctl.d/99-sysctl.conf links to
    // /etc/sysctl.conf) is adopted once, under the name read last at boot.
    const files = [...byFile.keys()];
    const same = (a: Map<string, string>, b: Map<string, string>) => JSON.stringify([...a]) === JSON.stringify([...b]);
    files.forEach((file, i) => {
      if (files.slice(i + 1).some((later) => same(byFile.get(file)!, byFile.get(later)!))) byFile.delete(file);
    });
    const persisted = new Set([...byFile.values()].flatMap((m) => [...m.keys()]));
    const tasks: Array<Record<string, unknown>> = [];
    const liveOnly: Record<string, string> = {};
    for (const [file, keys] of byFile) {
      const both: Record<string, string> = {};
      const fileOnly: Record<string, string> = {};
      for (const [k, v] of keys) {
        const live = f.values[k];
        if (live === null || live === undefined) fileOnly[k] = v;
        else if (sameValue(live, v)) both[k] = v;
        else {
          fileOnly[k] = v;
          liveOnly[k] = live;
        }
      }
      if (Object.keys(both).length) tasks.push({ settings: both, file });
      if (Object.keys(fileOnly).length) tasks.push({ settings: fileOnly, file, live: false });
    }
    for (const k of ADOPTED_KEYS) {
      const live = f.values[k];
      if (persisted.has(k) || live === null || live === undefined) continue;
      const def = DEFAULTS[leaf(k)];
      if (def !== undefined && !sameValue(live, def)) liveOnly[k] = live;
    }
    if (Object.keys(liveOnly).length) tasks.push({ settings: liveOnly, persist: false });
    return tasks;
  },
};
