// The table `npm run bench` prints: medians per cell, rb's ratio to Ansible and
// to the floor, rb's remote execs per host, and peak controller memory.

import { find, type Cell } from './stats.js';
import { MODES, TOOLS, type Mode } from './tools.js';

export const MODE_LABEL: Record<Mode, string> = { first: 'first apply', noop: 'no-op rerun', check: 'check/drift' };

const sec = (x?: number) => (x === undefined || Number.isNaN(x) ? '—' : `${x.toFixed(2)} s`);

function ratio(a?: Cell, b?: Cell): string {
  if (!a || !b) return '—';
  const r = a.median / b.median;
  return r < 1 ? `${r.toFixed(3)} (${(1 / r).toFixed(1)}× faster)` : `${r.toFixed(2)}`;
}

function pad(cols: string[], widths: number[]): string {
  return cols.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

export function renderTable(cs: readonly Cell[], sizes: readonly number[], runs: number): string {
  const w = [5, 12, 8, 9, 8, 24, 9, 10, 10];
  const lines = [
    `rb vs Ansible vs the SSH floor: whole process, median of ${runs} run${runs > 1 ? 's' : ''}`,
    pad(['hosts', 'mode', 'rb', 'ansible', 'floor', 'rb/ansible', 'rb/floor', 'execs/host', 'rb ms/host'], w),
  ];
  for (const n of sizes) {
    for (const m of MODES) {
      const [rb, an, fl] = TOOLS.map((t) => find(cs, n, t, m));
      if (!rb && !an && !fl) continue;
      lines.push(pad([String(n), MODE_LABEL[m], sec(rb?.median), sec(an?.median), sec(fl?.median), ratio(rb, an), fl && rb ? (rb.median / fl.median).toFixed(2) : '—', rb?.execsPerHost?.toFixed(1) ?? '—', rb ? ((rb.median * 1000) / n).toFixed(0) : '—'], w));
    }
  }
  const mw = [5, 0, 10, 11, 10];
  lines.push('', 'peak controller memory, MB, RSS / PSS summed over the process tree (largest run)', pad(['hosts', '', ...TOOLS], mw));
  for (const n of sizes) {
    const peak = (t: (typeof TOOLS)[number], k: 'peakMB' | 'peakPssMB') => Math.max(...MODES.map((m) => find(cs, n, t, m)?.[k] ?? -1));
    lines.push(pad([String(n), '', ...TOOLS.map((t) => (peak(t, 'peakMB') < 0 ? '—' : `${peak(t, 'peakMB').toFixed(0)} / ${peak(t, 'peakPssMB').toFixed(0)}`))], mw));
  }
  return lines.join('\n');
}
