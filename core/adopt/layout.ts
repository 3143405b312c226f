// From what each host runs (the adopted tasks per host) to a playbook and its
// vars, PURE. Hosts with the same kind of tasks share a play. Within a task,
// a value equal on every host of the play is written in the playbook; a value
// that differs (state, priority, fwmark, peer MAC, unicast peer) becomes a
// variable in each host's host_vars; a secret becomes a variable whatever it
// is: in the play group's group_vars when every host shares it, else in the
// host_vars, and its file is listed for vault encryption.

import { pathKey, type Path } from './secret-paths.js';

export interface AdoptedTask {
  module: string;
  params: Record<string, unknown>;
  /** pathKey()s of the secret values in params. */
  secrets: Set<string>;
}

export interface AdoptedHost {
  host: string;
  tasks: AdoptedTask[];
}

export interface Layout {
  plays: Array<{ name: string; hosts: string; tasks: Array<Record<string, unknown>> }>;
  /** File name (without .yml) → variables, for group_vars/ and host_vars/. */
  groupVars: Record<string, Record<string, unknown>>;
  hostVars: Record<string, Record<string, unknown>>;
  /** Variables holding secrets, with the vars file each is in (`group_vars/all`). */
  secrets: Array<{ variable: string; file: string }>;
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A string rb would template is kept as text. */
function literal(v: unknown): unknown {
  if (typeof v === 'string') return /\{\{|\{%|\{#/.test(v) ? `{% raw %}${v}{% endraw %}` : v;
  if (Array.isArray(v)) return v.map(literal);
  if (isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x)]));
  return v;
}

/** `groups`: inventory group → its hosts, to name a play's hosts by a group that has exactly them. */
export function layout(hosts: AdoptedHost[], groups: ReadonlyMap<string, readonly string[]>): Layout {
  const out: Layout = { plays: [], groupVars: {}, hostVars: {}, secrets: [] };
  const used = new Set<string>();
  const plays = new Map<string, AdoptedHost[]>();
  for (const h of hosts) {
    if (!h.tasks.length) continue;
    const sig = h.tasks.map((t) => t.module).join(' ');
    if (!plays.has(sig)) plays.set(sig, []);
    plays.get(sig)!.push(h);
  }
  for (const members of plays.values()) {
    const names = members.map((m) => m.host);
    const group = groupOf(names, groups);
    const varsFile = group ?? 'all';
    const tasks: Array<Record<string, unknown>> = [];
    const counts = new Map<string, number>();
    const total = (m: string) => members[0].tasks.filter((t) => t.module === m).length;
    members[0].tasks.forEach((first, i) => {
      const n = (counts.get(first.module) ?? 0) + 1;
      counts.set(first.module, n);
      const base = total(first.module) > 1 ? `${first.module}_${n}` : first.module;
      const values = members.map((m) => m.tasks[i]);
      const merged = merge(values.map((t) => t.params), [], [], {
        prefix: base,
        secret: (p, under) => values.some((t) => t.secrets.has(pathKey(p)) || (under && [...t.secrets].some((s) => isUnder(s, p)))),
        declare: (variable, perHost, secret) => {
          if (perHost.every((v) => same(v, perHost[0]))) {
            (out.groupVars[varsFile] ??= {})[variable] = literal(perHost[0]);
            if (secret) out.secrets.push({ variable, file: `group_vars/${varsFile}` });
          } else {
            names.forEach((h, j) => ((out.hostVars[h] ??= {})[variable] = literal(perHost[j])));
            if (secret) for (const h of names) out.secrets.push({ variable, file: `host_vars/${h}` });
          }
        },
        used,
      });
      tasks.push({ name: total(first.module) > 1 ? `${first.module} ${n} (adopted)` : `${first.module} (adopted)`, [first.module]: merged });
    });
    out.plays.push({ name: `adopted: ${names.join(', ')}`, hosts: group ?? names.join(':'), tasks });
  }
  return out;
}

/** Whether the secret at pathKey `s` lies below `p`. */
function isUnder(s: string, p: Path): boolean {
  const sp = JSON.parse(s) as Path;
  return sp.length > p.length && p.every((x, i) => sp[i] === x);
}

function groupOf(names: string[], groups: ReadonlyMap<string, readonly string[]>): string | undefined {
  const want = [...names].sort().join(' ');
  for (const [g, members] of groups) if (g !== 'all' && g !== 'ungrouped' && [...members].sort().join(' ') === want) return g;
  return undefined;
}

interface MergeEnv {
  prefix: string;
  /** Whether the value at the path is a secret; `under`: whether one is at or below it. */
  secret: (path: Path, under: boolean) => boolean;
  declare: (variable: string, perHost: unknown[], secret: boolean) => void;
  used: Set<string>;
}

/** The value written in the playbook for `path`, given each host's value there. */
function merge(values: unknown[], path: Path, label: string[], env: MergeEnv): unknown {
  const equal = values.every((v) => same(v, values[0]));
  const exact = env.secret(path, false);
  if (equal && !env.secret(path, true)) return literal(values[0]);
  if (!exact) {
    if (values.every(isDict) && values.every((v) => same(Object.keys(v), Object.keys(values[0] as object)))) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(values[0] as object)) out[k] = merge(values.map((v) => (v as Record<string, unknown>)[k]), [...path, k], [...label, k], env);
      return out;
    }
    if (values.every(Array.isArray) && values.every((v) => (v as unknown[]).length === (values[0] as unknown[]).length)) {
      return (values[0] as unknown[]).map((_, i) => {
        const items = values.map((v) => (v as unknown[])[i]);
        const name = items.every((x) => isDict(x) && typeof x.name === 'string' && x.name === (items[0] as Record<string, unknown>).name) ? String((items[0] as Record<string, unknown>).name) : String(i);
        return merge(items, [...path, i], [...label, name], env);
      });
    }
  }
  const variable = varName(env, label);
  env.declare(variable, values, env.secret(path, true));
  return `{{ ${variable} }}`;
}

/** `vrrp_instances_vi_1_priority`: the module, then the path, list items by their name when they have one. */
function varName(env: MergeEnv, label: string[]): string {
  const base = [env.prefix, ...label].join('_').toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/_$/, '');
  let name = base;
  for (let n = 2; env.used.has(name); n++) name = `${base}_${n}`;
  env.used.add(name);
  return name;
}
