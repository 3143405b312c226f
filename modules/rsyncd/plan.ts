// facts + params → rsyncd changes: one per differing value of rsyncd.conf
// (`[data].hosts allow`), missing module paths, the secrets file (by hash,
// masked), the boot switch in /etc/default/rsync, then the daemon: started,
// stopped, or restarted only when a setting it reads at start changed (the
// rest is re-read on each connection, so a new file is live at once).

import type { Change, Plan } from '../../core/module.js';
import { unifiedDiff } from '../../core/files/diff.js';
import { sha256 } from '../../core/files/write.js';
import { argv, sh } from '../../core/transport/shell.js';
import { modelOf, parseRsyncd, type RsyncdDocument } from './conf.js';
import { daemonSpec, DEFAULTS_FILE, type RsyncdFacts } from './facts.js';
import { diffModels, editDocument } from './edit.js';
import { keyInfo } from './keys.js';
import { DEFAULT_CONFIG, modelFromParams, type RsyncdParams } from './params.js';

const KIND = { set: 'set-option', 'add-module': 'add-module', 'remove-module': 'remove-module' } as const;

export function documentOf(f: RsyncdFacts['config']): RsyncdDocument {
  if (f.content === undefined || f.parseError) return { lines: [], globals: [], modules: [], directives: [], ignored: [] };
  return parseRsyncd(f.content, f.path);
}

/** The secrets file rb writes: `user:password` lines in name order. */
export function secretsContent(secrets: Record<string, string>): string {
  return Object.keys(secrets)
    .sort()
    .map((u) => `${u}:${secrets[u]}\n`)
    .join('');
}

/** /etc/default/rsync with RSYNC_ENABLE (and RSYNC_CONFIG_FILE) set, other lines kept. */
export function editDefaults(content: string, vars: Record<string, string>): string {
  const lines = content.replace(/\n$/, '').split('\n');
  for (const [name, value] of Object.entries(vars)) {
    const re = new RegExp(`^\\s*#?\\s*(?:export\\s+)?${name}=`);
    const at = lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i >= 0);
    const live = at.filter((i) => !/^\s*#/.test(lines[i]));
    const target = live.length ? live[live.length - 1] : at[0];
    if (target === undefined) lines.push(`${name}=${value}`);
    else lines[target] = `${name}=${value}`;
  }
  return `${lines.join('\n')}\n`;
}

function configChanges(p: RsyncdParams, f: RsyncdFacts): { changes: Change[]; text?: string; restartFor: string[] } {
  const want = modelFromParams(p);
  const doc = documentOf(f.config);
  const out: Change[] = [];
  if (f.config.parseError) out.push({ kind: 'replace-config', resource: p.config, before: `unreadable (${f.config.parseError})`, after: 'rendered by rb' });
  else if (!f.config.exists) out.push({ kind: 'create-config', resource: p.config, before: undefined, after: 'present' });
  const fields = diffModels(modelOf(doc), want);
  for (const d of fields) out.push({ kind: KIND[d.op], resource: p.config, field: d.field, before: d.before, after: d.after });
  if (out.length === 0) return { changes: out, restartFor: [] };
  const text = editDocument(doc, want);
  out[0].diff = unifiedDiff(f.config.content ?? '', text, { fromLabel: `${p.config} (host)`, toLabel: `${p.config} (rb)` });
  out[0].data = { text };
  const restartFor = fields.filter((d) => d.op === 'set' && !d.field.startsWith('[') && keyInfo(d.field)?.restart).map((d) => d.field);
  if (f.config.parseError || !f.config.exists) restartFor.push('config');
  return { changes: out, text, restartFor };
}

function secretsChanges(p: RsyncdParams, f: RsyncdFacts): Change[] {
  if (p.secrets === undefined) return [];
  const s = f.secrets;
  const users = Object.keys(p.secrets).sort().join(', ') || '(none)';
  if (!s.exists || s.sha256 !== sha256(secretsContent(p.secrets))) {
    return [{ kind: 'write-secrets', resource: p.secrets_file, field: 'content', before: s.exists ? 'other passwords' : undefined, after: `users ${users}`, secret: true }];
  }
  if (s.mode !== '0600' || s.owner !== 'root') {
    // rsync refuses a secrets file other users can read (strict modes).
    return [{ kind: 'set-secrets-mode', resource: p.secrets_file, field: 'mode', before: `${s.mode} ${s.owner}:${s.group}`, after: '0600 root:root', commands: [sh`chown root:root ${p.secrets_file}`, sh`chmod 0600 ${p.secrets_file}`] }];
  }
  return [];
}

