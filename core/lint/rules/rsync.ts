// Content sync: every rsync daemon a sersync/lsyncd source pushes to has the
// module, lets the source in (`hosts allow`/`hosts deny`) and accepts writes.

import type { Finding, Rule } from '../types.js';
import { hostByAddress, inOrder, ownedAddresses, type Model } from '../model.js';

/** rsync's host matching: an address, ADDR/PREFIX, ADDR/MASK, a wildcard pattern or a host name. */
export function hostMatches(pattern: string, address: string, name: string): boolean {
  const p = pattern.trim().toLowerCase();
  if (p === '*' || p === address || p === name.toLowerCase()) return true;
  if (/[*?[]/.test(p)) return new RegExp(`^${p.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(address) || new RegExp(`^${p.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(name.toLowerCase());
  const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d+(?:\.\d+\.\d+\.\d+)?)$/.exec(p);
  if (cidr && /^\d+\.\d+\.\d+\.\d+$/.test(address)) {
    const mask = cidr[2].includes('.') ? toInt(cidr[2]) : cidr[2] === '0' ? 0 : (0xffffffff << (32 - Number(cidr[2]))) >>> 0;
    return ((toInt(cidr[1]) & mask) >>> 0) === ((toInt(address) & mask) >>> 0);
  }
  return false;
}

function toInt(a: string): number {
  return a.split('.').reduce((n, x) => ((n << 8) | Number(x)) >>> 0, 0);
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []);

export const rsyncRules: Array<Rule<Model>> = [
  {
    id: 'rsync/source-allowed',
    summary: 'each rsync daemon a sync source pushes to has the module, allows the source and accepts writes',
    check: (m) =>
      m.sersync.flatMap((src) =>
        src.remotes.flatMap((r): Finding[] => {
          const target = hostByAddress(m, r.ip);
          const daemon = target && m.rsyncd.find((d) => d.host === target.name);
          if (!target || !daemon) return [];
          const hosts = inOrder(m, [src.host, target.name]);
          const base = { rule: 'rsync/source-allowed', severity: 'error' as const, hosts, loc: daemon.loc };
          const mod = daemon.modules[r.module];
          if (!mod) return [{ ...base, message: `${src.host} pushes to module ${r.module} on ${target.name}, whose rsyncd.conf has no such module (it has ${Object.keys(daemon.modules).join(', ') || 'none'})`, why: 'rsync answers "Unknown module" to every push: the content never reaches that host, and sersync only logs the failure', fix: `add module ${r.module} to ${target.name}'s rsyncd, or push to one it has` }];
          const addresses = ownedAddresses(m.hosts.get(src.host)!);
          const allow = list(mod.hosts_allow ?? daemon.global.hosts_allow);
          const deny = list(mod.hosts_deny ?? daemon.global.hosts_deny);
          const allowed = (a: string) => allow.some((p) => hostMatches(p, a, src.host));
          const denied = (a: string) => deny.some((p) => hostMatches(p, a, src.host));
          const out: Finding[] = [];
          // rsync: a host listed in hosts allow is let in whatever hosts deny says; unlisted, a deny match refuses it.
          const ok = addresses.some((a) => (allow.length ? allowed(a) : !denied(a)));
          if (!ok) out.push({ ...base, message: `${target.name} module ${r.module}: hosts allow [${allow.join(' ')}]${deny.length ? `, hosts deny [${deny.join(' ')}]` : ''} does not let in ${src.host} (${addresses.join(', ') || 'address unknown'}), which pushes to it`, why: 'rsync refuses the source\'s connections ("access denied"): the content sync silently stops for that host and the real servers serve different content', fix: `add ${addresses[0] ?? src.host} (or its subnet) to hosts allow of module ${r.module} on ${target.name}` });
          const ro = mod.read_only ?? daemon.global.read_only;
          if (ro === undefined || ro === true || ro === 'yes' || ro === 'true') out.push({ ...base, message: `${target.name} module ${r.module} is read only, but ${src.host} pushes to it`, why: 'rsync refuses every write to a read-only module ("module is read only"): no file is ever updated', fix: `read_only: false on module ${r.module} of ${target.name}` });
          const users = list(mod.auth_users ?? daemon.global.auth_users);
          if (users.length && (!src.user || !users.some((u) => u.split(':')[0] === src.user))) out.push({ ...base, message: `${target.name} module ${r.module} requires auth users [${users.join(' ')}], but ${src.host} pushes ${src.user ? `as ${src.user}` : 'without a user'}`, why: 'rsync answers "auth failed" to every push: the content never arrives', fix: `give the sync source auth: { user: ${users[0].split(':')[0]}, password } matching the module's secrets` });
          return out;
        }),
      ),
  },
];
