// include_vars: variables from YAML/JSON files on the controller, set on the
// host for the rest of the run (as set_fact does; the host is not touched).
// A relative file is searched as Ansible searches it: the role's vars/, the
// task file's vars/ and folder, the playbook's vars/ and folder. A vault-
// encrypted file is decrypted with the run's vault passwords and its values
// are secrets, masked in every output.
//
//   - include_vars: "{{ ansible_os_family }}.yml"
//   - include_vars: { dir: vars/sites, files_matching: '\.yml$', name: sites }

import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { defineModule } from '../core/module.js';
import { ModuleError } from '../core/errors.js';
import { readInputFile } from '../core/input-file.js';
import { isVaultText } from '../core/vault/decrypt.js';
import { markSecret } from '../core/vault/secrets.js';
import { parseYaml } from '../core/yaml.js';
import { readFileSync } from 'node:fs';

export interface IncludeVarsParams {
  file?: string;
  dir?: string;
  name?: string;
  depth: number;
  files_matching?: string;
  ignore_files: string[];
  extensions: string[];
  ignore_unknown_extensions: boolean;
  hash_behaviour?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every string inside `v` marked as a secret (the values of a vault-encrypted file). */
function secretLeaves(v: unknown): unknown {
  if (typeof v === 'string') return markSecret(v);
  if (Array.isArray(v)) return v.map(secretLeaves);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secretLeaves(x)]));
  return v;
}

export function readVarsFile(path: string): Record<string, unknown> {
  const encrypted = isVaultText(readFileSync(path, 'latin1').slice(0, 64));
  const value = parseYaml(readInputFile(path, 'vars file'), path);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ModuleError(`${path}: a vars file must hold a mapping`);
  const bad = Object.keys(value).find((k) => !NAME.test(k));
  if (bad !== undefined) throw new ModuleError(`${path}: ${JSON.stringify(bad)} is not a valid variable name`);
  return (encrypted ? secretLeaves(value) : value) as Record<string, unknown>;
}

/** The files of `dir` include_vars reads: sorted, per folder, down to `depth` levels (0: all). */
export function varsFilesIn(dir: string, p: Pick<IncludeVarsParams, 'depth' | 'files_matching' | 'ignore_files' | 'extensions' | 'ignore_unknown_extensions'>, level = 1): string[] {
  const out: string[] = [];
  const matching = p.files_matching ? new RegExp(p.files_matching) : undefined;
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (p.depth === 0 || level < p.depth) out.push(...varsFilesIn(full, p, level + 1));
      continue;
    }
    if (p.ignore_files.some((pattern) => pattern === entry || new RegExp(pattern).test(entry))) continue;
    if (matching && !matching.test(basename(entry))) continue;
    const ext = extname(entry).replace(/^\./, '');
    if (!p.extensions.includes(ext)) {
      if (p.ignore_unknown_extensions) continue;
      throw new ModuleError(`${full}: not a vars file (extensions: ${p.extensions.join(', ')}); set ignore_unknown_extensions to skip it`);
    }
    out.push(full);
  }
  return out;
}

export default defineModule<IncludeVarsParams>({
  name: 'include_vars',
  summary: 'Set host variables from YAML/JSON files on the controller',
  params: {
    file: { type: 'string', controllerFile: 'vars', description: 'a vars file (searched in the role and playbook vars/ folders)' },
    dir: { type: 'string', controllerFile: 'vars', description: 'every vars file of a folder, sorted by name' },
    name: { type: 'string', description: 'put the variables under this one name instead of at the top level' },
    depth: { type: 'int', default: 0, min: 0, description: 'with dir: how many folder levels to read (0: all)' },
    files_matching: { type: 'string', description: 'with dir: only file names this regexp matches' },
    ignore_files: { type: 'list', items: { type: 'string' }, default: [], description: 'with dir: file names (or regexps) to skip' },
    extensions: { type: 'list', items: { type: 'string' }, default: ['json', 'yaml', 'yml'] },
    ignore_unknown_extensions: { type: 'bool', default: false },
    hash_behaviour: { type: 'string', enum: ['replace'], description: 'replace (merge is not supported)' },
  },
  freeForm: 'file',
  rules: (p) => {
    const out: Array<[string, string]> = [];
    if ((p.file === undefined) === (p.dir === undefined)) out.push(['', 'give file (or the module value) or dir']);
    if (typeof p.name === 'string' && !NAME.test(p.name)) out.push(['name', 'not a valid variable name']);
    if (typeof p.files_matching === 'string') {
      try {
        new RegExp(p.files_matching);
      } catch (e) {
        out.push(['files_matching', `not a valid regular expression: ${(e as Error).message}`]);
      }
    }
    return out;
  },
  supports: { check: true, diff: false, rollback: false },
  // What a file holds is known only when it is read: a `name` is all that can be told before.
  definesVars: (args) => (typeof args.name === 'string' ? [args.name] : 'any'),
  example: `- include_vars: "{{ ansible_os_family }}.yml"
- include_vars: { dir: vars/sites, name: sites }`,

  action(ctx, p) {
    const files = p.file !== undefined ? [ctx.localPath(p.file, 'vars')] : varsFilesIn(ctx.localPath(p.dir!, 'vars'), p);
    const vars: Record<string, unknown> = {};
    for (const f of files) Object.assign(vars, readVarsFile(f));
    const facts = p.name ? { [p.name]: vars } : vars;
    return { changed: false, facts, data: { ansible_facts: facts, ansible_included_var_files: files } };
  },
});
