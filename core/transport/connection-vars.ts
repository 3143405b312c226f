// Ansible connection variables + ssh flags + ~/.ssh/config → ConnectionSpec.
// Everything here is decided before any connection, so bad values are
// ConfigErrors that name the host and the variable.

import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { configError, type Location } from '../errors.js';
import type { HostKeyMode } from './host-key-check.js';
import { parseSshArgs, type SshArgs } from './ssh-args.js';
import { loadSshConfig, resolveSshConfig } from './ssh-config.js';
import { emptyOptions, expandPath, parseProxyJump, type ExpandContext, type SshOptions } from './ssh-options.js';
import type { ConnectionSpec, JumpSpec } from './types.js';

export interface ConnectionDefaults {
  /** --host-key-checking: overrides every per-host setting when given. */
  hostKeyChecking?: HostKeyMode;
  /** --timeout, below ansible_ssh_timeout. */
  timeoutMs?: number;
  /** --user, below ansible_user. */
  user?: string;
  /** Where `~` points (default $HOME); the ssh config and default keys are found there. */
  home?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEPALIVE_MS = 15_000;
const DEFAULT_KEYS = ['id_rsa', 'id_ecdsa', 'id_ed25519'];

function str(vars: Record<string, unknown>, name: string, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = vars[k];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw configError(`expected a string, got ${typeof v}`, undefined, `${name}.${k}`);
  }
  return undefined;
}

/** A host or user name: never blank, no blanks or control characters, no leading "-" (ssh would read an option). */
function word(vars: Record<string, unknown>, name: string, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = str(vars, name, k);
    if (v === undefined) continue;
    if (!v.trim()) throw configError(`expected a name, got ${JSON.stringify(v)}`, undefined, `${name}.${k}`);
    if (/[\s\x00-\x1f\x7f]/.test(v) || v.startsWith('-')) throw configError(`expected a name without blanks, control characters or a leading "-", got ${JSON.stringify(v)}`, undefined, `${name}.${k}`);
    return v;
  }
  return undefined;
}

