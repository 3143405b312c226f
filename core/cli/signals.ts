// SIGINT / SIGTERM during a run: the first one lets the running task finish
// (or roll back), starts no new task, records pending handlers and writes the
// reports and the journal (exit 130 / 143). A second SIGINT stops at once and
// says what may be half-done.

import type { Reporter } from '../engine/types.js';

/** Which task each host is running right now, from the reporter's events. */
export class InFlight {
  readonly running = new Map<string, string>();

  wrap(inner: Reporter): Reporter {
    return {
      ...inner,
      playStart: (p, h) => inner.playStart(p, h),
      taskStart: (task, hosts, handler) => {
        for (const h of hosts) this.running.set(h, `${handler ? 'handler ' : ''}${task.name}`);
        inner.taskStart(task, hosts, handler);
      },
      hostResult: (r) => {
        this.running.delete(r.host);
        inner.hostResult(r);
      },
      taskEnd: (t) => inner.taskEnd(t),
      rollback: (r) => inner.rollback(r),
      warn: (m) => inner.warn(m),
      runEnd: (s) => inner.runEnd(s),
    };
  }
}

export function onStopSignals(stop: { signal?: string }, inflight: InFlight, exit: (code: number) => void = (c) => process.exit(c)): { dispose(): void } {
  const say = (s: string) => process.stderr.write(`rb: ${s}\n`);
  const handler = (signal: NodeJS.Signals) => {
    if (!stop.signal) {
      stop.signal = signal;
      say(`${signal}: stopping after the running task${inflight.running.size ? ` (${[...inflight.running].map(([h, t]) => `${h}: ${t}`).join(', ')})` : ''}; no new task starts. ${signal === 'SIGINT' ? 'Ctrl-C again stops at once.' : ''}`.trim());
      return;
    }
    const half = [...inflight.running].map(([h, t]) => `${h}: ${t}`);
    say(`stopped at once by a second ${signal}.${half.length ? ` These may be half-done (check them, then run again): ${half.join('; ')}` : ' No task was running.'}`);
    exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
