// Params of the rsyncd module: every rsyncd.conf parameter as a snake_case
// field (`hosts allow` → hosts_allow), globally and per module, checked as
// strictly as rsync reads them, and turned into the model rb writes.

import type { Fields, ObjectSpec, ParamSpec } from '../../core/schema/types.js';
import { moduleName, type Entry, type RsyncdModel } from './conf.js';
import { controlProblems, oneLine } from '../lib/config-values.js';
import { KEYS, keyId, keyInfo, paramName, type KeyInfo } from './keys.js';

// A value is one line: no control character, no trailing `\` (it would continue
// the line), and no blank at either end (rsync trims them: the value read back
// would differ from the one written).
const TEXT: ParamSpec = oneLine({ type: 'string', pattern: /^\S(?:.*\S)?$/, patternName: 'one line of text without blanks at either end' });
const PATH: ParamSpec = oneLine({ type: 'string', pattern: /^\/(?:.*\S)?$/, patternName: 'an absolute path without blanks at the end' });
// Items are joined with spaces: "a b" as one item and [a, b] write the same line.
const WORDS: ParamSpec = { type: 'list', single: true, items: oneLine({ type: 'string', pattern: /^[^\\\s](?:[^\\]*[^\\\s])?$/, patternName: 'words on one line (no \\, no blanks at either end)' }) };
const MODULE_NAME = /^[^\]/\s](?:[^\]/\r\n]*[^\]/\s])?$/;
const EXTRA: ParamSpec = {
  type: 'map',
  values: TEXT,
  default: {},
  description: 'rsyncd.conf parameters rb does not model, written as "name = value"',
};

function specOf(k: KeyInfo): ParamSpec {
  switch (k.kind) {
    case 'bool':
      return { type: 'bool', description: k.name };
    case 'int':
      if (k.name === 'port') return { type: 'int', min: 1, max: 65535, description: k.name };
      // A negative max connections disables the module (rsyncd.conf(5)).
      return { type: 'int', min: k.name === 'max connections' ? -1 : 0, max: 2147483647, description: k.name };
    case 'list':
      return { ...WORDS, description: `${k.name} (a list, or one space-separated string)` } as ParamSpec;
    case 'string':
      return { ...(/file|path|dir|chroot/.test(k.name) ? PATH : TEXT), description: k.name } as ParamSpec;
  }
}

/** The fields of one scope: module params everywhere, daemon settings at the top only. */
function keyFields(globalScope: boolean): Fields {
  return Object.fromEntries(scopeKeys(globalScope).map((k) => [paramName(k.name), specOf(k)]));
}

// At the top, `path` means nothing and `secrets_file` is rb's own param (where
// `secrets` go, written into each module with auth_users).
function scopeKeys(globalScope: boolean): KeyInfo[] {
  return KEYS.filter((k) => (globalScope ? k.name !== 'path' && k.name !== 'secrets file' : !k.globalOnly));
}

const moduleSpec: ObjectSpec = {
  type: 'object',
  fields: { ...keyFields(false), path: { ...PATH, required: true, description: 'directory this module serves' } as ParamSpec, extra: EXTRA },
};

export const DEFAULT_CONFIG = '/etc/rsyncd.conf';
export const DEFAULT_PID_FILE = '/var/run/rsyncd.pid';

export const rsyncdParams: Fields = {
  config: { ...PATH, default: DEFAULT_CONFIG, aliases: ['dest'], description: 'rsyncd.conf to manage (the daemon is started with --config=FILE)' } as ParamSpec,
  state: { type: 'string', enum: ['started', 'stopped'], default: 'started', description: 'the rsync daemon running or not' },
  enabled: { type: 'bool', description: "start at boot through Debian's init script: RSYNC_ENABLE (and RSYNC_CONFIG_FILE) in /etc/default/rsync; unset = leave it" },
  create_paths: { type: 'bool', default: true, description: 'create missing module paths (mode 0755)' },
  secrets: { type: 'map', values: { type: 'string', secret: true, pattern: /^[^\r\n]+$/, patternName: 'a password on one line', check: (v: string) => (controlProblems(v).length ? 'a password on one line, without control characters' : undefined) }, secret: true, description: 'user: password pairs written to secrets_file (mode 0600); never shown' },
  ...keyFields(true),
  secrets_file: { ...PATH, default: '/etc/rsyncd.secrets', description: 'where `secrets` go; modules with auth_users get "secrets file" pointing here unless they set their own' } as ParamSpec,
  pid_file: { ...PATH, default: DEFAULT_PID_FILE, description: 'pid file (rb finds the daemon through it)' } as ParamSpec,
  extra: EXTRA,
  modules: { type: 'map', values: moduleSpec, default: {}, description: 'modules by name: { path, comment, read_only, hosts_allow, hosts_deny, auth_users, ... }' },
};

