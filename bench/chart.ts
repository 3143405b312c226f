// A hand-written SVG line chart: one panel per mode, time (log scale) against
// hosts (log scale), one line per tool through the medians.

import { find, type Cell } from './stats.js';
import { MODE_LABEL } from './table.js';
import { MODES, TOOLS, type ToolName } from './tools.js';

const COLOR: Record<ToolName, string> = { rb: '#1f77b4', ansible: '#d62728', floor: '#2ca02c' };
const PANEL = { w: 300, h: 240, left: 52, top: 40, gap: 24 };

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** Powers of ten covering [lo, hi]. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

const fmt = (v: number) => (v >= 1 ? String(v) : v.toFixed(-Math.floor(Math.log10(v))));

export function renderChart(cs: readonly Cell[], sizes: readonly number[], title: string): string {
  const times = cs.map((c) => c.median).filter((x) => x > 0);
  const yTicks = decades(Math.min(...times), Math.max(...times));
  const [yLo, yHi] = [Math.log10(yTicks[0]), Math.log10(yTicks[yTicks.length - 1])];
  const xs = [...sizes].sort((a, b) => a - b);
  const [xLo, xHi] = [Math.log10(xs[0]), Math.log10(xs[xs.length - 1])];
  const width = PANEL.left + MODES.length * (PANEL.w + PANEL.gap) + 20;
  const height = PANEL.top + PANEL.h + 70;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  MODES.forEach((mode, i) => {
    const x0 = PANEL.left + i * (PANEL.w + PANEL.gap);
    const px = (n: number) => x0 + (xHi === xLo ? PANEL.w / 2 : ((Math.log10(n) - xLo) / (xHi - xLo)) * PANEL.w);
    const py = (s: number) => PANEL.top + PANEL.h - ((Math.log10(s) - yLo) / (yHi - yLo || 1)) * PANEL.h;
    out.push(`<text x="${x0 + PANEL.w / 2}" y="${PANEL.top - 8}" text-anchor="middle" font-size="12">${esc(MODE_LABEL[mode])}</text>`);
    out.push(`<rect x="${x0}" y="${PANEL.top}" width="${PANEL.w}" height="${PANEL.h}" fill="none" stroke="#999"/>`);
    for (const t of yTicks) {
      const y = py(t).toFixed(1);
      out.push(`<line x1="${x0}" x2="${x0 + PANEL.w}" y1="${y}" y2="${y}" stroke="#eee"/>`);
      if (i === 0) out.push(`<text x="${x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)} s</text>`);
    }
    for (const n of xs) {
      const x = px(n).toFixed(1);
      out.push(`<line x1="${x}" x2="${x}" y1="${PANEL.top}" y2="${PANEL.top + PANEL.h}" stroke="#eee"/>`);
      out.push(`<text x="${x}" y="${PANEL.top + PANEL.h + 14}" text-anchor="middle">${n}</text>`);
    }
    out.push(`<text x="${x0 + PANEL.w / 2}" y="${PANEL.top + PANEL.h + 30}" text-anchor="middle">hosts</text>`);
    for (const tool of TOOLS) {
      const pts = xs.map((n) => find(cs, n, tool, mode)).filter((c): c is Cell => !!c && c.median > 0);
      if (!pts.length) continue;
      const coords = pts.map((c) => `${px(c.hosts).toFixed(1)},${py(c.median).toFixed(1)}`);
      out.push(`<polyline points="${coords.join(' ')}" fill="none" stroke="${COLOR[tool]}" stroke-width="2"/>`);
      for (const c of pts) out.push(`<circle cx="${px(c.hosts).toFixed(1)}" cy="${py(c.median).toFixed(1)}" r="3" fill="${COLOR[tool]}"><title>${tool} ${c.hosts} hosts: ${c.median.toFixed(2)} s</title></circle>`);
    }
  });
  TOOLS.forEach((tool, i) => {
    const x = PANEL.left + i * 110;
    const y = height - 12;
    out.push(`<line x1="${x}" x2="${x + 24}" y1="${y - 4}" y2="${y - 4}" stroke="${COLOR[tool]}" stroke-width="2"/>`);
    out.push(`<text x="${x + 30}" y="${y}">${tool === 'floor' ? 'SSH floor' : tool}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
