// ansible.cfg, found where Ansible finds it (ANSIBLE_CONFIG, ./ansible.cfg,
// ~/.ansible.cfg, /etc/ansible/ansible.cfg: the first one, not merged), and
// the ANSIBLE_* variables that override it. The settings rb acts on:
//   [defaults] inventory, forks, remote_user, private_key_file, host_key_checking,
//              roles_path, vault_password_file, timeout
//   [privilege_escalation] become, become_user, become_method, become_ask_pass
//   [ssh_connection] ssh_args (ssh options, as ansible_ssh_common_args);
//              control_path and pipelining do not apply (one ssh2 connection per host).
// Paths are relative to the file's folder; `~` is the home folder.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { configError } from '../errors.js';

export interface AnsibleCfg {
  /** The file read (undefined: none found). */
  file?: string;
  inventory?: string[];
  forks?: number;
  remoteUser?: string;
  privateKeyFile?: string;
  hostKeyChecking?: boolean;
  rolesPath?: string[];
  /** `[defaults] gathering`: implicit (plays gather unless gather_facts: false), explicit, smart. */
  gathering?: 'implicit' | 'explicit' | 'smart';
  vaultPasswordFile?: string;
  timeout?: number;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomeAskPass?: boolean;
  sshArgs?: string;
  /** Settings found that rb does not apply, for -v. */
  ignored: string[];
}

type Ini = Map<string, Map<string, { value: string; line: number }>>;

