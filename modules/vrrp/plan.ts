// facts + params → changes: one change per differing field of keepalived.conf
// (secrets masked), then what the daemon needs: reload when running and the
// config changes, start when it should run and does not, stop when it should not.

import type { Change, Plan } from '../../core/module.js';
import { diffConfig, type FieldChange } from './diff.js';
import type { VrrpFacts } from './facts.js';
import { fromParams } from './model.js';
import { configWarnings, paramWarnings } from './rules.js';
import { reloadCommand } from './service.js';

export interface ServiceParams {
  path: string;
  service: string;
  pid_file: string;
  state: 'started' | 'stopped';
}

const kebab = (s: string) => s.toLowerCase().replace(/_/g, '-');

function kindOf(d: FieldChange): string {
  return d.op === 'set' ? 'set-option' : `${d.op}-${kebab(d.keyword)}`;
}

/** Changes to the file alone (no service changes). */
export function configChanges(p: ServiceParams & Record<string, unknown>, f: VrrpFacts): Change[] {
  const resource = p.path;
  const out: Change[] = [];
  if (f.parseError) out.push({ kind: 'replace-config', resource, before: `unreadable (${f.parseError})`, after: 'rendered by rb' });
  else if (!f.exists) out.push({ kind: 'create-config', resource, before: undefined, after: 'present' });
  for (const d of diffConfig(f.config, fromParams(p))) {
    const c: Change = { kind: kindOf(d), resource, field: d.field, before: d.before, after: d.after };
    if (d.secret) c.secret = true;
    out.push(c);
  }
  return out;
}

export function planVrrp(p: ServiceParams & Record<string, unknown>, f: VrrpFacts): Plan {
  const changes = configChanges(p, f);
  const resource = `service ${p.service}`;
  if (p.state === 'started' && !f.running) {
    changes.push({ kind: 'start-keepalived', resource, field: 'state', before: 'stopped', after: 'running' });
  } else if (p.state === 'started' && changes.length > 0) {
    changes.push({ kind: 'reload-keepalived', resource, field: 'config', before: `pid ${f.pid}`, after: 'reloaded', commands: [reloadCommand(f.pid!)] });
  } else if (p.state === 'stopped' && f.running) {
    changes.push({ kind: 'stop-keepalived', resource, field: 'state', before: 'running', after: 'stopped' });
  }
  const warnings = [...paramWarnings(p), ...configWarnings(fromParams(p))];
  if (changes.length === 0) {
    const n = (fromParams(p).instances ?? []).length;
    const v = (fromParams(p).virtual_servers ?? []).length;
    const held = f.masterOf.length ? `, MASTER of ${f.masterOf.join(', ')}` : '';
    const run = p.state === 'started' ? `keepalived runs (pid ${f.pid}${held})` : 'keepalived is stopped';
    return { changes, reason: `${p.path} already matches (${n} vrrp_instance, ${v} virtual_server) and ${run}`, warnings };
  }
  return { changes, warnings };
}
