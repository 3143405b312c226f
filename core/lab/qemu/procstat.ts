// A recorded pid is only ours while its start time still matches: pids are
// reused, and a later `down` must never signal some unrelated process.

/** Field 22 (starttime, clock ticks since boot) of /proc/PID/stat; the comm field may hold spaces and parens. */
export function parseStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = stat.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field 22 is rest[19].
  const v = rest[19];
  return v && /^\d+$/.test(v) ? v : undefined;
}

/** Parse a pid file written as "<pid> <starttime>". */
export function parsePidRecord(text: string): { pid: number; startTime: string } | undefined {
  const m = /^(\d+) (\d+)\s*$/.exec(text);
  return m ? { pid: Number(m[1]), startTime: m[2] } : undefined;
}
