// The transport an apply runs on when another task follows: each exec of the
// apply carries the next task's fact command after it, in the same round trip.
// When the last thing the apply did on the host was such an exec, the next
// task's facts were gathered after every change the apply made: they are as
// fresh as facts gathered at the start of that task, one exec sooner. Anything
// after that exec (another write, a put) makes them unusable.

import { randomBytes } from 'node:crypto';
import type { ExecOptions, ExecResult, Transport, TransportStats } from '../transport/types.js';
import { factsBatchScript, splitFactsBatch } from './facts-batch.js';

export class FactsCarrier implements Transport {
  private ops = 0;
  private last?: { at: number; facts: ExecResult | null };

  constructor(
    private readonly inner: Transport,
    private readonly factsCommand: string,
    /** The become the facts must run with: an exec asking for another one carries nothing. */
    private readonly become: boolean | undefined,
  ) {}

  get host(): string {
    return this.inner.host;
  }

  get stats(): TransportStats | undefined {
    return this.inner.stats;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const at = ++this.ops;
    // A bounded command (a service waiting for its daemon) keeps its bound to itself.
    if (opts.timeoutMs !== undefined || (opts.become ?? this.become) !== this.become) return this.inner.exec(command, opts);
    const nonce = randomBytes(8).toString('hex');
    const r = await this.inner.exec(factsBatchScript([command, this.factsCommand], nonce, 0), opts);
    const [own, facts] = splitFactsBatch(r, 2, nonce);
    this.last = { at, facts: own ? facts : null };
    // Without its marker the command ended the whole script: its output is all there is.
    return own ?? r;
  }

  async put(path: string, data: string | Buffer, mode?: number): Promise<void> {
    this.ops++;
    return this.inner.put(path, data, mode);
  }

  async get(path: string): Promise<Buffer | null> {
    this.ops++;
    return this.inner.get(path);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The next task's fact result, when the apply's last operation carried it. */
  carried(): ExecResult | null {
    return this.last && this.last.at === this.ops ? this.last.facts : null;
  }
}
