// `npm run bench`: rb, Ansible and the SSH floor on the same lab hosts, for
// 1, 10 and 50 hosts (200, 500 and 1000 more with --large), in three modes: first apply on
// freshly rebuilt hosts, no-op rerun, check (rb drift / ansible --check --diff).
// Each round runs every tool once in each mode (A B C, A B C, ...) so drift of
// the machine's load hits all of them; the table shows medians. Writes
// bench/results/<date>.json and .svg.
//
//   npm run bench -- [--hosts 1,10,50] [--large] [--runs 3] [--tools rb,ansible,floor]
//                    [--modes first,noop,check] [--first-host 21] [--out bench/results]
// Without `first` in --modes the hosts are converged by the floor (untimed) before the timed modes.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDown, MAX_HOSTS } from '../core/lab/index.js';
import { closeMasters, ensureAnsible } from './ansible.js';
import { renderChart } from './chart.js';
import { benchHostRange, ensureHosts, labRunning, rebuildHosts, writeBenchInventory, type BenchHosts } from './lab.js';
import { measure } from './measure.js';
import { cells, type RunRecord } from './stats.js';
import { renderTable } from './table.js';
import { command, controlDir, MODES, outcome, TOOLS, type Mode, type Paths, type ToolName } from './tools.js';

export interface BenchOptions {
  sizes: number[];
  runs: number;
  tools: ToolName[];
  modes: Mode[];
  firstHost: number;
  out: string;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUN_TIMEOUT_MS = 900_000;
const ATTEMPTS = 3;

export function parseBenchArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { sizes: [1, 10, 50], runs: 3, tools: [...TOOLS], modes: [...MODES], firstHost: 21, out: join(ROOT, 'bench', 'results') };
  let large = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const int = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a}: expected a positive integer, got "${v}"`);
      return n;
    };
    if (a === '--large') large = true;
    else if (a === '--hosts') o.sizes = value().split(',').map(int);
    else if (a === '--runs') o.runs = int(value());
    else if (a === '--first-host') o.firstHost = int(value());
    else if (a === '--out') o.out = value();
    else if (a === '--tools') {
      o.tools = value().split(',') as ToolName[];
      const bad = o.tools.filter((t) => !TOOLS.includes(t));
      if (bad.length || !o.tools.length) throw new Error(`--tools: expected some of ${TOOLS.join(',')}, got "${bad.join(',')}"`);
    } else if (a === '--modes') {
      o.modes = value().split(',') as Mode[];
      const bad = o.modes.filter((m) => !MODES.includes(m));
      if (bad.length || !o.modes.length) throw new Error(`--modes: expected some of ${MODES.join(',')}, got "${bad.join(',')}"`);
      o.modes = MODES.filter((m) => o.modes.includes(m));
    } else throw new Error(`unknown option ${a}`);
  }
  if (large) o.sizes.push(200, 500, 1000);
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  const last = o.firstHost + Math.max(...o.sizes) - 1;
  if (last > MAX_HOSTS) throw new Error(`hosts rb${o.firstHost}..rb${last}: the lab has at most ${MAX_HOSTS} (lower --first-host)`);
  return o;
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timedRun(tool: ToolName, mode: Mode, hosts: BenchHosts, p: Paths, round: number): Promise<RunRecord> {
  const runId = `${tool}-${hosts.hosts.length}-${mode}-${round}-${Date.now()}`;
  // Let the previous run's sshd sessions on the hosts wind down first.
  await pause(300);
  const r = await measure(command(tool, mode, hosts, p, runId), RUN_TIMEOUT_MS);
  if (tool === 'ansible') await closeMasters(controlDir(p, runId));
  const o = await outcome(tool, mode, r, hosts, p, runId);
  const execs = o.execs ? Object.values(o.execs) : [];
  const rec: RunRecord = { hosts: hosts.hosts.length, tool, mode, round, seconds: r.seconds, peakMB: r.peakBytes / 2 ** 20, peakPssMB: r.peakPssBytes / 2 ** 20 };
  if (execs.length) rec.execsPerHost = execs.reduce((a, b) => a + b, 0) / execs.length;
  log(`  ${String(rec.hosts).padStart(3)} hosts  ${tool.padEnd(7)} ${mode.padEnd(5)} ${rec.seconds.toFixed(2).padStart(7)} s ${rec.peakMB.toFixed(0).padStart(5)} MB (PSS ${rec.peakPssMB!.toFixed(0)})${rec.execsPerHost !== undefined ? `  ${rec.execsPerHost.toFixed(1)} execs/host` : ''}`);
  return rec;
}

/** The floor must leave exactly the state rb converges to: rb drift on its hosts finds nothing. */
async function crossCheckFloor(hosts: BenchHosts, p: Paths): Promise<void> {
  const r = await measure(command('rb', 'check', hosts, p, `floor-crosscheck-${hosts.hosts.length}`), RUN_TIMEOUT_MS);
  if (r.code !== 0) throw new Error(`rb drift after the floor's apply: exit ${r.code} (the floor does not do the same work)\n${r.stdout.slice(-2000)}`);
  log(`  ${String(hosts.hosts.length).padStart(3)} hosts  rb drift after the floor's apply: no drift (same end state)`);
}

