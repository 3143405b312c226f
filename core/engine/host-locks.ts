// The run's host locks: where each host's lock lives, taken once on the first
// change (tasks of one host run one at a time, so one promise serves them all),
// released when the run ends.

import type { ConnectionSpec, Transport } from '../transport/types.js';
import { DEFAULT_LOCK_PATH, DEFAULT_LOCK_TIMEOUT_MS, releaseHostLock, takeHostLock } from './host-lock.js';
import type { HostState } from './host-state.js';
import type { RunOptions } from './types.js';

interface HostLockSite {
  transport: Transport;
  /** undefined: this host is not locked (a local connection without rb_lock_path, or rb_lock_path: false). */
  path?: string;
  taken?: Promise<void>;
  held?: boolean;
  become?: boolean;
}

export interface HostLockUse {
  path: string;
  become?: boolean;
}

/** Where a host's lock lives: `rb_lock_path` (false or '' for none), else /run/rb.lock over SSH and none on a local connection. */
export function lockPathFor(vars: Record<string, unknown>, spec: ConnectionSpec): string | undefined {
  const v = vars.rb_lock_path;
  if (v === false || v === '') return undefined;
  if (typeof v === 'string') return v;
  return spec.connection === 'local' ? undefined : DEFAULT_LOCK_PATH;
}

export class HostLocks {
  private readonly sites = new Map<string, HostLockSite>();

  constructor(private readonly options: RunOptions, private readonly report: (message: string) => void) {}

  /** `vars`: the host's variables as its connection sees them (ansible.cfg, inventory, play, extra vars). */
  configure(s: HostState, transport: Transport, spec: ConnectionSpec, vars: Record<string, unknown>): void {
    this.sites.set(s.name, { transport, path: lockPathFor(vars, spec) });
  }

  /** The locks this run took, per host: where, and whether with become (for the journal, so `rb rollback` takes the same one). */
  taken(): Record<string, HostLockUse> {
    const out: Record<string, HostLockUse> = {};
    for (const [name, x] of this.sites) if (x.held && x.path) out[name] = { path: x.path, ...(x.become !== undefined ? { become: x.become } : {}) };
    return out;
  }

  /** Before a change: the host's lock, taken once per run. Check mode never locks. */
  take(s: HostState, become?: boolean): Promise<void> {
    const site = this.sites.get(s.name);
    if (!site?.path || this.options.check) return Promise.resolve();
    site.taken ??= takeHostLock({
      transport: site.transport,
      path: site.path,
      runId: this.options.runId ?? '',
      timeoutMs: this.options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      become,
      report: this.report,
    }).then(() => {
      site.held = true;
      site.become = become;
    });
    return site.taken;
  }

  async releaseAll(): Promise<void> {
    await Promise.allSettled(
      [...this.sites.values()].filter((x) => x.held).map((x) => releaseHostLock(x.transport, x.path!, this.options.runId ?? '', x.become)),
    );
  }
}
