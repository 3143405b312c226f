// facts + params → changes: one per differing field of ha.cf, authkeys
// (secret masked) and haresources, one per resource script, then what the
// daemon needs. heartbeat's reload re-reads ha.cf and authkeys but not
// haresources (it answers "Configuration unchanged"), so a change there, or a
// haresources newer than the running daemon, restarts heartbeat (its groups
// move to the peer and back); a file that matches while the daemon runs other
// values (`cl_status hbparameter`) is reloaded.

import type { Change, Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { unifiedDiff } from '../../core/files/diff.js';
import { sha256 } from '../../core/files/write.js';
import { daemonChange, daemonReason } from './plan-daemon.js';
import { BY_NAME, OTHER_KNOWN } from './directives.js';
import { diffAuthkeys, diffHaCf, diffHaresources, type FieldChange } from './diff.js';
import { files, scriptPath, type FileState, type HeartbeatFacts } from './facts.js';
import { scriptOf } from './haresources.js';
import { render, wanted, type Wanted } from './model.js';
import { DEFAULT_PATH, type HeartbeatParams } from './params.js';

const short = (text: string) => `sha256:${sha256(text).slice(0, 12)}`;

function fileChanges(resource: string, file: FileState & { error?: string }, fields: FieldChange[], kind: string, data: object, diff?: string): Change[] {
  const out: Change[] = [];
  if (file.error) out.push({ kind: 'replace-file', resource, before: `unreadable (${file.error})`, after: 'rendered by rb' });
  else if (!file.exists) out.push({ kind: 'create-file', resource, before: undefined, after: 'present' });
  for (const d of fields) out.push({ kind, resource, field: d.field, before: d.before, after: d.after, ...(d.secret ? { secret: true } : {}) });
  for (const c of out) c.data = data;
  if (out.length && diff) out[0].diff = diff;
  return out;
}

function attributes(resource: string, file: FileState, mode: string, data: object, owner?: string): Change[] {
  if (!file.exists) return [];
  const out: Change[] = [];
  if (file.mode !== mode) out.push({ kind: 'set-mode', resource, field: 'mode', before: file.mode, after: mode, data });
  if (owner && file.owner !== owner) out.push({ kind: 'set-owner', resource, field: 'owner', before: file.owner, after: owner, data });
  return out;
}

const textDiff = (path: string, file: FileState, after: string) =>
  file.content !== undefined || !file.exists ? unifiedDiff(file.content ?? '', after, { fromLabel: `${path} (before)`, toLabel: `${path} (after)` }) || undefined : undefined;

function scriptChanges(p: HeartbeatParams, w: Wanted, f: HeartbeatFacts): Change[] {
  return Object.entries(w.scripts).flatMap(([name, text]) => {
    const resource = scriptPath(p.path, name);
    const have = f.scripts[name] ?? { exists: false };
    const data = { file: 'script', name };
    const out: Change[] = [];
    if (!have.exists) out.push({ kind: 'create-script', resource, before: undefined, after: short(text), data });
    else if (have.content !== text) out.push({ kind: 'write-script', resource, field: 'content', before: have.content === undefined ? 'unreadable' : short(have.content), after: short(text), data });
    if (out.length) out[0].diff = textDiff(resource, have, text);
    return [...out, ...attributes(resource, have, '0755', data)];
  });
}

export function configChanges(p: HeartbeatParams, w: Wanted, f: HeartbeatFacts): Change[] {
  const r = render(w);
  const paths = files(p.path);
  const out = scriptChanges(p, w, f);
  const empty = { values: {}, extra: [], late: [] };
  out.push(...fileChanges(paths.haCf, f.ha_cf, diffHaCf(f.ha_cf.model ?? empty, w.haCf), 'set-directive', { file: 'ha_cf' }, textDiff(paths.haCf, f.ha_cf, r.haCf)));
  const keys = f.authkeys.model ?? { keys: [] };
  // No text diff for authkeys: it would print the secret.
  out.push(...fileChanges(paths.authkeys, f.authkeys, diffAuthkeys(keys, w.authkeys), 'set-authkey', { file: 'authkeys' }));
  out.push(...attributes(paths.authkeys, f.authkeys, '0600', { file: 'authkeys' }, 'root'));
  if (w.haresources) {
    const fields = diffHaresources(f.haresources.model ?? [], w.haresources);
    out.push(...fileChanges(paths.haresources, f.haresources, fields, 'set-resource-group', { file: 'haresources' }, textDiff(paths.haresources, f.haresources, r.haresources!)));
  }
  return out;
}

/** heartbeat refuses to start on a host its node lines do not name. */
function checkNodeName(p: HeartbeatParams, f: HeartbeatFacts, host: string): void {
  if (p.ha_cf.autojoin === 'any') return;
  const nodes = (p.ha_cf.node as string[]).map((n) => n.toLowerCase());
  if (!nodes.includes(f.nodename.toLowerCase())) {
    throw new ModuleError(`${host}: this host's node name is "${f.nodename}" (uname -n) and ha_cf.node does not list it (${nodes.join(', ')}): heartbeat would refuse to start`);
  }
}

function warnings(p: HeartbeatParams, w: Wanted, f: HeartbeatFacts): string[] {
  const out: string[] = [];
  for (const line of (w.haCf.values.ucast as string[] | undefined) ?? []) {
    const peer = line.split(' ')[1];
    if (f.addresses.includes(peer)) out.push(`ha.cf "ucast ${line}": ${peer} is this host's own address, so heartbeat ignores the line; it wants the peer's address`);
  }
  const known = new Set([...f.available, ...Object.keys(w.scripts)]);
  for (const g of w.haresources ?? []) {
    for (const res of g.resources) {
      const script = scriptOf(res);
      if (!known.has(script)) out.push(`haresources: no script "${script}" in ${p.path}/resource.d or /etc/init.d on this host: heartbeat cannot start ${res}`);
    }
  }
  const initdead = w.haCf.values.initdead;
  if (typeof initdead === 'number' && initdead < 10) out.push(`ha.cf initdead ${initdead} s: heartbeat advises at least 10 s for a slow network start`);
  for (const line of w.haCf.extra) {
    const kw = line.split(' ')[0];
    if (!BY_NAME.has(kw) && !OTHER_KNOWN.has(kw)) out.push(`ha.cf "${line}": heartbeat 3.0.6 knows no directive ${kw} and refuses to start with it`);
  }
  if (p.path !== DEFAULT_PATH && p.state === 'started') out.push(`heartbeat reads ${DEFAULT_PATH}, not ${p.path}: the daemon does not see these files`);
  return out;
}

export function planHeartbeat(p: HeartbeatParams, f: HeartbeatFacts, host: string): Plan {
  checkNodeName(p, f, host);
  const w = wanted(p);
  const changes = configChanges(p, w, f);
  const daemon = daemonChange(p, w, f, changes);
  if (daemon) changes.push(daemon);
  const warn = warnings(p, w, f);
  if (changes.length === 0) return { changes, reason: daemonReason(p, w, f), warnings: warn };
  return { changes, warnings: warn };
}
