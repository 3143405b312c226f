import type { Reporter } from '../engine/types.js';

/** Fan every event out to several reporters. */
export function multiReporter(list: Reporter[]): Reporter {
  return {
    playStart: (...a) => list.forEach((r) => r.playStart(...a)),
    taskStart: (...a) => list.forEach((r) => r.taskStart(...a)),
    hostResult: (...a) => list.forEach((r) => r.hostResult(...a)),
    taskEnd: async (t) => {
      for (const r of list) await r.taskEnd(t);
    },
    rollback: (...a) => list.forEach((r) => r.rollback(...a)),
    warn: (...a) => list.forEach((r) => r.warn(...a)),
    runEnd: async (s) => {
      for (const r of list) await r.runEnd(s);
    },
  };
}
