// The daemon's part of a plan: start, stop, reload (ha.cf or authkeys
// changed, or the daemon runs values its file does not say) or restart
// (haresources or crm changed, or haresources is newer than the daemon).

import type { Change } from '../../core/module.js';
import { BY_NAME } from './directives.js';
import { files, RUNTIME_KEYS, type HeartbeatFacts } from './facts.js';
import { scalar, valueText, type HaCf } from './hacf.js';
import { reloadCommand } from './daemon.js';
import { runtimeValues, type Wanted } from './model.js';
import type { HeartbeatParams } from './params.js';

const RESOURCE = 'service heartbeat';

/** Values the daemon runs with that differ from `file` (read the same way), as "keepalive 2 (ha.cf: 1)". */
export function runtimeMismatches(file: HaCf, running: Record<string, string>): string[] {
  const out: string[] = [];
  for (const name of RUNTIME_KEYS) {
    const want = file.values[name];
    const got = running[name];
    if (want === undefined || Array.isArray(want) || got === undefined) continue;
    const d = BY_NAME.get(name)!;
    if (scalar(d, got) !== want) out.push(`${name} ${got} (ha.cf: ${valueText(d, want)})`);
  }
  return out;
}

/** The haresources file changed after the daemon started: the daemon has not read it. */
export function staleResources(f: HeartbeatFacts): boolean {
  const { started } = f.daemon;
  return f.daemon.running && started !== undefined && f.haresources.mtime !== undefined && f.haresources.mtime > started;
}

function touched(changes: Change[], file: string): boolean {
  return changes.some((c) => c.resource === file && c.kind !== 'set-mode' && c.kind !== 'set-owner');
}

export function daemonChange(p: HeartbeatParams, w: Wanted, f: HeartbeatFacts, changes: Change[]): Change | undefined {
  const { running, pid } = f.daemon;
  if (p.state === 'stopped') return running ? { kind: 'stop-heartbeat', resource: RESOURCE, field: 'state', before: 'running', after: 'stopped' } : undefined;
  if (!running) return { kind: 'start-heartbeat', resource: RESOURCE, field: 'state', before: 'stopped', after: 'running' };
  const paths = files(p.path);
  const why: string[] = [];
  if (touched(changes, paths.haresources)) why.push('haresources changed');
  else if (w.haresources && staleResources(f)) why.push('haresources changed after heartbeat started');
  if (changes.some((c) => c.field === 'ha.cf crm')) why.push('crm changed');
  if (why.length) return { kind: 'restart-heartbeat', resource: RESOURCE, field: 'process', before: `pid ${pid} (${why.join(', ')})`, after: 'restarted' };
  const commands = [reloadCommand(pid!, paths.haCf, runtimeValues(w.haCf), p.timeout)];
  if (touched(changes, paths.haCf) || touched(changes, paths.authkeys)) {
    return { kind: 'reload-heartbeat', resource: RESOURCE, field: 'config', before: `pid ${pid}`, after: 'reloaded', commands };
  }
  const drift = f.ha_cf.model ? runtimeMismatches(f.ha_cf.model, f.daemon.params) : [];
  if (drift.length) return { kind: 'reload-heartbeat', resource: RESOURCE, field: 'running values', before: drift.join(', '), after: 'as in ha.cf', commands };
  return undefined;
}

export function daemonReason(p: HeartbeatParams, w: Wanted, f: HeartbeatFacts): string {
  const what = ['ha.cf', 'authkeys', ...(w.haresources ? ['haresources'] : [])];
  const n = Object.keys(w.scripts).length;
  const scripts = n ? ` and ${n} resource script${n === 1 ? '' : 's'}` : '';
  const held = f.daemon.resources ? `, resources: ${f.daemon.resources}` : '';
  const daemon = f.daemon.running ? `heartbeat runs (pid ${f.daemon.pid}${held})` : 'heartbeat is stopped';
  return `${p.path}: ${what.join(', ')}${scripts} already match; ${daemon}`;
}
