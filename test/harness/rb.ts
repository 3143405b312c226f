// Run the built rb CLI (`npm run build` comes before mocha) as a user would,
// with --report-json added so tests can assert on structured results.

import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ReportChange {
  kind?: string;
  resource: string;
  field?: string;
  before?: unknown;
  after?: unknown;
}

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unknown';

export interface RunReport {
  hosts: Record<string, { ok: number; changed: number; failed: number; skipped: number; unreachable: number; unknown?: number }>;
  tasks: { host: string; task: string; module: string; status: TaskStatus; msg?: string; handler?: boolean; changes: ReportChange[] }[];
}

export interface RbResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed --report-json; null when rb wrote none (bad input, usage errors). */
  report: RunReport | null;
  args: string[];
}

export interface RbRunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /** Do not add --report-json (sub-commands that do not take it). */
  noReport?: boolean;
}

/** The repository root: the nearest package.json named "rb" above this file. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'rb') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the rb repository root (package.json named "rb") above test/harness');
    dir = up;
  }
}

/** The compiled CLI; RB_CLI overrides it (e.g. an installed rb). */
export function rbCliPath(): string {
  const cli = process.env.RB_CLI ?? join(repoRoot(), 'dist', 'bundle', 'rb.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the integration tests`);
  return cli;
}

export async function rbRun(args: string[], opts: RbRunOptions = {}): Promise<RbResult> {
  const dir = await mkdtemp(join(tmpdir(), 'rb-report-'));
  const reportFile = join(dir, 'report.json');
  const full = opts.noReport || args.includes('--report-json') ? [...args] : [...args, '--report-json', reportFile];
  try {
    const { code, stdout, stderr } = await spawnCli(full, opts);
    const text = await readFile(args.includes('--report-json') ? args[args.indexOf('--report-json') + 1] : reportFile, 'utf8').catch(() => '');
    const report = text.trim() ? (JSON.parse(text) as RunReport) : null;
    return { code, stdout, stderr, report, args: full };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnCli(args: string[], opts: RbRunOptions): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [rbCliPath(), ...args], {
      cwd: opts.cwd ?? repoRoot(),
      // No TTY and no colour: the plain reporter, stable output to assert on.
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** `r`, once its exit code is `code` (the failure shows the command and its output). */
export function ran(r: RbResult, code = 0): RbResult {
  expect(r.code, `rb ${r.args.join(' ')}\n${r.stdout}\n${r.stderr}`).to.equal(code);
  return r;
}

/** What `rb adopt --out DIR` wrote: site.yml, then group_vars/ and host_vars/ files. */
export function adoptedFiles(out: string): string[] {
  return ['site.yml', ...['group_vars', 'host_vars'].flatMap((d) => (existsSync(join(out, d)) ? readdirSync(join(out, d)).map((f) => `${d}/${f}`) : []))];
}