/** Python ConfigParser's reading as Ansible uses it: sections, key = value or key: value, ; and # comments, indented continuations. */
export function parseIni(text: string): Ini {
  const out: Ini = new Map();
  let section: Map<string, { value: string; line: number }> | undefined;
  let last: { value: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*([#;].*)?$/.test(raw)) return;
    if (/^\s/.test(raw) && last) {
      last.value += `\n${raw.trim()}`;
      return;
    }
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (sec) {
      section = out.get(sec[1].trim()) ?? new Map();
      out.set(sec[1].trim(), section);
      last = undefined;
      return;
    }
    const kv = /^\s*([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv || !section) return;
    // An inline comment needs whitespace before ; or # (Ansible's inline_comment_prefixes).
    const value = kv[2].replace(/\s+[;#].*$/, '').trim();
    last = { value, line: i + 1 };
    section.set(kv[1].toLowerCase(), last);
  });
  return out;
}

/** The ansible.cfg Ansible would read: ANSIBLE_CONFIG, ./ansible.cfg (not in a world-writable folder), ~/.ansible.cfg, /etc/ansible/ansible.cfg. */
export function findAnsibleCfg(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), home = env.HOME ?? homedir()): string | undefined {
  const candidates: string[] = [];
  if (env.ANSIBLE_CONFIG) {
    const p = expand(env.ANSIBLE_CONFIG, cwd, home);
    candidates.push(existsSync(p) && statSync(p).isDirectory() ? join(p, 'ansible.cfg') : p);
  }
  const local = join(cwd, 'ansible.cfg');
  if (!worldWritable(cwd)) candidates.push(local);
  candidates.push(join(home, '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  return candidates.find((p) => existsSync(p));
}

function worldWritable(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) !== 0;
  } catch {
    return false;
  }
}

function expand(p: string, base: string, home: string): string {
  const e = p === '~' || p.startsWith('~/') ? join(home, p.slice(1)) : p;
  return isAbsolute(e) ? e : resolve(base, e);
}

const TRUE = ['1', 'true', 'yes', 'on', 'y', 't'];
const FALSE = ['0', 'false', 'no', 'off', 'n', 'f'];

/** The settings of the ansible.cfg found, with ANSIBLE_* environment variables over them. */
export function loadAnsibleCfg(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AnsibleCfg {
  const home = env.HOME ?? homedir();
  const file = findAnsibleCfg(env, cwd, home);
  const ini = file ? parseIni(readFileSync(file, 'utf8')) : new Map();
  const base = file ? dirname(file) : cwd;
  const cfg: AnsibleCfg = { file, ignored: [] };
  const get = (section: string, key: string, envName?: string): { value: string; where: string } | undefined => {
    if (envName && env[envName] !== undefined) return { value: env[envName]!, where: envName };
    const hit = ini.get(section)?.get(key);
    return hit ? { value: hit.value, where: `${file}:${hit.line}: [${section}] ${key}` } : undefined;
  };
  const bool = (section: string, key: string, envName: string): boolean | undefined => {
    const v = get(section, key, envName);
    if (!v) return undefined;
    const s = v.value.toLowerCase();
    if (TRUE.includes(s)) return true;
    if (FALSE.includes(s)) return false;
    throw configError(`${v.where}: expected a boolean, got "${v.value}"`);
  };
  const int = (section: string, key: string, envName: string): number | undefined => {
    const v = get(section, key, envName);
    if (!v) return undefined;
    if (!/^\s*\d+\s*$/.test(v.value) || Number(v.value) < 1) throw configError(`${v.where}: expected a positive integer, got "${v.value}"`);
    return Number(v.value);
  };
  const str = (section: string, key: string, envName: string) => get(section, key, envName)?.value || undefined;
  const paths = (section: string, key: string, envName: string, sep: RegExp) => {
    const v = get(section, key, envName);
    return v ? v.value.split(sep).map((s) => s.trim()).filter(Boolean).map((p) => (p.includes(',') ? p : expand(p, base, home))) : undefined;
  };

  cfg.inventory = paths('defaults', 'inventory', 'ANSIBLE_INVENTORY', /,/);
  cfg.forks = int('defaults', 'forks', 'ANSIBLE_FORKS');
  cfg.remoteUser = str('defaults', 'remote_user', 'ANSIBLE_REMOTE_USER');
  const key = str('defaults', 'private_key_file', 'ANSIBLE_PRIVATE_KEY_FILE');
  cfg.privateKeyFile = key ? expand(key, base, home) : undefined;
  cfg.hostKeyChecking = bool('defaults', 'host_key_checking', 'ANSIBLE_HOST_KEY_CHECKING');
  cfg.rolesPath = paths('defaults', 'roles_path', 'ANSIBLE_ROLES_PATH', /:/);
  const gathering = get('defaults', 'gathering', 'ANSIBLE_GATHERING');
  if (gathering) {
    const g = gathering.value.trim().toLowerCase();
    if (g !== 'implicit' && g !== 'explicit' && g !== 'smart') throw configError(`${gathering.where}: expected implicit, explicit or smart, got "${gathering.value}"`);
    cfg.gathering = g;
  }
  const vault = str('defaults', 'vault_password_file', 'ANSIBLE_VAULT_PASSWORD_FILE');
  cfg.vaultPasswordFile = vault ? expand(vault, base, home) : undefined;
  cfg.timeout = int('defaults', 'timeout', 'ANSIBLE_TIMEOUT');
  cfg.become = bool('privilege_escalation', 'become', 'ANSIBLE_BECOME');
  cfg.becomeUser = str('privilege_escalation', 'become_user', 'ANSIBLE_BECOME_USER');
  cfg.becomeMethod = str('privilege_escalation', 'become_method', 'ANSIBLE_BECOME_METHOD');
  cfg.becomeAskPass = bool('privilege_escalation', 'become_ask_pass', 'ANSIBLE_BECOME_ASK_PASS');
  cfg.sshArgs = str('ssh_connection', 'ssh_args', 'ANSIBLE_SSH_ARGS');
  for (const k of ['control_path', 'control_path_dir', 'pipelining']) if (ini.get('ssh_connection')?.has(k)) cfg.ignored.push(`[ssh_connection] ${k} (rb keeps one ssh2 connection per host)`);
  return cfg;
}

/** Host variables the settings stand for, below every inventory variable (as Ansible's own defaults are). */
export function connectionDefaults(cfg: AnsibleCfg): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (cfg.privateKeyFile) out.ansible_private_key_file = cfg.privateKeyFile;
  if (cfg.hostKeyChecking !== undefined) out.ansible_host_key_checking = cfg.hostKeyChecking;
  if (cfg.becomeUser) out.ansible_become_user = cfg.becomeUser;
  if (cfg.becomeMethod) out.ansible_become_method = cfg.becomeMethod;
  if (cfg.sshArgs) out.ansible_ssh_common_args = cfg.sshArgs;
  return out;
}
