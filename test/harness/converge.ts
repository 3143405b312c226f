// The contract every module's integration test proves on real lab hosts:
//   (a) --check on fresh hosts predicts changes,
//   (b) the real run makes exactly those changes,
//   (c) a second run changes nothing,
//   (d) --check then reports nothing,
//   (e) after tampering inside a host, --check reports the drift (returned
//       so the caller asserts it exactly).

import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_INVENTORY, labExec } from './lab.js';
import { rbRun, type RbResult, type RunReport } from './rb.js';

export interface ConvergeOptions {
  /** A playbook file, or a playbook (list of plays) written to a temp file. */
  playbook: string | object;
  /** Default: the lab's inventory. */
  inventory?: string;
  limit?: string;
  extraVars?: Record<string, unknown>;
  /** A shell command run inside `host` (no ssh) after convergence, to cause drift. */
  tamper?: { host: string; cmd: string };
  /** Hosts where the drift must show, and only there. Default: the tampered host. */
  expectDriftOn?: string | string[];
  /** More rb arguments for every run (e.g. --tags). */
  args?: string[];
}

export interface FlatChange {
  host: string;
  task: string;
  module: string;
  kind?: string;
  resource: string;
  field?: string;
  before?: unknown;
  after?: unknown;
}

export interface ConvergeResult {
  check: RbResult;
  run: RbResult;
  rerun: RbResult;
  recheck: RbResult;
  /** The changes predicted by (a), identical to those made by (b). */
  changes: FlatChange[];
  drift?: { check: RbResult; changes: FlatChange[] };
}

/** Every change of every changed task, one entry per resource field. */
export function flatChanges(report: RunReport): FlatChange[] {
  return report.tasks
    .filter((t) => t.status === 'changed')
    .flatMap((t) => t.changes.map((c) => ({ host: t.host, task: t.task, module: t.module, ...c })));
}

/** What must agree between a prediction and a run: every field of every change. */
export function changeKey(c: FlatChange): string {
  return JSON.stringify([c.host, c.task, c.kind ?? null, c.resource, c.field ?? null, c.before ?? null, c.after ?? null]);
}

/** Keys in host order (hosts run in parallel; within a host, changes keep their order). */
function ordered(list: FlatChange[]): string[] {
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.host.localeCompare(b.c.host) || a.i - b.i)
    .map(({ c }) => changeKey(c));
}

/**
 * Changes only in `predicted` (missed by the run) and only in `actual` (not
 * predicted), counted (a change made twice is one unexpected); when both agree
 * as collections but not in order within a host, `reordered` shows both lists.
 */
export function compareChanges(predicted: FlatChange[], actual: FlatChange[]): { unexpected: string[]; missing: string[]; reordered?: { predicted: string[]; actual: string[] } } {
  const p = ordered(predicted);
  const a = ordered(actual);
  const left = [...a];
  const missing: string[] = [];
  for (const k of p) {
    const at = left.indexOf(k);
    if (at >= 0) left.splice(at, 1);
    else missing.push(k);
  }
  const out: { unexpected: string[]; missing: string[]; reordered?: { predicted: string[]; actual: string[] } } = { missing: missing.sort(), unexpected: left.sort() };
  if (!missing.length && !left.length && p.some((k, i) => k !== a[i])) out.reordered = { predicted: p, actual: a };
  return out;
}

function describeRun(label: string, r: RbResult): string {
  return `${label}: rb ${r.args.join(' ')}\nexit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** Exit 0, a report, no failed or unreachable host. */
function expectClean(label: string, r: RbResult): RunReport {
  expect(r.code, describeRun(label, r)).to.equal(0);
  expect(r.report, describeRun(`${label} wrote no report`, r)).to.not.equal(null);
  const report = r.report!;
  for (const [host, s] of Object.entries(report.hosts)) {
    expect({ host, failed: s.failed, unreachable: s.unreachable }, describeRun(label, r)).to.deep.equal({ host, failed: 0, unreachable: 0 });
  }
  return report;
}

function expectNothingChanged(label: string, r: RbResult, report: RunReport): void {
  expect(flatChanges(report), describeRun(`${label} changed something`, r)).to.deep.equal([]);
  for (const [host, s] of Object.entries(report.hosts)) expect({ host, changed: s.changed }, label).to.deep.equal({ host, changed: 0 });
}

export async function converge(opts: ConvergeOptions): Promise<ConvergeResult> {
  if (typeof opts.playbook === 'string') return convergeFile(opts.playbook, opts);
  const dir = await mkdtemp(join(tmpdir(), 'rb-converge-'));
  try {
    const file = join(dir, 'playbook.yml');
    // JSON is YAML: no serializer needed, and the file is exactly what the test wrote.
    await writeFile(file, `${JSON.stringify(opts.playbook, null, 2)}\n`);
    return await convergeFile(file, opts);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function convergeFile(playbook: string, opts: ConvergeOptions): Promise<ConvergeResult> {
  const base = ['run', playbook, '-i', opts.inventory ?? LAB_INVENTORY, ...(opts.args ?? [])];
  if (opts.limit) base.push('--limit', opts.limit);
  if (opts.extraVars) base.push('-e', JSON.stringify(opts.extraVars));

  const check = await rbRun([...base, '--check']);
  const checkReport = expectClean('(a) first --check', check);
  const unknown = checkReport.tasks.filter((t) => t.status === 'unknown').map((t) => `${t.host}: ${t.task}`);
  expect(unknown, '(a) --check cannot predict these tasks, so converge cannot prove them').to.deep.equal([]);
  const changes = flatChanges(checkReport);
  expect(changes, describeRun('(a) --check on fresh hosts predicted no change', check)).to.not.be.empty;

  const run = await rbRun(base);
  const diff = compareChanges(changes, flatChanges(expectClean('(b) first run', run)));
  expect(diff, describeRun('(b) the run did not make exactly the predicted changes', run)).to.deep.equal({ missing: [], unexpected: [] });

  const rerun = await rbRun(base);
  expectNothingChanged('(c) second run', rerun, expectClean('(c) second run', rerun));

  const recheck = await rbRun([...base, '--check']);
  expectNothingChanged('(d) --check after convergence', recheck, expectClean('(d) --check after convergence', recheck));

  const result: ConvergeResult = { check, run, rerun, recheck, changes };
  if (opts.tamper) {
    const t = await labExec(opts.tamper.host, opts.tamper.cmd);
    expect(t.code, `(e) tamper command failed in ${opts.tamper.host}: ${t.stderr}`).to.equal(0);
    const driftCheck = await rbRun([...base, '--check']);
    const drift = flatChanges(expectClean('(e) --check after tampering', driftCheck));
    const expected = [opts.expectDriftOn ?? opts.tamper.host].flat().sort();
    const on = [...new Set(drift.map((c) => c.host))].sort();
    expect(on, describeRun('(e) drift reported on other hosts than expected', driftCheck)).to.deep.equal(expected);
    result.drift = { check: driftCheck, changes: drift };
  }
  return result;
}
