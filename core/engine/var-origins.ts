// Where a host's variable is set: the inventory source, group_vars or
// host_vars file and line, so that a bad value found before the run names the
// file to fix, not only the task that uses it. A textual search of the files
// the inventory was read from, most specific first (host_vars, then the host's
// groups' group_vars from the most to the least specific, then the sources).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Location } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { Task } from '../playbook/types.js';

const MAX_FILES = 500;

export class VarOrigins {
  private readonly texts = new Map<string, string[]>();
  private readonly sourceFiles: string[] = [];
  private readonly varsDirs: string[] = [];

  constructor(private readonly inv: Inventory, playbookDir?: string) {
    for (const src of inv.sources) {
      const st = statSync(src, { throwIfNoEntry: false });
      if (st?.isDirectory()) {
        this.sourceFiles.push(...listFiles(src).filter((f) => !/\/(group|host)_vars\//.test(f)));
        this.varsDirs.push(src);
      } else if (st?.isFile()) {
        this.sourceFiles.push(src);
        this.varsDirs.push(dirname(src));
      }
    }
    if (playbookDir) this.varsDirs.push(playbookDir);
  }

  /** The most specific place that sets `key` for `host`. */
  find(host: string, key: string): Location | undefined {
    const h = this.inv.hosts.get(host);
    const groups = [...(h?.groups ?? ['all'])].reverse();
    const candidates: string[] = [];
    for (const dir of [...this.varsDirs].reverse()) candidates.push(...listFiles(join(dir, 'host_vars')).filter((f) => nameOf(f, 'host_vars') === host));
    for (const g of groups) for (const dir of [...this.varsDirs].reverse()) candidates.push(...listFiles(join(dir, 'group_vars')).filter((f) => nameOf(f, 'group_vars') === g));
    for (const file of candidates) {
      const at = this.search(file, key);
      if (at) return at;
    }
    for (const file of this.sourceFiles) {
      const at = this.search(file, key, host) ?? this.search(file, key);
      if (at) return at;
    }
    return undefined;
  }

  /** " (ansible vars: vrid set at FILE:LINE:COL)" for the variables a task's templates use. */
  explain(host: string, task: Task, path?: string): string {
    const names = new Set<string>();
    const prefix = `${task.path}.${task.module}.`;
    const field = path?.startsWith(prefix) ? valueAt(task.args, path.slice(prefix.length)) : undefined;
    collectNames(field, names);
    if (!names.size) {
      collectNames(task.args, names);
      collectNames(task.loop, names);
    }
    const vars = this.inv.hosts.get(host)?.vars ?? {};
    const found: string[] = [];
    for (const n of names) {
      if (!(n in vars)) continue;
      const at = this.find(host, n);
      if (at) found.push(`"${n}" is set at ${at.file}:${at.line}:${at.col}`);
      if (found.length >= 3) break;
    }
    return found.length ? ` (${found.join('; ')})` : '';
  }

  private search(file: string, key: string, host?: string): Location | undefined {
    let lines = this.texts.get(file);
    if (!lines) {
      try {
        lines = readFileSync(file, 'utf8').split('\n');
      } catch {
        lines = [];
      }
      this.texts.set(file, lines);
    }
    const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const yaml = new RegExp(`(^\\s*|[{,]\\s*)(["']?)${k}\\2\\s*:`);
    const ini = new RegExp(`(^|\\s)${k}\\s*=`);
    // With a host: its INI line, or the lines of its YAML mapping (the `host:` line and the ones indented below it).
    let block = -1;
    for (const [i, line] of lines.entries()) {
      const indent = line.length - line.trimStart().length;
      if (host && block >= 0 && line.trim() && indent <= block) block = -1;
      const own = host !== undefined && line.trimStart().startsWith(host);
      if (own && new RegExp(`^\\s*(["']?)${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*:`).test(line)) block = indent;
      if (host && !own && block < 0) continue;
      const m = yaml.exec(line);
      if (m && (!host || block >= 0)) return { file, line: i + 1, col: m.index + m[1].length + 1 };
      if (host && !own) continue;
      const n = ini.exec(line);
      if (n) return { file, line: i + 1, col: n.index + n[1].length + 1 };
    }
    return undefined;
  }
}

/** The raw value at `a.b[0].c` below `root`, if the path leads to one. */
function valueAt(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const m of path.matchAll(/([A-Za-z_]\w*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (v === null || typeof v !== 'object') return undefined;
    const key = m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`));
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function nameOf(file: string, kind: string): string {
  const rel = file.slice(file.indexOf(`/${kind}/`) + kind.length + 2);
  return rel.split('/')[0].replace(/\.(ya?ml|json)$/, '');
}

function listFiles(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    if (out.length >= MAX_FILES || e.startsWith('.') || e.endsWith('~')) continue;
    const p = join(dir, e);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) listFiles(p, out);
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

function collectNames(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') {
    for (const m of v.matchAll(/\{\{([^}]*)\}\}|\{%([^%]*)%\}/g)) for (const id of (m[1] ?? m[2]).matchAll(/(?<![.\w'"])([A-Za-z_]\w*)/g)) out.add(id[1]);
  } else if (Array.isArray(v)) v.forEach((x) => collectNames(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => collectNames(x, out));
}

