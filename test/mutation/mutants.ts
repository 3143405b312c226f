// Plausible bugs, one line each, injected one at a time into the pure logic and
// the engine by test/mutation/run.ts to measure whether the unit suite notices.
// Not part of CI (each mutant runs the whole unit suite): `npm run mutation`.

export interface Mutant {
  file: string;
  find: string;
  replace: string;
  what: string;
}

export const MUTANTS: Mutant[] = [
  { file: 'modules/sysctl/keys.ts', find: "if (slash === -1 || (dot !== -1 && dot < slash)) return k;", replace: 'return k;', what: 'sysctl: keys spelled with slashes no longer read as the dotted key' },
  { file: 'modules/sysctl/plan.ts', find: '  return p.live && !(p.reload === false && p.sysctl_set !== true);', replace: '  return !(p.reload === false && p.sysctl_set !== true);', what: 'sysctl: live: false ignored' },
  { file: 'modules/iptables_mark/plan.ts', find: 'mac_source: neg(p.mac_source, (m) => m.toLowerCase()),', replace: 'mac_source: neg(p.mac_source, (m) => m),', what: 'iptables_mark: upper-case MAC in params compared as written' },
  { file: 'modules/ipvs/table-edits.ts', find: "  if (have.weight !== want.weight) field('weight', have.weight, want.weight);", replace: '', what: 'ipvs: a changed weight is never corrected' },
  { file: 'modules/ipvs/table-edits.ts', find: "  if (have.ops !== want.ops) field('ops', have.ops, want.ops);", replace: '', what: 'ipvs: a changed ops flag is never corrected' },
  { file: 'modules/ipvs/table-edits.ts', find: "  if (have.uThreshold !== want.uThreshold) field('u_threshold', have.uThreshold, want.uThreshold);", replace: '', what: 'ipvs: a changed upper threshold is never corrected' },
  { file: 'modules/ifalias/plan.ts', find: 'return a.prefixlen === w.addr.prefix && a.label === w.label', replace: 'return a.label === w.label', what: 'ifalias: a wrong prefix length is not drift' },
  { file: 'modules/rsyncd/plan.ts', find: "  if (s.mode !== '0600' || s.owner !== 'root') {", replace: "  if (s.owner !== 'root') {", what: 'rsyncd: a world-readable secrets file is not drift' },
  { file: 'modules/rsyncd/apply.ts', find: "content: secretsContent(p.secrets ?? {}), mode: '0600'", replace: "content: secretsContent(p.secrets ?? {}), mode: '0644'", what: 'rsyncd: secrets file written 0644' },
  { file: 'core/transport/shell.ts', find: 'const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;', replace: 'const SAFE = /^[A-Za-z0-9_@%+=:,./ -]+$/;', what: 'shell quoting: a word with a blank left bare' },
  { file: 'core/transport/script-parts.ts', find: 'parts.push({ out: stdout.slice(start, m.index), code: Number(m[1]) });', replace: 'parts.push({ out: stdout.slice(start, m.index), code: 0 });', what: 'fact parts: exit codes lost' },
  { file: 'core/transport/known-hosts.ts', find: "  if (sameType.length > 0) return { status: 'mismatch', entries: sameType };", replace: '', what: 'known_hosts: a changed host key is not a mismatch' },
  { file: 'core/inventory/patterns.ts', find: "  const not = parts.filter((p) => p[0] === '!');", replace: "  const not = parts.filter((p) => p[0] === '~never~');", what: 'host patterns: !exclusions ignored' },
  { file: 'core/engine/task-runner.ts', find: "if (result.status === 'changed') for (const n of task.notify)", replace: "if (result.status !== 'failed') for (const n of task.notify)", what: 'engine: handlers notified by ok tasks too' },
  { file: 'core/engine/rollback.ts', find: 'state.journal.splice(0).reverse()', replace: 'state.journal.splice(0)', what: 'engine: rollback oldest first' },
  { file: 'core/engine/task-runner.ts', find: "r.status = plan.unknown || unproven ? 'unknown' : plan.changes.length ? 'changed' : 'ok';", replace: "r.status = plan.changes.length ? 'changed' : 'ok';", what: 'engine: check mode reports unpredictable tasks as ok' },
  { file: 'core/engine/gather.ts', find: 'if (hit && hit.epoch === state.epoch && hit.key === paramsKey(params))', replace: 'if (hit && hit.key === paramsKey(params))', what: 'engine: facts prefetched before an apply used after it' },
  { file: 'core/engine/task-runner.ts', find: "    if (!changed) r = { ...r, status: 'ok' };", replace: "    if (false) r = { ...r, status: 'ok' };", what: 'engine: changed_when false ignored' },
  { file: 'core/cli/exit-code.ts', find: "return hosts.some((h) => h.changed > 0) ? 2 : 0;", replace: 'return 0;', what: 'drift: exit 0 on drift' },
  { file: 'core/engine/rollback.ts', find: 'if (!e.def.supports.rollback || !e.def.rollback) {', replace: 'if (!e.def.rollback) {', what: 'engine: supports.rollback false not honoured' },
  { file: 'core/plugins/site-registry.ts', find: "if (this.builtin.has(m.name) && (def as { shadowsBuiltin?: unknown }).shadowsBuiltin !== true) {", replace: 'if (false) {', what: 'site modules: a built-in silently replaced' },
  { file: 'modules/lib/command-run.ts', find: "if (p.creates) parts.push(sh`if [ -e ${onHost(p, p.creates)} ]; then echo creates; fi`);", replace: '', what: 'command: creates ignored' },
  { file: 'core/engine/task-runner.ts', find: "if (!check && !got.fresh && (plan.unknown || plan.changes.length)) {", replace: 'if (!check && got.fresh && (plan.unknown || plan.changes.length)) {', what: 'engine: a change applied on prefetched facts, not re-read ones' },
  { file: 'core/engine/task-runner.ts', find: '      state.journal.push({ task, def, params, snapshot: facts, plan, changes: plan.changes, via });', replace: '', what: 'engine: an applied change is not journalled (never rolled back)' },
  { file: 'core/engine/task-runner.ts', find: "const changes = def.supports.diff ? plan.changes : plan.changes.map(", replace: 'const changes = true ? plan.changes : plan.changes.map(', what: 'engine: supports.diff false not honoured' },
  { file: 'core/engine/task-runner.ts', find: 'const attempts = task.retries === undefined ? 3 : task.retries <= 0 ? 1 : task.retries + 1;', replace: 'const attempts = task.retries === undefined ? 3 : task.retries <= 0 ? 1 : task.retries;', what: 'engine: until makes one attempt fewer than retries + 1' },
  { file: 'core/engine/play-runner.ts', find: '    const names = [h.name, ...h.listen];', replace: '    const names = [h.name];', what: 'engine: a handler listening to a topic is not run' },
  { file: 'core/engine/play-runner.ts', find: '  for (const h of play.handlers) {', replace: '  for (const h of [...play.handlers].reverse()) {', what: 'engine: handlers run in reverse definition order' },
  { file: 'core/engine/tags.ts', find: "  if (has('always') && !skipTags.includes('always')) return true;\n", replace: '', what: 'tags: an always task skipped by --tags' },
  { file: 'core/report/redact.ts', find: '  if (c.after !== undefined) out.after = MASK;', replace: '  if (c.after !== undefined) out.after = c.after;', what: 'reports: the new value of a secret change shown' },
  { file: 'core/transport/shell.ts', find: "return `'${s.replace(/'/g, `'\\\\''`)}'`;", replace: "return `'${s}'`;", what: 'shell quoting: a single quote inside a word not escaped' },
  { file: 'modules/ipvs/table-edits.ts', find: "  if (have.lThreshold !== want.lThreshold) field('l_threshold', have.lThreshold, want.lThreshold);", replace: '', what: 'ipvs: a changed lower threshold is never corrected' },
  { file: 'modules/ipvs/table-edits.ts', find: "  if (have.scheduler !== want.scheduler) field('scheduler', have.scheduler, want.scheduler);", replace: '', what: 'ipvs: a changed scheduler is never corrected' },
  { file: 'modules/sysctl/plan.ts', find: 'canonicalKey(e.key) === canonicalKey(key) && readAfter(e.file, p.file)', replace: 'e.key === key && readAfter(e.file, p.file)', what: 'sysctl: an override spelled with slashes in a later boot file not warned' },
];