/** Fresh hosts to the workload's state, untimed, by the cheapest contender (the floor's apply). */
async function converge(hosts: BenchHosts, p: Paths): Promise<void> {
  const r = await measure(command('floor', 'first', hosts, p, `converge-${hosts.hosts.length}`), RUN_TIMEOUT_MS);
  await outcome('floor', 'first', r, hosts, p, 'converge');
  log(`  ${String(hosts.hosts.length).padStart(3)} hosts  converged by the floor in ${r.seconds.toFixed(1)} s (untimed)`);
}

/** One tool's round: fresh hosts, then first apply, no-op rerun, check. Retried when the lab goes away. */
async function round(tool: ToolName, hosts: BenchHosts, p: Paths, n: number, crossCheck: boolean, modes: Mode[]): Promise<RunRecord[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureHosts(hosts.hosts);
      await rebuildHosts(hosts.hosts);
      if (!modes.includes('first')) await converge(hosts, p);
      const recs: RunRecord[] = [];
      for (const mode of modes) recs.push(await timedRun(tool, mode, hosts, p, n));
      if (crossCheck) await crossCheckFloor(hosts, p);
      return recs;
    } catch (e) {
      if (attempt >= ATTEMPTS) throw e;
      log(`  ${tool} round ${n} failed (${(e as Error).message.split('\n').slice(0, 3).join(' | ')}); rebuilding the hosts and running the round again`);
      // The lab is shared: give whoever took it down (a test's teardown) time to finish.
      await pause(15_000 * attempt);
    }
  }
}

function stamp(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
}

export async function bench(o: BenchOptions): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the bench needs root: it runs lab hosts (network and mount namespaces)');
  const ansible = o.tools.includes('ansible') ? await ensureAnsible(log) : undefined;
  const started = new Date();
  const load = loadavg();
  const broughtUp = !(await labRunning());
  const p: Paths = { root: ROOT, tmp: await mkdtemp(join(tmpdir(), 'rb-bench-')) };
  const records: RunRecord[] = [];
  const base = join(o.out, stamp(started));
  // Written after every size, so a long run that is stopped keeps what it measured.
  const save = async (done: number[]) => {
    const cs = cells(records);
    const table = renderTable(cs, done, o.runs);
    const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, kernel: release(), node: process.version, ansible, loadavgAtStart: load, loadavgAtEnd: loadavg() };
    await mkdir(o.out, { recursive: true });
    await writeFile(`${base}.json`, JSON.stringify({ date: started.toISOString(), machine, options: { ...o, out: undefined }, sizesDone: done, cells: cs, records, table }, null, 1) + '\n');
    await writeFile(`${base}.svg`, renderChart(cs, done, `rb vs Ansible vs SSH floor (median of ${o.runs}), ${started.toISOString().slice(0, 10)}`));
    return table;
  };
  const done: number[] = [];
  try {
    for (const n of o.sizes) {
      const hosts = await writeBenchInventory(p.tmp, benchHostRange(o.firstHost, n));
      log(`${n} host${n > 1 ? 's' : ''}: rb${o.firstHost}..rb${o.firstHost + n - 1}`);
      for (let r = 1; r <= o.runs; r++) {
        for (const tool of o.tools) records.push(...(await round(tool, hosts, p, r, r === 1 && tool === 'floor' && o.tools.includes('rb'), o.modes)));
      }
      done.push(n);
      await save(done);
    }
  } finally {
    await rm(p.tmp, { recursive: true, force: true });
    if (broughtUp) await labDown().catch((e) => log(`rb lab down: ${(e as Error).message}`));
  }
  process.stdout.write(`${await save(done)}\n`);
  log(`wrote ${base}.json and ${base}.svg`);
}

// Imported by the unit tests for parseBenchArgs; run only as the entry point.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  bench(parseBenchArgs(process.argv.slice(2))).catch((e) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}

