// package: converges system packages to installed (present), newest (latest)
// or removed (absent), with apt on Debian/Ubuntu and dnf/yum on RHEL-likes,
// detected on the host. One query for all names; one install/remove command.
//
//   - name: load-balancer packages
//     package:
//       name: [keepalived, ipvsadm]
//       state: present

import { defineModule, noop, runFactsQuery, stdoutFactsQuery, type Change, type FactsQuery, type Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { and, raw, sh } from '../../core/transport/shell.js';
import { packageFactsCommand, parsePackageFacts, type Manager, type PackageFacts } from './facts.js';

/** The facts as one read-only command (batched with other tasks' facts by the engine). */
function packageQuery(host: string, p: PackageParams): FactsQuery<PackageFacts> {
  const candidates = p.state === 'latest' ? 'all' : p.state === 'present' ? 'missing' : 'none';
  return stdoutFactsQuery(host, 'package', packageFactsCommand(p.name, candidates, p.cache_valid_time !== undefined), (out) => parsePackageFacts(p.name, out));
}

export interface PackageParams {
  name: string[];
  state: 'present' | 'absent' | 'latest';
  update_cache: boolean;
  cache_valid_time?: number;
  install_recommends?: boolean;
  purge: boolean;
}

/** Whether the index is refreshed before an install: update_cache, or an index older than cache_valid_time. */
function refreshCache(p: PackageParams, f: PackageFacts): boolean {
  if (p.update_cache) return true;
  return p.cache_valid_time !== undefined && f.cacheAge !== undefined && f.cacheAge > p.cache_valid_time;
}

const APT = 'DEBIAN_FRONTEND=noninteractive apt-get';

function commands(m: Manager, verb: 'install' | 'upgrade' | 'remove', names: string[], p: PackageParams, updateCache: boolean): string[] {
  const out: string[] = [];
  if (m === 'apt') {
    if (updateCache && verb !== 'remove') out.push('apt-get update -q');
    if (verb === 'remove') out.push(p.purge ? sh`${raw(APT)} remove -y --purge ${names}` : sh`${raw(APT)} remove -y ${names}`);
    // rb leaves recommends out unless asked; install_recommends: true installs them as apt's default does.
    else if (p.install_recommends) out.push(sh`${raw(APT)} install -y --install-recommends ${names}`);
    else out.push(sh`${raw(APT)} install -y --no-install-recommends ${names}`);
  } else {
    if (updateCache && verb !== 'remove') out.push(`${m} makecache -q`);
    out.push(sh`${m} ${verb} -y ${names}`);
  }
  return out;
}

export function planPackage(p: PackageParams, f: PackageFacts): Plan {
  if (!f.manager) throw new ModuleError('no apt-get, dnf or yum on the host');
  const m = f.manager;
  const warnings: string[] = [];
  const changes: Change[] = [];
  const group = (kind: string, verb: 'install' | 'upgrade' | 'remove', names: string[], after: (n: string) => string | undefined) => {
    names.forEach((n, i) => {
      changes.push({
        kind,
        resource: n,
        field: 'version',
        before: f.installed[n] ?? undefined,
        after: after(n),
        ...(i === 0 ? { commands: commands(m, verb, names, p, refreshCache(p, f)) } : {}),
      });
    });
  };
  if (p.state === 'absent') {
    const present = p.name.filter((n) => f.installed[n] !== null);
    group('remove-package', 'remove', present, () => undefined);
    return changes.length ? { changes } : noop(`not installed: ${p.name.join(', ')}`);
  }
  const missing = p.name.filter((n) => f.installed[n] === null);
  for (const n of missing) if (f.candidate && f.candidate[n] === null) warnings.push(`no installation candidate for ${n} in the repositories (update_cache?)`);
  group('install-package', 'install', missing, (n) => f.candidate?.[n] ?? 'latest');
  let unknown = false;
  if (p.state === 'latest') {
    const installed = p.name.filter((n) => f.installed[n] !== null);
    // yum offers no cheap candidate query: then nobody can tell whether an upgrade exists.
    if (!f.candidate) unknown = installed.length > 0;
    const outdated = f.candidate ? installed.filter((n) => f.candidate![n] !== null && f.candidate![n] !== f.installed[n]) : installed;
    group('upgrade-package', m === 'apt' ? 'install' : 'upgrade', outdated, (n) => f.candidate?.[n] ?? 'latest');
  }
  if (!changes.length) {
    const versions = p.name.map((n) => `${n} ${f.installed[n]}`).join(', ');
    return { ...noop(p.state === 'latest' ? `newest versions installed: ${versions}` : `installed: ${versions}`), ...(warnings.length ? { warnings } : {}) };
  }
  return { changes, ...(warnings.length ? { warnings } : {}), ...(unknown ? { unknown } : {}) };
}

export default defineModule<PackageParams, PackageFacts>({
  name: 'package',
  summary: 'System packages installed, newest or removed (apt, dnf or yum)',
  params: {
    name: {
      type: 'list',
      single: true,
      required: true,
      aliases: ['pkg'],
      items: { type: 'string', pattern: /^[A-Za-z0-9][A-Za-z0-9+._:-]*$/, patternName: 'a package name' },
    },
    state: { type: 'string', enum: ['present', 'absent', 'latest'], default: 'present' },
    update_cache: { type: 'bool', default: false, aliases: ['update-cache'], description: 'refresh the package index before installing (only when something gets installed)' },
    cache_valid_time: { type: 'int', min: 0, description: 'apt: refresh the index before installing only when it is older than this many seconds' },
    install_recommends: { type: 'bool', aliases: ['install-recommends'], description: 'apt: also install recommended packages (rb leaves them out by default)' },
    purge: { type: 'bool', default: false, description: 'apt: remove configuration files too (state absent)' },
  },
  rules: (p) => [
    ...(Array.isArray(p.name) && p.name.length === 0 ? [['name', 'give at least one package'] as [string, string]] : []),
    ...(p.purge === true && p.state !== 'absent' ? [['purge', 'only applies to state absent'] as [string, string]] : []),
  ],
  supports: { check: true, diff: true, rollback: false },
  // apt or dnf waiting for a lock or a mirror for ever is stopped after 30 minutes.
  timeout: 1800,
  example: `- package: { name: [keepalived, ipvsadm], state: present }`,

  factsQuery: (ctx, p) => packageQuery(ctx.host, p),
  facts: (ctx, p) => runFactsQuery(ctx, packageQuery(ctx.host, p)),
  plan: planPackage,
  async apply(ctx, _p, plan) {
    const r = await ctx.run(and(...plan.changes.flatMap((c) => c.commands ?? [])), { timeoutMs: 30 * 60_000 });
    return { changed: true, stdout: r.stdout.slice(-4000) };
  },
});
