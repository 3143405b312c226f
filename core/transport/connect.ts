// From inventory variables to an open transport. `connectionFromVars` reads the
// Ansible connection variables with ~/.ssh/config underneath (as `ssh` would
// see them when Ansible runs it); `ConnectionPool` keeps one transport per
// host for the whole run.

import { LocalTransport } from './local.js';
import { SshTransport, type SshConnectOptions } from './ssh.js';
import { resolveConnection, type ConnectionDefaults } from './connection-vars.js';
import type { ConnectionSpec, Transport } from './types.js';

export type { ConnectionDefaults } from './connection-vars.js';

/**
 * Build the connection of one host. Precedence, highest first: the host's
 * `ansible_*` variables, `opts` (CLI flags; `hostKeyChecking` beats every
 * per-host setting), `ansible_ssh_common_args`/`ansible_ssh_extra_args`
 * flags, ~/.ssh/config (or `-F FILE`) then /etc/ssh/ssh_config, defaults.
 * Throws ConfigError naming the host and variable on bad values.
 */
export function connectionFromVars(name: string, vars: Record<string, unknown>, opts: ConnectionDefaults = {}): ConnectionSpec {
  return resolveConnection(name, vars, opts);
}

export function openTransport(spec: ConnectionSpec, opts: SshConnectOptions = {}): Promise<Transport> {
  if (spec.connection === 'local') return Promise.resolve(new LocalTransport(spec));
  return SshTransport.connect(spec, opts);
}

/** The settings that make two specs share one connection. */
function poolKey(s: ConnectionSpec): string {
  return JSON.stringify([s.name, s.connection, s.user, s.address, s.port, s.become, s.becomeUser ?? '']);
}

export class ConnectionPool {
  private readonly transports = new Map<string, Promise<Transport>>();

  constructor(private readonly opts: { maxSessionsPerHost?: number } = {}) {}

  /**
   * The host's transport; concurrent callers share one pending connect. A
   * failed connect is forgotten, so a later call tries again; so is a
   * connection that has since been lost.
   */
  get(spec: ConnectionSpec): Promise<Transport> {
    const key = poolKey(spec);
    const cur = this.transports.get(key);
    if (cur) return cur.then((t) => (isClosed(t) ? this.reopen(key, spec, cur) : t));
    return this.open(key, spec);
  }

  private reopen(key: string, spec: ConnectionSpec, stale: Promise<Transport>): Promise<Transport> {
    if (this.transports.get(key) !== stale) return this.get(spec);
    return this.open(key, spec);
  }

  private open(key: string, spec: ConnectionSpec): Promise<Transport> {
    const p = openTransport(spec, { maxSessions: this.opts.maxSessionsPerHost });
    this.transports.set(key, p);
    p.catch(() => {
      if (this.transports.get(key) === p) this.transports.delete(key);
    });
    return p;
  }

  async closeAll(): Promise<void> {
    const all = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(all.map((p) => p.then((t) => t.close(), () => undefined)));
  }
}

function isClosed(t: Transport): boolean {
  return (t as { closed?: boolean }).closed === true;
}
