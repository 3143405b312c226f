// The subset of OpenSSH client options rb understands, shared by ~/.ssh/config
// and `-o Key=Value` in ansible_ssh_common_args. As in OpenSSH the first value
// obtained wins, except IdentityFile which accumulates.

import { configError, type Location } from '../errors.js';
import type { HostKeyMode } from './host-key-check.js';

export interface SshOptions {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  identitiesOnly?: boolean;
  identityAgent?: string;
  proxyJump?: string;
  proxyCommand?: string;
  userKnownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  strictHostKeyChecking?: HostKeyMode;
  connectTimeoutS?: number;
  serverAliveIntervalS?: number;
}

export function emptyOptions(): SshOptions {
  return { identityFiles: [] };
}

function int(value: string, min: number, max: number, key: string, loc: Location): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw configError(`${key}: expected an integer ${min}-${max}, got "${value}"`, loc);
  return n;
}

function yesNo(value: string, key: string, loc: Location): boolean {
  const v = value.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw configError(`${key}: expected yes or no, got "${value}"`, loc);
}

export function hostKeyMode(value: string, loc: Location): HostKeyMode {
  switch (value.toLowerCase()) {
    case 'yes':
    case 'ask': // rb never prompts: ask behaves like yes
    case 'true':
      return 'strict';
    case 'accept-new':
      return 'accept-new';
    case 'no':
    case 'off':
    case 'false':
      return 'off';
    default:
      throw configError(`StrictHostKeyChecking: expected yes, accept-new or no, got "${value}"`, loc);
  }
}

/**
 * Apply one option (keyword case-insensitive). Keywords rb does not use are
 * ignored, like the many OpenSSH options that do not change what rb does.
 */
export function setOption(o: SshOptions, keyword: string, args: string[], loc: Location): void {
  const key = keyword.toLowerCase();
  const value = args[0];
  if (value === undefined) throw configError(`${keyword}: missing value`, loc);
  switch (key) {
    case 'hostname':
      o.hostName ??= value;
      break;
    case 'user':
      o.user ??= value;
      break;
    case 'port':
      o.port ??= int(value, 1, 65535, 'Port', loc);
      break;
    case 'identityfile':
      if (value.toLowerCase() !== 'none') o.identityFiles.push(value);
      break;
    case 'identitiesonly':
      o.identitiesOnly ??= yesNo(value, 'IdentitiesOnly', loc);
      break;
    case 'identityagent':
      o.identityAgent ??= value;
      break;
    case 'proxyjump':
      o.proxyJump ??= value;
      break;
    case 'proxycommand':
      o.proxyCommand ??= args.join(' ');
      break;
    case 'userknownhostsfile':
      o.userKnownHostsFiles ??= args;
      break;
    case 'globalknownhostsfile':
      o.globalKnownHostsFiles ??= args;
      break;
    case 'stricthostkeychecking':
      o.strictHostKeyChecking ??= hostKeyMode(value, loc);
      break;
    case 'connecttimeout':
      o.connectTimeoutS ??= int(value, 1, 86400, 'ConnectTimeout', loc);
      break;
    case 'serveraliveinterval':
      o.serverAliveIntervalS ??= int(value, 0, 86400, 'ServerAliveInterval', loc);
      break;
  }
}

export interface ExpandContext {
  home: string;
  localUser: string;
  host: string;
  user: string;
  port: number;
}

/** `~` and the `%` tokens OpenSSH allows in IdentityFile / UserKnownHostsFile. */
export function expandPath(path: string, c: ExpandContext): string {
  const tilde = path === '~' || path.startsWith('~/') ? c.home + path.slice(1) : path;
  return tilde.replace(/%([%dhpru])/g, (_m, t: string) => {
    switch (t) {
      case '%':
        return '%';
      case 'd':
        return c.home;
      case 'h':
        return c.host;
      case 'p':
        return String(c.port);
      case 'r':
        return c.user;
      default:
        return c.localUser;
    }
  });
}

export interface JumpHop {
  host: string;
  user?: string;
  port?: number;
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma-separated; `none` = no jump. */
export function parseProxyJump(value: string, loc: Location): JumpHop[] {
  if (value.toLowerCase() === 'none') return [];
  return value.split(',').map((raw) => {
    const s = raw.trim().replace(/^ssh:\/\//, '');
    const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(s);
    if (!m) throw configError(`ProxyJump: cannot read "${raw}" (expected [user@]host[:port])`, loc);
    const hop: JumpHop = { host: m[2].replace(/^\[|\]$/g, '') };
    if (m[1]) hop.user = m[1];
    if (m[3]) hop.port = int(m[3], 1, 65535, 'ProxyJump port', loc);
    return hop;
  });
}
