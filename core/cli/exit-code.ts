import type { RunSummary } from '../engine/types.js';

/** run: 0 ok, 3 a host failed or was unreachable. drift: 0 none, 2 drift, 1 error. */
export function exitCode(mode: 'run' | 'check' | 'drift', s: RunSummary): number {
  const hosts = Object.values(s.stats);
  const broken = hosts.some((h) => h.failed > 0 || h.unreachable > 0);
  if (mode === 'drift') {
    if (broken) return 1;
    return hosts.some((h) => h.changed > 0) ? 2 : 0;
  }
  return broken ? 3 : 0;
}
