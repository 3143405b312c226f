// Argument parsing for `rb run|check|drift`. Hand-written: the flag set is small
// and Ansible-shaped (-i, -e, -l, -t, -C, -D, -f, -v...).

import { readInputFile } from '../input-file.js';
import { askBecomePassword, askVaultPassword } from './vault-prompt.js';
import { connectionDefaults, loadAnsibleCfg } from '../config/ansible-cfg.js';
import { registerSecret } from '../secrets.js';
import { configureVault, parseVaultId, type VaultId } from '../vault/passwords.js';
import type { RunOptions } from '../engine/types.js';
import { configError } from '../errors.js';
import { parseShard } from '../engine/shard.js';
import { isPlainObject } from '../schema/validate.js';
import { parseYaml } from '../yaml.js';

/** The engine's options plus what only the CLI deals with. */
export interface RunArgs extends RunOptions {
  playbooks: string[];
  inventories: string[];
  reportJson?: string;
  reportJunit?: string;
  reportPrometheus?: string;
  /** rb drift --unmanaged: also report state no task declares. */
  unmanaged?: boolean;
  output: 'auto' | 'plain' | 'tty';
  /** --syntax-check, --list-hosts, --list-tasks, --list-tags: show, run nothing. */
  list?: { syntax: boolean; hosts: boolean; tasks: boolean; tags: boolean };
  /** -h/--help after the command. */
  help?: boolean;
  /** The ansible.cfg read, if any. */
  ansibleCfg?: string;
}

const VALUE_FLAGS: Record<string, string> = {
  '-i': 'inventory', '--inventory': 'inventory', '-e': 'extra', '--extra-vars': 'extra', '-l': 'limit', '--limit': 'limit',
  '-t': 'tags', '--tags': 'tags', '--skip-tags': 'skipTags', '-f': 'forks', '--forks': 'forks', '--start-at-task': 'startAtTask',
  '--vault-password-file': 'vaultFile', '--vault-pass-file': 'vaultFile', '--vault-id': 'vaultId',
  '--host-key-checking': 'hkc', '--timeout': 'timeout', '--report-json': 'reportJson', '--report-junit': 'reportJunit', '--output': 'output',
  '--report-prometheus': 'reportPrometheus', '--lock-timeout': 'lockTimeout', '--shard': 'shard',
  '-u': 'user', '--user': 'user', '--private-key': 'key', '--key-file': 'key', '--become-user': 'becomeUser', '--become-method': 'becomeMethod',
};

