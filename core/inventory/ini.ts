// INI inventories, line by line as Ansible's ini plugin reads them:
//
//   bastion ansible_host=198.18.0.2        # before any section: ungrouped
//   [directors:children]
//   ha_pair
//   [ha_pair]
//   node[a:b] ansible_become=True
//   node-c:2201 weight=3
//   [directors:vars]
//   vip = 198.18.0.100
//
// Host lines are split like a shell would (quotes, `#` comments) and each value
// goes through Python-literal parsing; `[group:vars]` lines split at the first
// `=` and keep everything after it, comments included unless literal parsing
// drops them. A `[g:children]` entry may name a group defined later in the
// same file; one never defined is an error, as is `[g:vars]` for an unknown g.

import type { ConfigProblem } from '../errors.js';
import { expandHostPattern, HostRangeError } from './host-range.js';
import { InventoryModel, ModelError } from './model.js';
import { iniValue } from './python-literal.js';
import { shlexSplit, ShlexError } from './shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

type State = 'hosts' | 'children' | 'vars';

interface Pending {
  line: number;
  state: State;
  parents: string[];
}

export function parseIni(text: string, file: string, model: InventoryModel, problems: ConfigProblem[]): void {
  // A byte-order mark would otherwise hide the first section header.
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let group = 'ungrouped';
  let state: State = 'hosts';
  const pending = new Map<string, Pending>();
  const problem = (line: number, message: string) => problems.push({ message, loc: { file, line, col: 1 } });

  lines.forEach((rawLine, index) => {
    const lineno = index + 1;
    const line = rawLine.trim();
    if (!line || line[0] === '#' || line[0] === ';') return;
    try {
      const section = SECTION.exec(line);
      if (section) {
        const kind = section[2] ?? 'hosts';
        if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') {
          problem(lineno, `section [${section[1]}:${kind}] has unknown type "${kind}" (expected children or vars)`);
          // Keep reading so later lines are still checked, but not as members of this section.
          state = 'vars';
          group = '';
          return;
        }
        group = section[1];
        state = kind;
        if (!model.groups.has(group)) {
          if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineno, state, parents: [] });
          model.addGroup(group);
        }
        const waiting = pending.get(group);
        if (waiting && state !== 'vars') {
          if (waiting.state === 'children') addPendingChildren(model, group, pending);
          else pending.delete(group);
        }
        return;
      }
      if (line.startsWith('[') && line.endsWith(']')) {
        problem(lineno, `invalid section header "${line}": no spaces or other characters are allowed in [group] or [group:type]`);
        group = '';
        return;
      }
      if (!group) return;
      if (state === 'hosts') hostLine(line, group, model);
      else if (state === 'vars') varsLine(line, group, model);
      else childLine(line, group, lineno, model, pending);
    } catch (e) {
      if (e instanceof IniLineError || e instanceof ModelError || e instanceof HostRangeError) problem(lineno, e.message);
      else throw e;
    }
  });

  for (const [name, decl] of pending) {
    if (decl.state === 'vars') problem(decl.line, `section [${name}:vars] is for a group that is not defined in this file: ${name}`);
    else problem(decl.line, `section [${decl.parents[decl.parents.length - 1]}:children] names a group that is never defined: ${name}`);
  }
}

class IniLineError extends Error {}

function hostLine(line: string, group: string, model: InventoryModel): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line);
  } catch (e) {
    if (e instanceof ShlexError) throw new IniLineError(`cannot split host line "${line}": ${e.message}`);
    throw e;
  }
  const [pattern, ...assignments] = tokens;
  if (pattern === undefined || pattern === '') throw new IniLineError(`expected a host name, got "${line}"`);
  if (pattern.trim().endsWith(':')) {
    throw new IniLineError(`invalid host "${pattern}": a trailing ":" is reserved for a port number`);
  }
  if (pattern.trim() === '---') throw new IniLineError('a host named "---" usually means this is a YAML file with an INI name');
  const vars: Array<[string, unknown]> = [];
  for (const t of assignments) {
    const eq = t.indexOf('=');
    if (eq < 0) throw new IniLineError(`expected key=value host variable, got "${t}"`);
    if (eq === 0) throw new IniLineError(`host variable "${t}" has no name before "="`);
    vars.push([t.slice(0, eq), iniValue(t.slice(eq + 1))]);
  }
  const { names, port } = expandHostPattern(pattern);
  for (const name of names) {
    model.addHost(name, group, port);
    for (const [k, v] of vars) model.setHostVar(name, k, v);
  }
}

function varsLine(line: string, group: string, model: InventoryModel): void {
  const eq = line.indexOf('=');
  if (eq < 0) throw new IniLineError(`expected key=value, got "${line}"`);
  const key = line.slice(0, eq).trim();
  if (!key) throw new IniLineError(`variable line "${line}" has no name before "="`);
  model.setGroupVar(group, key, iniValue(line.slice(eq + 1).trim()));
}

function childLine(line: string, group: string, lineno: number, model: InventoryModel, pending: Map<string, Pending>): void {
  const m = GROUP_NAME.exec(line);
  if (!m) throw new IniLineError(`expected a group name, got "${line}"`);
  const child = m[1];
  if (model.groups.has(child)) {
    model.addChild(group, child);
    return;
  }
  const waiting = pending.get(child);
  if (waiting) waiting.parents.push(group);
  else pending.set(child, { line: lineno, state: 'children', parents: [group] });
}

function addPendingChildren(model: InventoryModel, group: string, pending: Map<string, Pending>): void {
  for (const parent of pending.get(group)!.parents) {
    model.addChild(parent, group);
    if (pending.get(parent)?.state === 'children') addPendingChildren(model, parent, pending);
  }
  pending.delete(group);
}
