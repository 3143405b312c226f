// Package facts in one exec: which manager the host has, the installed version
// of each name (dpkg-query / rpm -q) and, when needed, what the repositories
// offer (apt-cache policy candidate / dnf repoquery). The repositories are asked
// only about what needs them: `present` asks about the packages not installed
// (none, on a converged host: apt-cache reads every package list, seconds on a
// slow host), `latest` about all of them.

import { sh } from '../../core/transport/shell.js';

export type Manager = 'apt' | 'dnf' | 'yum';

export interface PackageFacts {
  manager: Manager | null;
  /** Installed version, null when not installed. */
  installed: Record<string, string | null>;
  /** Best available version (apt candidate), null when the repositories have none; absent when not asked. */
  candidate?: Record<string, string | null>;
  /** Seconds since the package index was last refreshed (apt), when asked (`cache_valid_time`). */
  cacheAge?: number;
}

/** Which packages the repositories are asked about: none, those not installed, or all. */
export type CandidateQuery = 'none' | 'missing' | 'all';

/**
 * The age of apt's index: the newest of apt's own success stamp and the lists
 * folder (where the stamp is missing), as Ansible's apt module measures it.
 */
const APT_CACHE_AGE =
  'rb_t=$(stat -c %Y /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists 2>/dev/null | sort -n | tail -n 1); ' +
  'echo "cache-age $(( $(date +%s) - ${rb_t:-0} ))"';

export function packageFactsCommand(names: string[], candidates: CandidateQuery, cacheAge = false): string {
  const dpkgFormat = '${Package}\\t${Status}\\t${Version}\\n';
  // Names are validated package names (no blanks, no shell characters): $ask splits on spaces only.
  // The case patterns hold a TAB after the name and after the status, as dpkg-query prints them.
  const missingOnly = [
    'ask=',
    sh`for n in ${names}; do case "$out" in "$n	install ok installed	"*|*"
$n	install ok installed	"*) ;; *) ask="$ask $n" ;; esac; done`,
    'if [ -n "$ask" ]; then echo "@@candidates"; LC_ALL=C apt-cache policy $ask 2>/dev/null; fi',
  ];
  const apt = [
    'echo "manager apt"',
    ...(cacheAge ? [APT_CACHE_AGE] : []),
    sh`out=$(dpkg-query -W -f=${dpkgFormat} ${names} 2>/dev/null); [ -z "$out" ] || printf '%s\n' "$out"`,
    ...(candidates === 'all' ? ['echo "@@candidates"', sh`LC_ALL=C apt-cache policy ${names} 2>/dev/null`] : candidates === 'missing' ? missingOnly : []),
  ];
  const rpm = (m: Manager) => [
    `echo "manager ${m}"`,
    sh`rpm -q --qf ${'%{NAME}\\t%{VERSION}-%{RELEASE}\\n'} ${names} 2>/dev/null`,
    ...(candidates !== 'none' && m === 'dnf'
      ? ['echo "@@candidates"', sh`dnf -q repoquery --latest-limit=1 --qf ${'%{name}\\t%{version}-%{release}\\n'} ${names} 2>/dev/null`]
      : []),
  ];
  return [
    'if command -v apt-get >/dev/null 2>&1; then',
    ...apt,
    'elif command -v dnf >/dev/null 2>&1; then',
    ...rpm('dnf'),
    'elif command -v yum >/dev/null 2>&1; then',
    ...rpm('yum'),
    'else echo "manager none"; fi',
    'true',
  ].join('\n');
}

/** Parse packageFactsCommand output (dpkg-query / rpm lines, then apt-cache policy or repoquery). */
export function parsePackageFacts(names: string[], stdout: string): PackageFacts {
  const lines = stdout.split('\n');
  const head = /^manager (apt|dnf|yum|none)$/.exec(lines[0] ?? '');
  if (!head) throw new Error(`package facts: expected "manager ..." first, got ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const manager = head[1] === 'none' ? null : (head[1] as Manager);
  const installed: Record<string, string | null> = Object.fromEntries(names.map((n) => [n, null]));
  const split = lines.indexOf('@@candidates');
  const body = lines.slice(1, split < 0 ? undefined : split);
  const age = /^cache-age (-?\d+)$/.exec(body[0] ?? '');
  const cacheAge = age ? Math.max(0, Number(age[1])) : undefined;
  if (age) body[0] = '';
  for (const [i, line] of body.entries()) {
    if (line === '') continue;
    const f = line.split('\t');
    if (manager === 'apt') {
      if (f.length !== 3) throw new Error(`package facts: line ${i + 2}: expected "name<TAB>status<TAB>version", got ${JSON.stringify(line.slice(0, 80))}`);
      // "install ok installed"; "deinstall ok config-files" is a removed package.
      if (f[0] in installed && f[1].endsWith(' installed')) installed[f[0]] = f[2];
    } else {
      // rpm prints "package X is not installed" for the others.
      if (f.length === 1 && /^package \S+ is not installed$/.test(line)) continue;
      if (f.length !== 2) throw new Error(`package facts: line ${i + 2}: expected "name<TAB>version", got ${JSON.stringify(line.slice(0, 80))}`);
      if (f[0] in installed) installed[f[0]] = f[1];
    }
  }
  const extra = cacheAge === undefined ? {} : { cacheAge };
  if (split < 0) return { manager, installed, ...extra };
  const rest = lines.slice(split + 1);
  const candidate: Record<string, string | null> = Object.fromEntries(names.map((n) => [n, null]));
  if (manager === 'apt') {
    let current: string | undefined;
    for (const line of rest) {
      const pkg = /^(\S+):$/.exec(line);
      if (pkg) current = pkg[1];
      const cand = /^\s+Candidate: (.+)$/.exec(line);
      if (cand && current !== undefined && current in candidate) candidate[current] = cand[1] === '(none)' ? null : cand[1];
    }
  } else {
    for (const line of rest) {
      const f = line.split('\t');
      if (f.length === 2 && f[0] in candidate) candidate[f[0]] = f[1];
    }
  }
  return { manager, installed, candidate, ...extra };
}
