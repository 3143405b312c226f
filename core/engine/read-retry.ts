// Reads are retried when the connection drops; writes never are. Facts are
// read-only by the module contract, so reading them again on a new connection
// is safe; an apply whose connection dropped is never re-sent (what it did is
// unknown: the host is reported unreachable and rolled back if it can be).

import { ConnectError, ConnectionLost } from '../errors.js';

export interface RetryPolicy {
  /** Waits before each new attempt, ms: their count bounds the attempts. */
  delaysMs: readonly number[];
  /** No new attempt starts after this long since the first one. */
  budgetMs: number;
}

export const READ_RETRY: RetryPolicy = { delaysMs: [500, 1000, 2000], budgetMs: 20_000 };

/**
 * Run `read`; when its connection drops, wait and run it again (on a new
 * connection), within the policy's bounds. A host that could not be reached in
 * the first place is not retried.
 */
export async function retryRead<T>(read: () => Promise<T>, policy: RetryPolicy = READ_RETRY, onRetry?: (e: ConnectError, attempt: number, delayMs: number) => void): Promise<T> {
  const started = Date.now();
  let dropped = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (e) {
      dropped ||= e instanceof ConnectionLost;
      const delay = policy.delaysMs[attempt];
      if (!dropped || !(e instanceof ConnectError) || delay === undefined || Date.now() - started + delay > policy.budgetMs) throw e;
      onRetry?.(e, attempt + 1, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
