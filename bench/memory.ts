// Controller memory of a tool while it runs: the resident set summed over the
// process and all its descendants (Ansible forks a worker per host and an ssh
// per connection), polled every ~10 ms. The peak of that sum is the figure;
// for the root process its own high-water mark (VmHWM) also counts, so a
// single-process tool's peak is exact even between two polls. Forked workers
// share most of their pages with their parent and the RSS sum counts them in
// each, so the proportional set size (PSS, shared pages split between their
// users) is summed too, every ~100 ms (reading it costs the kernel a page walk).

import { readFileSync } from 'node:fs';

const PAGE = 4096;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process has just exited
  }
}

/** Resident bytes of one process (statm's second field is in pages). */
export function parseStatm(text: string): number {
  const pages = Number(text.split(' ')[1]);
  if (!Number.isFinite(pages)) throw new Error(`statm: cannot read ${JSON.stringify(text.slice(0, 60))}`);
  return pages * PAGE;
}

/** Pss of /proc/PID/smaps_rollup in bytes; 0 when absent. */
export function parsePss(rollup: string): number {
  const m = /^Pss:\s+(\d+) kB$/m.exec(rollup);
  return m ? Number(m[1]) * 1024 : 0;
}

/** VmHWM of /proc/PID/status in bytes; 0 when absent (a zombie has none). */
export function parseHwm(status: string): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Children of the process's main thread (where fork and spawn happen for node, python and ssh). */
function children(pid: number): number[] {
  const t = read(`/proc/${pid}/task/${pid}/children`);
  return t ? t.split(' ').filter(Boolean).map(Number) : [];
}

export interface PeakMemory {
  /** Peak of the RSS sum (at least the root's own high-water mark). */
  rss: number;
  /** Peak of the PSS sum. */
  pss: number;
}

export class TreeMemory {
  private peakSum = 0;
  private peakPss = 0;
  private rootHwm = 0;
  private samples = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly root: number, private readonly intervalMs = 10, private readonly pssEvery = 10) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): PeakMemory {
    clearInterval(this.timer);
    return { rss: Math.max(this.peakSum, this.rootHwm), pss: this.peakPss };
  }

  private sample(): void {
    let sum = 0;
    let pss = 0;
    const withPss = this.samples++ % this.pssEvery === 0;
    const stack = [this.root];
    while (stack.length) {
      const pid = stack.pop()!;
      const statm = read(`/proc/${pid}/statm`);
      if (statm === null) continue;
      sum += parseStatm(statm);
      if (withPss) pss += parsePss(read(`/proc/${pid}/smaps_rollup`) ?? '');
      stack.push(...children(pid));
    }
    this.peakSum = Math.max(this.peakSum, sum);
    if (withPss) this.peakPss = Math.max(this.peakPss, pss);
    const status = read(`/proc/${this.root}/status`);
    if (status) this.rootHwm = Math.max(this.rootHwm, parseHwm(status));
  }
}
