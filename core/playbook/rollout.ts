// The `rollout` play keyword and the `timeout` task keyword, read and checked
// at load time (every problem with file, line and field, before any host).
//
//   rollout: ha
//   rollout:
//     mode: ha
//     gate:
//       timeout: 60          # s the group may take to be healthy again after a node
//       interval: 1          # s between two looks at the group
//       settle: 2            # s the group must stay healthy before the next node
//       probe: "{{ vip }}:80"  # also: this address answers TCP
//       probe_from: controller  # or an inventory host the probe runs on
//       probe_timeout: 3     # s one probe may take

import type { Location } from '../errors.js';
import { isPlainObject } from '../schema/validate.js';
import { joinPath, type PositionedYaml } from '../yaml.js';
import type { Problems } from './problems.js';

export interface RolloutGate {
  timeoutS: number;
  intervalS: number;
  settleS: number;
  /** `HOST:PORT` (may be a template, rendered with a member's vars). */
  probe?: string;
  /** `controller` or an inventory host name. */
  probeFrom: string;
  probeTimeoutS: number;
}

export interface Rollout {
  mode: 'ha';
  gate: RolloutGate;
  loc: Location;
}

export const GATE_DEFAULTS: RolloutGate = { timeoutS: 60, intervalS: 1, settleS: 2, probeFrom: 'controller', probeTimeoutS: 3 };

const GATE_KEYS: Record<string, keyof RolloutGate> = {
  timeout: 'timeoutS',
  interval: 'intervalS',
  settle: 'settleS',
  probe: 'probe',
  probe_from: 'probeFrom',
  probe_timeout: 'probeTimeoutS',
};

const PROBE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/;

/** `host:port` → parts; undefined when it is not that. */
export function parseProbe(text: string): { host: string; port: number } | undefined {
  const m = PROBE.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function parseRollout(raw: unknown, doc: PositionedYaml, playPath: string, problems: Problems): Rollout | undefined {
  if (raw === undefined || raw === null) return undefined;
  const path = joinPath(playPath, 'rollout');
  const loc = doc.locate(path);
  if (raw === 'ha') return { mode: 'ha', gate: { ...GATE_DEFAULTS }, loc };
  if (!isPlainObject(raw)) {
    problems.add(`expected "ha" or a mapping with mode: ha, got ${JSON.stringify(raw)}`, loc, 'rollout');
    return undefined;
  }
  for (const k of Object.keys(raw)) {
    if (k !== 'mode' && k !== 'gate') problems.add(`unknown key "${k}" (valid: mode, gate)`, doc.locate(`${joinPath(path, k)}#key`), `rollout.${k}`);
  }
  if (raw.mode !== 'ha') problems.add(`expected "ha", got ${JSON.stringify(raw.mode)}`, doc.locate(joinPath(path, 'mode')), 'rollout.mode');
  const gate: RolloutGate = { ...GATE_DEFAULTS };
  if (raw.gate !== undefined) {
    const gpath = joinPath(path, 'gate');
    if (!isPlainObject(raw.gate)) {
      problems.add('expected a mapping', doc.locate(gpath), 'rollout.gate');
    } else {
      for (const [k, v] of Object.entries(raw.gate)) {
        const at = doc.locate(joinPath(gpath, k));
        const field = GATE_KEYS[k];
        if (!field) {
          problems.add(`unknown key "${k}" (valid: ${Object.keys(GATE_KEYS).join(', ')})`, doc.locate(`${joinPath(gpath, k)}#key`), `rollout.gate.${k}`);
        } else if (field === 'probe' || field === 'probeFrom') {
          if (typeof v !== 'string' || !v.trim()) problems.add('expected a string', at, `rollout.gate.${k}`);
          else if (field === 'probe' && !v.includes('{{') && !parseProbe(v)) problems.add(`expected ADDRESS:PORT, got ${JSON.stringify(v)}`, at, 'rollout.gate.probe');
          else gate[field] = v.trim();
        } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (field !== 'settleS' && v === 0)) {
          problems.add(`expected a positive number of seconds, got ${JSON.stringify(v)}`, at, `rollout.gate.${k}`);
        } else gate[field] = v;
      }
    }
  }
  return { mode: 'ha', gate, loc };
}

/** A task's `timeout` (already typed as an integer): seconds; 0 is no limit, as in Ansible. */
export function parseTimeout(typed: unknown, at: Location, path: string, problems: Problems): number | undefined {
  if (typeof typed !== 'number' || typed === 0) return undefined;
  if (typed < 0) {
    problems.add(`expected a number of seconds (0: no limit), got ${typed}`, at, path);
    return undefined;
  }
  return typed;
}