type Obj = Record<string, unknown>;

export interface RsyncdParams extends Obj {
  config: string;
  state: 'started' | 'stopped';
  enabled?: boolean;
  create_paths: boolean;
  secrets?: Record<string, string>;
  secrets_file: string;
  pid_file: string;
  extra: Record<string, string>;
  modules: Record<string, Obj>;
}

/**
 * A key of `extra` is one parameter name: letters, digits, blanks, '-' and '_'
 * (rsync ignores case and blanks in names), never a `[section]`, an `&include`,
 * a comment or a `name = value` of its own, and not a name rb models.
 */
function extraKeyProblems(extra: Record<string, string> | undefined, where: string, globalScope: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const key of Object.keys(extra ?? {})) {
    // rsync ignores case and blanks in names: two spellings are one parameter.
    const id = keyId(key);
    if (seen.has(id)) out.push([/^\w+$/.test(where) ? `modules.${where}.extra` : where ? 'modules' : 'extra', `extra key ${JSON.stringify(key)} names a parameter given twice (rsync ignores case and blanks)`]);
    seen.add(id);
    const field = /^\w+$/.test(where) ? `modules.${where}.extra` : where ? 'modules' : 'extra';
    if (!/^[A-Za-z][A-Za-z0-9 _-]*$/.test(key.trim())) out.push([field, `extra key ${JSON.stringify(key)} is no rsyncd.conf parameter name (letters, digits, blanks, "-", "_"; no "[", "&", "#", ";" or "=")`]);
    else {
      const known = keyInfo(key);
      if (known && (globalScope ? known.name !== 'path' : !known.globalOnly)) out.push([field, `extra key ${JSON.stringify(key)}: ${known.name} has its own parameter: give ${paramName(known.name)}`]);
    }
  }
  return out;
}

export function checkRsyncdParams(v: Obj): Array<[string, string]> {
  const out: Array<[string, string]> = controlProblems(v, '', ['secrets']);
  out.push(...extraKeyProblems(v.extra as Record<string, string>, '', true));
  const mods = v.modules as Record<string, Obj>;
  for (const [name, m] of Object.entries(mods)) {
    // rsync folds blanks in a module name into one space: only that spelling reads back as written.
    if (!MODULE_NAME.test(name) || name.toLowerCase() === 'global' || moduleName(name) !== name) out.push([`modules`, `bad module name ${JSON.stringify(name)}: no "/", "]", tabs, runs of spaces or leading/trailing spaces, and not "global"`]);
    out.push(...extraKeyProblems(m.extra as Record<string, string>, name, false));
  }
  for (const user of Object.keys((v.secrets as Obj | undefined) ?? {})) {
    if (!/^@?[^\s:#]+$/.test(user) || controlProblems(user).length) out.push(['secrets', `bad user name ${JSON.stringify(user)} (no spaces, ":" or "#")`]);
  }
  return out;
}

function value(spec: KeyInfo, v: unknown): string {
  if (spec.kind === 'bool') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.join(' ');
  return String(v);
}

function entries(p: Obj, globalScope: boolean, secretsFile?: string): Entry[] {
  const out: Entry[] = [];
  for (const k of scopeKeys(globalScope)) {
    const v = p[paramName(k.name)];
    if (v !== undefined) out.push({ key: k.name, value: value(k, v) });
  }
  if (secretsFile && p.auth_users !== undefined && p.secrets_file === undefined) out.push({ key: 'secrets file', value: secretsFile });
  for (const [key, v] of Object.entries((p.extra as Record<string, string>) ?? {})) out.push({ key: key.trim().toLowerCase().replace(/\s+/g, ' '), value: v });
  return out;
}

/** The rsyncd.conf the params describe. */
export function modelFromParams(p: RsyncdParams): RsyncdModel {
  return {
    globals: entries(p, true),
    modules: Object.entries(p.modules).map(([name, m]) => ({ name, entries: entries(m, false, p.secrets_file) })),
  };
}
