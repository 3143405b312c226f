// Medians per cell (hosts × tool × mode) and the ratios the bench reports.

import type { Mode, ToolName } from './tools.js';

export interface RunRecord {
  hosts: number;
  tool: ToolName;
  mode: Mode;
  round: number;
  seconds: number;
  /** Peak RSS sum of the process tree. */
  peakMB: number;
  /** Peak PSS sum of the process tree. */
  peakPssMB?: number;
  /** rb: mean remote execs per host. */
  execsPerHost?: number;
}

export interface Cell {
  hosts: number;
  tool: ToolName;
  mode: Mode;
  seconds: number[];
  median: number;
  /** Largest peak of the cell's runs. */
  peakMB: number;
  peakPssMB?: number;
  execsPerHost?: number;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function cells(records: readonly RunRecord[]): Cell[] {
  const by = new Map<string, RunRecord[]>();
  for (const r of records) {
    const k = `${r.hosts}/${r.tool}/${r.mode}`;
    (by.get(k) ?? by.set(k, []).get(k)!).push(r);
  }
  return [...by.values()].map((rs) => {
    const execs = rs.map((r) => r.execsPerHost).filter((x): x is number => x !== undefined);
    return {
      hosts: rs[0].hosts,
      tool: rs[0].tool,
      mode: rs[0].mode,
      seconds: rs.map((r) => r.seconds),
      median: median(rs.map((r) => r.seconds)),
      peakMB: Math.max(...rs.map((r) => r.peakMB)),
      peakPssMB: Math.max(...rs.map((r) => r.peakPssMB ?? 0)),
      ...(execs.length ? { execsPerHost: median(execs) } : {}),
    };
  });
}

export function find(cs: readonly Cell[], hosts: number, tool: ToolName, mode: Mode): Cell | undefined {
  return cs.find((c) => c.hosts === hosts && c.tool === tool && c.mode === mode);
}
