// A client on the controller asking VIP:PORT for a page at a steady rate (one
// request every `intervalMs`, each bounded by `requestTimeoutMs`, the whole
// loop bounded by `maxMs`): how many requests failed and the longest time
// without an answer. The controller sits on the lab bridge, the same L2
// segment as the lab hosts (inside the qemu guest too), so it is a real client
// of the LVS-DR service.

import { connect } from 'node:net';

export interface PollStats {
  requests: number;
  failed: number;
  /** Longest time between two answered requests (ms), i.e. the longest outage as a client saw it. */
  longestGapMs: number;
  /** When the requests failed, ms after the poll started (first 20). */
  failedAt: number[];
}

export interface PollOptions {
  host: string;
  port: number;
  intervalMs?: number;
  requestTimeoutMs?: number;
  maxMs?: number;
}

/** One HTTP/1.0 GET: true when a 200 comes back in time. */
export function get(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let data = '';
    const done = (ok: boolean) => {
      s.destroy();
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.setEncoding('utf8');
    s.once('connect', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    s.on('data', (d: string) => (data += d));
    s.once('end', () => done(/^HTTP\/1\.\d 200/.test(data)));
    s.once('error', () => done(false));
  });
}

export class Poller {
  private stopping = false;
  private readonly done: Promise<PollStats>;

  constructor(o: PollOptions) {
    this.done = this.loop({ intervalMs: 50, requestTimeoutMs: 1000, maxMs: 600_000, ...o });
  }

  private async loop(o: Required<PollOptions>): Promise<PollStats> {
    const t0 = Date.now();
    const stats: PollStats = { requests: 0, failed: 0, longestGapMs: 0, failedAt: [] };
    let lastOk = t0;
    let next = t0;
    while (!this.stopping && Date.now() - t0 < o.maxMs) {
      const at = Date.now();
      const ok = await get(o.host, o.port, o.requestTimeoutMs);
      stats.requests++;
      const end = Date.now();
      if (ok) {
        stats.longestGapMs = Math.max(stats.longestGapMs, end - lastOk);
        lastOk = end;
      } else {
        stats.failed++;
        if (stats.failedAt.length < 20) stats.failedAt.push(at - t0);
      }
      next += o.intervalMs;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else next = Date.now();
    }
    stats.longestGapMs = Math.max(stats.longestGapMs, Date.now() - lastOk);
    return stats;
  }

  async stop(): Promise<PollStats> {
    this.stopping = true;
    return this.done;
  }
}

/** `--- label: 3 of 412 requests failed, longest gap 1210 ms`. */
export function describeStats(label: string, s: PollStats): string {
  return `${label}: ${s.failed} of ${s.requests} requests failed, longest gap ${s.longestGapMs} ms`;
}
