// A transport that connects on first use, so tasks that never touch the host
// (debug, set_fact) cost no connection, and one connection serves the whole run.

import type { ExecOptions, ExecResult, Transport, TransportStats } from '../transport/types.js';

export class LazyTransport implements Transport {
  private pending?: Promise<Transport>;
  private opened?: Transport;
  constructor(readonly host: string, private readonly open: () => Promise<Transport>) {}

  private get t(): Promise<Transport> {
    // A lost connection, or a connect that failed, is opened anew by the next use.
    if ((this.opened as { closed?: boolean } | undefined)?.closed) this.pending = this.opened = undefined;
    if (!this.pending) {
      const p = this.open().then((t) => (this.opened = t));
      p.catch(() => {
        if (this.pending === p) this.pending = undefined;
      });
      this.pending = p;
    }
    return this.pending;
  }
  /** The connection's counters; undefined until it is open. */
  get stats(): TransportStats | undefined {
    return this.opened?.stats;
  }
  async exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    return (await this.t).exec(command, opts);
  }
  async put(path: string, data: string | Buffer, mode?: number): Promise<void> {
    return (await this.t).put(path, data, mode);
  }
  async get(path: string): Promise<Buffer | null> {
    return (await this.t).get(path);
  }
  async close(): Promise<void> {
    if (this.pending) await (await this.pending.catch(() => undefined))?.close();
  }
}
