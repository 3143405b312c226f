// facts + params → ldirectord changes: one per differing value of the file
// (passwords masked), then the daemon: started when rb manages it and it is
// not running, reloaded when it runs and the file changes, or when it runs
// and the IPVS table no longer matches the file (someone cleared or edited it).

import type { Change, Plan } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { parseRules } from '../lib/ipvs-table/save-format.js';
import { documentOf, type LdirectordFacts } from './facts.js';
import { diffModels, type FieldChange } from './edit.js';
import { checkTable, impliedTable } from '../lib/ldirectord-conf/implied.js';
import { modelOf, type Model } from '../lib/ldirectord-conf/model.js';
import { modelFromParams } from './params.js';

export interface DaemonParams {
  path: string;
  managed_by: 'rb' | 'heartbeat';
  verify_timeout: number;
}

export type LdParams = DaemonParams & Record<string, unknown>;

const KIND: Record<FieldChange['op'], string> = {
  set: 'set-option',
  'add-virtual': 'add-virtual',
  'remove-virtual': 'remove-virtual',
  'add-real': 'add-real-server',
  'remove-real': 'remove-real-server',
};

export function configChanges(p: LdParams, f: LdirectordFacts, want: Model): Change[] {
  const out: Change[] = [];
  if (f.parseError) out.push({ kind: 'replace-config', resource: p.path, before: `unreadable (${f.parseError})`, after: 'rendered by rb' });
  else if (!f.exists) out.push({ kind: 'create-config', resource: p.path, before: undefined, after: 'present' });
  for (const d of diffModels(modelOf(documentOf(f)), want)) {
    const c: Change = { kind: KIND[d.op], resource: p.path, field: d.field, before: d.before, after: d.after };
    if (d.secret) c.secret = true;
    out.push(c);
  }
  return out;
}

/** What is wrong with the live table for the file as it is now (empty when ldirectord is not running). */
export function tableDrift(f: LdirectordFacts, want: Model): string[] {
  if (!f.running) return [];
  let live;
  try {
    live = parseRules(f.live, 'ipvsadm -Sn').services;
  } catch (e) {
    throw new ModuleError(`cannot read the live IPVS table: ${(e as Error).message}`);
  }
  return checkTable(impliedTable(want).services, live).mismatches;
}

export function planLdirectord(p: LdParams, f: LdirectordFacts): Plan {
  const want = modelFromParams(p);
  const changes = configChanges(p, f, want);
  const resource = `ldirectord ${p.path}`;
  const warnings: string[] = [];
  const unresolved = impliedTable(want).unresolved;
  if (unresolved.length) warnings.push(`rb cannot work out the IPVS entries of ${unresolved.join(', ')} (host or port names): the table is not verified for them`);
  if (p.managed_by === 'rb' && !f.running) {
    changes.push({ kind: 'start-ldirectord', resource, field: 'state', before: 'stopped', after: 'running' });
  } else if (f.running && changes.length > 0) {
    changes.push({ kind: 'reload-ldirectord', resource, field: 'config', before: `pid ${f.pid}`, after: 'reloaded' });
  } else if (f.running) {
    const drift = tableDrift(f, want);
    if (drift.length) changes.push({ kind: 'reload-ldirectord', resource, field: 'ipvs table', before: drift.join('; '), after: 'rebuilt from the file' });
  }
  if (changes.length === 0) {
    const v = want.virtuals.length;
    const daemon = f.running ? `ldirectord runs (pid ${f.pid}) and the IPVS table matches` : 'ldirectord is not running (heartbeat starts it)';
    return { changes, reason: `${p.path} already matches (${v} virtual${v === 1 ? '' : 's'}); ${daemon}`, warnings };
  }
  return { changes, warnings };
}
