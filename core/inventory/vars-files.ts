// group_vars/ and host_vars/ next to an inventory source or a playbook, found
// the way Ansible's host_group_vars plugin finds them: for NAME, the first of
// `NAME` (file or directory), `NAME.yml`, `NAME.yaml`, `NAME.json` that exists
// is used — only that one. A directory contributes every file in it (and in
// its subdirectories) with no extension or one of those, merged in name order;
// hidden files and `*~` backups are skipped.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type ConfigProblem, type Location } from '../errors.js';
import { parseYamlPositioned } from '../yaml.js';
import { VAULT_MESSAGE, vaultPaths } from './vault.js';
import { readInputFile } from '../input-file.js';
import { isMapping, kindOf } from './yaml-inventory.js';

export type VarsKind = 'group_vars' | 'host_vars';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

export class VarsFiles {
  private readonly found = new Map<string, string[]>();
  private readonly loaded = new Map<string, Record<string, unknown>>();
  private readonly merged = new Map<string, Record<string, unknown>>();
  /** Entries of each group_vars/host_vars directory: one readdir instead of a stat per name and extension. */
  private readonly listings = new Map<string, Set<string> | null>();

  constructor(private readonly problems: ConfigProblem[]) {}

  /** The variables of one group or host from `basedir/kind/`, files merged in order (later wins). */
  vars(basedir: string, kind: VarsKind, name: string): Record<string, unknown> {
    const key = `${basedir}\0${kind}\0${name}`;
    let out = this.merged.get(key);
    if (!out) {
      out = {};
      for (const file of this.files(basedir, kind, name)) out = { ...out, ...this.load(file) };
      this.merged.set(key, out);
    }
    return out;
  }

  files(basedir: string, kind: VarsKind, name: string): string[] {
    // A host named like a path (chroot connections) has no vars file, as in Ansible.
    if (name.startsWith('/')) return [];
    const key = `${basedir}\0${kind}\0${name}`;
    let files = this.found.get(key);
    if (!files) {
      files = [];
      const dir = join(basedir, kind);
      const entries = this.listing(dir);
      // `name` may hold a slash (`web/east`): then only a stat can tell.
      for (const ext of ['', ...EXTENSIONS]) {
        if (!entries || (!name.includes('/') && !entries.has(name + ext))) continue;
        const candidate = join(dir, name + ext);
        const st = statSync(candidate, { throwIfNoEntry: false });
        if (!st) continue;
        files = st.isDirectory() ? dirVarsFiles(candidate) : [candidate];
        break;
      }
      this.found.set(key, files);
    }
    return files;
  }

  private listing(dir: string): Set<string> | null {
    let entries = this.listings.get(dir);
    if (entries === undefined) {
      entries = isDir(dir) ? new Set(readdirSync(dir)) : null;
      this.listings.set(dir, entries);
    }
    return entries;
  }

  private load(file: string): Record<string, unknown> {
    const cached = this.loaded.get(file);
    if (cached) return cached;
    let vars: Record<string, unknown> = {};
    const fileStart = { file, line: 1, col: 1 };
    try {
      const text = readInputFile(file, 'variables file');
      {
        const { value, locate } = parseVarsText(text, file);
        for (const path of vaultPaths(value)) this.problems.push({ message: `this value ${VAULT_MESSAGE}`, loc: locate(path), path });
        if (isMapping(value)) vars = value;
        else if (value !== null && value !== undefined) {
          this.problems.push({ message: `a variables file must hold a mapping, got ${kindOf(value)}`, loc: fileStart });
        }
      }
    } catch (e) {
      if (e instanceof ConfigError) this.problems.push(...e.problems);
      else if (e instanceof Error && 'code' in e) this.problems.push({ message: `cannot read variables file: ${e.message}`, loc: fileStart });
      else throw e;
    }
    this.loaded.set(file, vars);
    return vars;
  }
}

/** JSON first, as Ansible's loader does; YAML (which also gives located errors) otherwise. */
function parseVarsText(text: string, file: string): { value: unknown; locate: (path: string) => Location } {
  if (/^\s*[{[]/.test(text)) {
    try {
      return { value: JSON.parse(text), locate: () => ({ file, line: 1, col: 1 }) };
    } catch {
      // not JSON after all: YAML flow style, or a syntax error YAML will locate
    }
  }
  const doc = parseYamlPositioned(text, file);
  return { value: doc.value, locate: (path) => doc.locate(path) };
}

function dirVarsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(dir, entry);
    const ext = pythonExt(entry);
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory() && !ext) out.push(...dirVarsFiles(full));
    else if (st.isFile() && (!ext || EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}

/** os.path.splitext's extension: leading dots do not start one. */
export function pythonExt(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(name.slice(0, dot + 1))) return '';
  return name.slice(dot);
}

function isDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
