// Pure planning for sysctl: live values first (`sysctl -w`), then the managed file.

import type { Change, Plan, PlanContext } from '../../core/module.js';
import { argv, sh } from '../../core/transport/shell.js';
import { confValue, parseSysctlConf, updateSysctlConf } from './conf.js';
import type { SysctlFacts } from './facts.js';
import { canonicalKey, normaliseValue, sameValue } from './keys.js';
import { writeFileCommands } from '../../core/transport/script-parts.js';

export interface SysctlParams {
  name?: string;
  value?: string;
  settings?: Record<string, string>;
  state: 'present' | 'absent';
  persist: boolean;
  file: string;
  live: boolean;
  sysctl_set?: boolean;
  reload?: boolean;
  ignoreerrors: boolean;
}

/** Whether the running kernel is set: `live`, unless Ansible's reload: false leaves it to the file (and sysctl_set does not ask for it). */
export function setsLive(p: SysctlParams): boolean {
  return p.live && !(p.reload === false && p.sysctl_set !== true);
}

/** The keys a task manages, in the order given, with their wanted values (absent: no value). */
export function wantedSettings(p: SysctlParams): Array<[string, string]> {
  if (p.settings) return Object.entries(p.settings).map(([k, v]) => [k, v.trim()]);
  return [[p.name!, (p.value ?? '').trim()]];
}

export function planSysctl(p: SysctlParams, facts: SysctlFacts, _ctx?: PlanContext): Plan {
  const wanted = wantedSettings(p);
  return p.state === 'present' ? planPresent(p, wanted, facts) : planAbsent(p, wanted, facts);
}

function planPresent(p: SysctlParams, wanted: Array<[string, string]>, facts: SysctlFacts): Plan {
  const changes: Change[] = [];
  const skipped: string[] = [];
  if (setsLive(p)) {
    for (const [key, value] of wanted) {
      const before = facts.values[key] ?? null;
      if (before === null && p.ignoreerrors) {
        skipped.push(`${key}: no such key in the running kernel, left out (ignoreerrors)`);
        continue;
      }
      if (sameValue(before, value)) continue;
      changes.push({
        kind: 'set-sysctl',
        resource: key,
        field: 'value',
        before: before === null ? undefined : normaliseValue(before),
        after: value,
        commands: [argv(['sysctl', '-w', `${key}=${value}`])],
      });
    }
  }
  if (p.persist) {
    const entries = facts.file === null ? [] : parseSysctlConf(facts.file);
    const persisted: Change[] = [];
    for (const [key, value] of wanted) {
      const before = confValue(entries, key);
      if (sameValue(before, value)) continue;
      persisted.push({ kind: 'persist-sysctl', resource: key, field: `value in ${p.file}`, before, after: value });
    }
    if (persisted.length > 0) {
      const set = persisted.map((c): [string, string] => [c.resource, c.after as string]);
      const text = updateSysctlConf(facts.file, set, []);
      persisted[persisted.length - 1].commands = writeFileCommands(p.file, text!);
      changes.push(...persisted);
    }
  }
  const warnings = [...skipped, ...(p.persist ? overridden(p, wanted, facts) : [])];
  if (changes.length > 0) return { changes, ...(warnings.length ? { warnings } : {}) };
  const where = [setsLive(p) && 'live', p.persist && `in ${p.file}`].filter(Boolean).join(' and ');
  const reason =
    wanted.length === 1
      ? `sysctl ${wanted[0][0]} is already ${wanted[0][1]} (${where})`
      : `${wanted.length} sysctl keys already set (${where}): ${wanted.map(([k, v]) => `${k}=${v}`).join(', ')}`;
  return { changes, reason, ...(warnings.length ? { warnings } : {}) };
}

const basename = (f: string) => f.slice(f.lastIndexOf('/') + 1);

/** Files read after ours at boot win: systemd-sysctl orders by file name, /etc/sysctl.conf comes last. */
function readAfter(other: string, ours: string): boolean {
  return other === '/etc/sysctl.conf' || basename(other) > basename(ours);
}

// rb writes only its own file, so a later file setting another value is reported, not changed.
function overridden(p: SysctlParams, wanted: Array<[string, string]>, facts: SysctlFacts): string[] {
  const warnings: string[] = [];
  for (const [key, value] of wanted) {
    const later = (facts.elsewhere ?? []).filter((e) => e.file !== p.file && canonicalKey(e.key) === canonicalKey(key) && readAfter(e.file, p.file));
    for (const e of later) {
      if (!sameValue(e.value, value)) warnings.push(`${key}: ${e.file} sets ${e.value} and is read after ${p.file} at boot, so the boot value is not ${value}`);
    }
  }
  return warnings;
}

// A live sysctl cannot be unset: absent means "no longer set at boot by rb".
function planAbsent(p: SysctlParams, wanted: Array<[string, string]>, facts: SysctlFacts): Plan {
  const entries = facts.file === null ? [] : parseSysctlConf(facts.file);
  const changes: Change[] = [];
  for (const [key] of wanted) {
    const before = confValue(entries, key);
    if (before === undefined) continue;
    changes.push({ kind: 'unpersist-sysctl', resource: key, field: `value in ${p.file}`, before, after: undefined });
  }
  if (changes.length === 0) {
    const keys = wanted.map(([k]) => k).join(', ');
    return { changes, reason: `sysctl ${keys} not in ${p.file} (the live value is left as it is)` };
  }
  const text = updateSysctlConf(facts.file, [], wanted.map(([k]) => k));
  changes[changes.length - 1].commands = text === null ? [sh`rm -f ${p.file}`] : writeFileCommands(p.file, text);
  return { changes };
}
