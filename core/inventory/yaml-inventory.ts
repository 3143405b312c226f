// YAML inventories, walked in document order as Ansible's yaml plugin does:
//
//   all:
//     vars: {vip: 198.18.0.100}
//     children:
//       lvs:
//         hosts:
//           lb[01:02]: {vrrp_interface: eth0}
//       realservers:
//         hosts: rs01            # a single host may be written as a string
//
// Each top-level key is a group; a group holds `hosts`, `children` and `vars`.
// Where Ansible only warns and skips (an unknown key in a group, a group that
// is not a mapping) rb stops with an error: such an entry is always a mistake
// and skipping it silently drops hosts or variables.

import type { ConfigProblem } from '../errors.js';
import { didYouMean } from '../schema/suggest.js';
import { joinPath, type PositionedYaml } from '../yaml.js';
import { expandHostPattern, HostRangeError } from './host-range.js';
import { InventoryModel, ModelError } from './model.js';
import { VAULT_MESSAGE, vaultPaths } from './vault.js';

const SECTIONS = ['hosts', 'children', 'vars'];

export function parseYamlInventory(doc: PositionedYaml, model: InventoryModel, problems: ConfigProblem[]): void {
  const data = doc.value;
  const problem = (path: string, message: string) => problems.push({ message, loc: doc.locate(path), path: path.replace(/#key$/, '') || undefined });
  if (data === null || data === undefined) return;
  if (!isMapping(data)) {
    problem('', `a YAML inventory must be a mapping of group names, got ${kindOf(data)}`);
    return;
  }
  for (const path of vaultPaths(data)) problem(path, `this value ${VAULT_MESSAGE}`);
  if ('plugin' in data) {
    problem('plugin', `inventory plugin configurations (plugin: ${String(data.plugin)}) are not supported; list hosts and groups instead`);
    return;
  }
  const walkGroup = (name: string, body: unknown, path: string): boolean => {
    if (body !== null && !isMapping(body)) {
      problem(path, `group "${name}" must be a mapping with hosts, children or vars, got ${kindOf(body)}`);
      return false;
    }
    try {
      model.addGroup(name);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      problem(`${path}#key`, e.message);
      return false;
    }
    if (body === null) return true;
    for (const [key, raw] of Object.entries(body)) {
      const at = joinPath(path, key);
      if (!SECTIONS.includes(key)) {
        problem(`${at}#key`, `unknown key "${key}" in group "${name}"${didYouMean(key, SECTIONS)}`);
        continue;
      }
      const section = typeof raw === 'string' ? { [raw]: null } : raw;
      if (section === null || section === undefined) continue;
      if (!isMapping(section)) {
        problem(at, `"${key}" of group "${name}" must be a mapping, got ${kindOf(raw)}`);
        continue;
      }
      if (key === 'vars') {
        for (const [k, v] of Object.entries(section)) {
          guard(joinPath(at, k), () => model.setGroupVar(name, k, v));
        }
      } else if (key === 'children') {
        for (const [child, childBody] of Object.entries(section)) {
          const childPath = joinPath(at, child);
          if (walkGroup(child, childBody, childPath)) guard(`${childPath}#key`, () => model.addChild(name, child));
        }
      } else {
        for (const [pattern, hostVars] of Object.entries(section)) {
          const hostPath = typeof raw === 'string' ? at : joinPath(at, pattern);
          guard(`${hostPath}#key`, () => addHosts(model, name, pattern, hostVars, hostPath, problem));
        }
      }
    }
    return true;
  };
  const guard = (path: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ModelError || e instanceof HostRangeError) problem(path, e.message);
      else throw e;
    }
  };
  for (const [name, body] of Object.entries(data)) walkGroup(name, body, joinPath('', name));
}

function addHosts(
  model: InventoryModel,
  group: string,
  pattern: string,
  hostVars: unknown,
  path: string,
  problem: (path: string, message: string) => void,
): void {
  if (hostVars !== null && hostVars !== undefined && !isMapping(hostVars)) {
    problem(path, `variables of host "${pattern}" must be a mapping, got ${kindOf(hostVars)}`);
    return;
  }
  const { names, port } = expandHostPattern(pattern);
  for (const host of names) {
    model.addHost(host, group, port);
    for (const [k, v] of Object.entries(hostVars ?? {})) model.setHostVar(host, k, v);
  }
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (isMapping(v)) return 'a mapping';
  // The value itself is not shown: it may be a secret written in the wrong place.
  return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}