function bootChanges(p: RsyncdParams, f: RsyncdFacts, warnings: string[]): Change[] {
  if (p.enabled === undefined) return [];
  if (!f.defaults.exists || f.defaults.content === undefined) {
    warnings.push(`${DEFAULTS_FILE} does not exist (not a Debian init-script host): start at boot is not managed`);
    return [];
  }
  const want: Record<string, string> = { RSYNC_ENABLE: p.enabled ? 'true' : 'false' };
  if (p.enabled && p.config !== DEFAULT_CONFIG) want.RSYNC_CONFIG_FILE = p.config;
  const have: Record<string, string | undefined> = { RSYNC_ENABLE: f.defaults.enable, RSYNC_CONFIG_FILE: f.defaults.configFile };
  const changes: Change[] = [];
  for (const [name, value] of Object.entries(want)) {
    if (have[name] !== value) changes.push({ kind: 'set-boot', resource: DEFAULTS_FILE, field: name, before: have[name], after: value });
  }
  if (changes.length) {
    const text = editDefaults(f.defaults.content, want);
    changes[0].data = { text };
    changes[0].diff = unifiedDiff(f.defaults.content, text, { fromLabel: `${DEFAULTS_FILE} (host)`, toLabel: `${DEFAULTS_FILE} (rb)` });
  }
  return changes;
}

function daemonChanges(p: RsyncdParams, f: RsyncdFacts, restartFor: string[]): Change[] {
  const resource = `rsync daemon ${p.config}`;
  const d = f.daemon;
  if (p.state === 'stopped') return d.running ? [{ kind: 'stop-rsyncd', resource, field: 'state', before: `running (pid ${d.pid})`, after: 'stopped' }] : [];
  const start = argv(daemonSpec(p).start);
  if (!d.running) return [{ kind: 'start-rsyncd', resource, field: 'state', before: 'stopped', after: 'running', commands: [start] }];
  const ours = ` ${d.args ?? ''} `;
  if (!ours.includes(` ${p.config} `) && !ours.includes(`=${p.config} `)) restartFor.push(`runs another config (${d.args ?? '?'})`);
  if (restartFor.length === 0) return [];
  return [{ kind: 'restart-rsyncd', resource, field: 'read at start', before: `pid ${d.pid}`, after: `restarted for ${restartFor.join(', ')}` }];
}

export function planRsyncd(p: RsyncdParams, f: RsyncdFacts): Plan {
  const warnings: string[] = [];
  const doc = documentOf(f.config);
  if (doc.directives.length) warnings.push(`${p.config} has ${doc.directives.join(', ')}: rb does not read included files, their settings are not compared`);
  if (!f.rsync) warnings.push('rsync is not installed on this host: the run fails unless an earlier task installs it');
  const config = configChanges(p, f);
  const paths: Change[] = p.create_paths
    ? Object.entries(f.paths)
        .filter(([, isDir]) => !isDir)
        .map(([path]) => ({ kind: 'create-path', resource: path, before: undefined, after: 'directory', commands: [sh`mkdir -p -m 0755 ${path}`] }))
    : [];
  if (!p.create_paths) for (const [path, isDir] of Object.entries(f.paths)) if (!isDir) warnings.push(`module path ${path} does not exist: clients get an error until it does`);
  const changes = [...config.changes, ...paths, ...secretsChanges(p, f), ...bootChanges(p, f, warnings), ...daemonChanges(p, f, config.restartFor)];
  if (changes.length) return { changes, warnings };
  const n = Object.keys(p.modules).length;
  const daemon = f.daemon.running ? `the daemon runs (pid ${f.daemon.pid})` : 'the daemon is stopped';
  return { changes, reason: `${p.config} already matches (${n} module${n === 1 ? '' : 's'}); ${daemon}`, warnings };
}