export function parseRunArgs(argv: string[]): RunArgs {
  const extras: string[] = [];
  const vaultIds: VaultId[] = [];
  let askVaultPass = false;
  let askBecomePass = false;
  const given = new Set<string>();
  const conn: Record<string, unknown> = {};
  const a: RunArgs = { playbooks: [], inventories: [], check: false, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 50, rollback: true, verbose: 0, output: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (value !== undefined && !VALUE_FLAGS[arg] && arg.startsWith('--')) throw configError(`${arg} takes no value, got "${arg}=${value}"`);
    if (/^-v+$/.test(arg)) {
      a.verbose += arg.length - 1;
      continue;
    }
    switch (arg) {
      case '-C': case '--check': a.check = true; continue;
      case '-D': case '--diff': a.diff = true; continue;
      case '--no-rollback': a.rollback = false; continue;
      case '--force-handlers': a.forceHandlers = true; continue;
      case '--unmanaged': a.unmanaged = true; continue;
      case '--verbose': a.verbose++; continue;
      case '-J': case '--ask-vault-pass': case '--ask-vault-password': askVaultPass = true; continue;
      case '-b': case '--become': a.become = true; continue;
      case '-K': case '--ask-become-pass': askBecomePass = true; continue;
      case '-h': case '--help': a.help = true; continue;
      case '--syntax-check': (a.list ??= noList()).syntax = true; continue;
      case '--list-hosts': (a.list ??= noList()).hosts = true; continue;
      case '--list-tasks': (a.list ??= noList()).tasks = true; continue;
      case '--list-tags': (a.list ??= noList()).tags = true; continue;
    }
    const key = VALUE_FLAGS[arg];
    if (!key) {
      if (arg.startsWith('-')) throw configError(`unknown option ${arg} (see rb --help)`);
      a.playbooks.push(arg);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw configError(`${arg} needs a value`);
      value = argv[++i];
    }
    given.add(key);
    switch (key) {
      case 'user': a.remoteUser = value; break;
      case 'key': conn.ansible_private_key_file = value; break;
      case 'becomeUser': conn.ansible_become_user = value; break;
      case 'becomeMethod': conn.ansible_become_method = value; break;
      case 'inventory': a.inventories.push(value); break;
      case 'extra': extras.push(value); break;
      case 'vaultFile': vaultIds.push({ label: 'default', source: value }); break;
      case 'vaultId': vaultIds.push(parseVaultId(value)); break;
      case 'limit': a.limit = a.limit ? `${a.limit}:&${value}` : value; break;
      case 'tags': a.tags.push(...split(arg, value)); break;
      case 'skipTags': a.skipTags.push(...split(arg, value)); break;
      case 'forks': a.forks = positiveInt(arg, value); break;
      case 'shard': a.shard = parseShard(value); break;
      case 'startAtTask':
        if (!value.trim()) throw configError(`${arg}: expected a task name, got "${value}"`);
        a.startAtTask = value;
        break;
      case 'hkc':
        if (value !== 'strict' && value !== 'accept-new' && value !== 'off') throw configError(`${arg}: expected strict, accept-new or off, got "${value}"`);
        a.hostKeyChecking = value;
        break;
      case 'timeout': a.timeoutMs = positiveInt(arg, value) * 1000; break;
      case 'reportJson': a.reportJson = value; break;
      case 'reportJunit': a.reportJunit = value; break;
      case 'reportPrometheus': a.reportPrometheus = value; break;
      case 'lockTimeout': {
        const n = Number(value);
        if (!/^\d+(\.\d+)?$/.test(value)) throw configError(`${arg}: expected seconds (0 or more), got "${value}"`);
        a.lockTimeoutMs = n * 1000;
        break;
      }
      case 'output':
        if (value !== 'auto' && value !== 'plain' && value !== 'tty') throw configError(`${arg}: expected auto, plain or tty`);
        a.output = value;
        break;
    }
  }
  if (a.help) return a;
  // ansible.cfg and ANSIBLE_* below the flags.
  const cfg = loadAnsibleCfg();
  a.ansibleCfg = cfg.file;
  if (!a.inventories.length && cfg.inventory) a.inventories.push(...cfg.inventory);
  if (!given.has('forks') && cfg.forks) a.forks = cfg.forks;
  if (!given.has('timeout') && cfg.timeout) a.timeoutMs = cfg.timeout * 1000;
  a.remoteUser ??= cfg.remoteUser;
  a.become ??= cfg.become;
  if (cfg.rolesPath) a.rolesPath = cfg.rolesPath;
  if (cfg.gathering) a.gathering = cfg.gathering;
  a.connectionDefaults = { ...connectionDefaults(cfg), ...conn };
  if ((askBecomePass || cfg.becomeAskPass) && !a.list) a.connectionDefaults.ansible_become_password = registered(askBecomePassword());
  if (!vaultIds.length && !process.env.ANSIBLE_VAULT_PASSWORD_FILE && cfg.vaultPasswordFile) vaultIds.push({ label: 'default', source: cfg.vaultPasswordFile });
  // Vault passwords first: -e @file may be encrypted, whatever the order of the flags.
  configureVault(vaultIds, askVaultPass, askVaultPassword);
  for (const e of extras) Object.assign(a.extraVars, parseExtraVars(e));
  return a;
}

function noList() {
  return { syntax: false, hosts: false, tasks: false, tags: false };
}

function registered(secret: string): string {
  registerSecret(secret);
  return secret;
}

/** A comma-separated tag list; an empty list or an empty tag in it is refused (it would select nothing or everything). */
function split(flag: string, v: string): string[] {
  const tags = v.split(',').map((s) => s.trim());
  if (tags.some((t) => !t)) throw configError(`${flag}: expected comma-separated tag names, got "${v}"`);
  return tags;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw configError(`${flag}: expected a positive integer, got "${v}"`);
  return n;
}

/** `-e k=v k2=v2`, `-e @vars.yml`, `-e '{"k": 1}'` (JSON or YAML mapping). */
export function parseExtraVars(v: string): Record<string, unknown> {
  if (v.startsWith('@')) {
    const file = v.slice(1);
    if (!file.trim()) throw configError(`-e ${v}: expected @FILE, a file name after @`);
    const doc = parseYaml(readInputFile(file, '-e file'), file);
    if (!isPlainObject(doc)) throw configError(`-e ${v}: ${file} must hold a mapping`);
    return doc;
  }
  const t = v.trim();
  if (t.startsWith('{')) {
    const doc = parseYaml(t, '-e');
    if (!isPlainObject(doc)) throw configError(`-e: expected a mapping`);
    return doc;
  }
  const out: Record<string, unknown> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(t))) {
    out[m[1]] = m[3] ?? m[4] ?? m[5];
    end = re.lastIndex;
  }
  if (end !== t.length || !Object.keys(out).length) throw configError(`-e "${v}": expected key=value pairs, @file or a JSON/YAML mapping`);
  return out;
}