function num(vars: Record<string, unknown>, name: string, key: string, min: number, max: number): number | undefined {
  const v = vars[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw configError(`expected an integer ${min}-${max}, got ${JSON.stringify(v)}`, undefined, `${name}.${key}`);
  return n;
}

function bool(vars: Record<string, unknown>, name: string, key: string): boolean | undefined {
  const v = vars[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['yes', 'true', 'on', '1'].includes(s)) return true;
  if (['no', 'false', 'off', '0'].includes(s)) return false;
  throw configError(`expected a boolean, got ${JSON.stringify(v)}`, undefined, `${name}.${key}`);
}

function sshArgs(name: string, vars: Record<string, unknown>): SshArgs {
  const args: SshArgs = { options: emptyOptions() };
  for (const key of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const text = str(vars, name, key);
    if (text) parseSshArgs(text, `${name}.${key}`, args);
  }
  return args;
}

function configLines(home: string, configFile: string | undefined) {
  if (configFile) return loadSshConfig(expandPath(configFile, { home } as ExpandContext), home);
  return [...loadSshConfig(join(home, '.ssh', 'config'), home), ...loadSshConfig('/etc/ssh/ssh_config', home, '/etc/ssh')];
}

export function resolveConnection(name: string, vars: Record<string, unknown>, opts: ConnectionDefaults): ConnectionSpec {
  const home = opts.home ?? process.env.HOME ?? homedir();
  const localUser = userInfo().username;
  const connection = str(vars, name, 'ansible_connection') ?? 'ssh';
  if (!['ssh', 'local', 'smart', 'paramiko'].includes(connection))
    throw configError(`unsupported connection "${connection}" (rb supports ssh and local)`, undefined, `${name}.ansible_connection`);
  const method = str(vars, name, 'ansible_become_method');
  if (method && method !== 'sudo') throw configError(`become method "${method}" is not supported (only sudo)`, undefined, `${name}.ansible_become_method`);

  const args = sshArgs(name, vars);
  const argsHostKey = args.options.strictHostKeyChecking;
  const alias = word(vars, name, 'ansible_host', 'host', 'ansible_ssh_host') ?? name;
  const lines = configLines(home, args.configFile);
  const o: SshOptions = resolveSshConfig(lines, alias, args.options);

  const port = num(vars, name, 'ansible_port', 1, 65535) ?? num(vars, name, 'ansible_ssh_port', 1, 65535) ?? o.port ?? 22;
  const user = word(vars, name, 'ansible_user', 'ansible_ssh_user') ?? opts.user ?? o.user ?? localUser;
  const address = o.hostName ?? alias;
  const ctx: ExpandContext = { home, localUser, host: address, user, port };
  const keyVar = str(vars, name, 'ansible_ssh_private_key_file', 'ansible_private_key_file');
  const privateKeyFile = keyVar ? expandPath(keyVar, ctx) : undefined;
  const configured = o.identityFiles.map((f) => expandPath(f, ctx));
  const identityFiles = privateKeyFile || configured.length ? configured : DEFAULT_KEYS.map((k) => join(home, '.ssh', k));

  const userFiles = (o.userKnownHostsFiles ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map((f) => expandPath(f, ctx));
  const globalFiles = o.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
  const varHostKey = bool(vars, name, 'ansible_host_key_checking');
  const hostKeyChecking: HostKeyMode =
    opts.hostKeyChecking ?? argsHostKey ?? (varHostKey === false ? 'off' : undefined) ?? o.strictHostKeyChecking ?? 'strict';

  const timeoutS = num(vars, name, 'ansible_ssh_timeout', 1, 86400) ?? num(vars, name, 'ansible_timeout', 1, 86400);
  const agent = o.identitiesOnly ? undefined : agentSocket(o.identityAgent, ctx);

  if (o.proxyCommand && o.proxyCommand.toLowerCase() !== 'none' && !o.proxyJump)
    throw configError('ProxyCommand is not supported by rb; use ProxyJump ([user@]host[:port])', undefined, `${name}.ssh ProxyCommand`);

  const spec: ConnectionSpec = {
    name,
    connection: connection === 'local' ? 'local' : 'ssh',
    address,
    port,
    user,
    knownHostsFile: userFiles[0],
    extraKnownHostsFiles: [...userFiles.slice(1), ...globalFiles],
    hostKeyChecking,
    become: bool(vars, name, 'ansible_become') ?? false,
    connectTimeoutMs: timeoutS !== undefined ? timeoutS * 1000 : (opts.timeoutMs ?? (o.connectTimeoutS ?? DEFAULT_TIMEOUT_MS / 1000) * 1000),
    keepaliveIntervalMs: o.serverAliveIntervalS !== undefined ? o.serverAliveIntervalS * 1000 : DEFAULT_KEEPALIVE_MS,
    identityFiles,
  };
  if (privateKeyFile) spec.privateKeyFile = privateKeyFile;
  const password = str(vars, name, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password');
  if (password !== undefined) spec.password = password;
  const becomeUser = word(vars, name, 'ansible_become_user');
  if (becomeUser) spec.becomeUser = becomeUser;
  const becomePassword = str(vars, name, 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass');
  if (becomePassword !== undefined) spec.becomePassword = becomePassword;
  if (agent) spec.agentSocket = agent;
  if (o.proxyJump) {
    const loc: Location = { file: `${name}.ProxyJump`, line: 1, col: 1 };
    spec.proxyJump = parseProxyJump(o.proxyJump, loc).map((hop) => jumpSpec(hop, lines, ctx, privateKeyFile));
  }
  return spec;
}

function agentSocket(identityAgent: string | undefined, ctx: ExpandContext): string | undefined {
  if (identityAgent === undefined || identityAgent === 'SSH_AUTH_SOCK') return process.env.SSH_AUTH_SOCK || undefined;
  if (identityAgent.toLowerCase() === 'none') return undefined;
  return expandPath(identityAgent.replace(/^\$(SSH_AUTH_SOCK)$/, () => process.env.SSH_AUTH_SOCK ?? ''), ctx) || undefined;
}

/** A hop uses its own ssh config block (as `ssh -J` does), then the target's key as a fallback. */
function jumpSpec(
  hop: { host: string; user?: string; port?: number },
  lines: ReturnType<typeof loadSshConfig>,
  target: ExpandContext,
  targetKey: string | undefined,
): JumpSpec {
  const ho = resolveSshConfig(lines, hop.host);
  const address = ho.hostName ?? hop.host;
  const port = hop.port ?? ho.port ?? 22;
  const user = hop.user ?? ho.user ?? target.localUser;
  const ctx: ExpandContext = { ...target, host: address, port, user };
  const own = ho.identityFiles.map((f) => expandPath(f, ctx));
  const defaults = DEFAULT_KEYS.map((k) => join(target.home, '.ssh', k));
  const files = [...own, ...(targetKey ? [targetKey] : []), ...(own.length ? [] : defaults)];
  return { address, port, user, identityFiles: [...new Set(files)] };
}
