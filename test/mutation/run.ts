// Inject each mutant of mutants.ts into a scratch copy of the sources, run the
// unit suite (stopping at its first failure), and count the mutants it catches.
//   npm run mutation            (about a minute per surviving mutant)

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MUTANTS } from './mutants.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'rb-mutation-'));
const SKIP = new Set(['node_modules', 'dist', '.git']);
cpSync(ROOT, work, { recursive: true, filter: (src) => !SKIP.has(src.slice(ROOT.length + 1).split('/')[0]!) });
symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));

// The fuzzer explores for a fixed time budget, so what it reaches depends on the
// machine's load, not on the mutant: a catch of its would not be reproducible.
const TIME_BUDGETED = ['test/unit/fuzz.test.ts'];
const unit = (): { status: number | null; stdout: string; stderr: string } =>
  spawnSync('npx', ['mocha', '--bail', '--reporter', 'dot', ...TIME_BUDGETED.flatMap((f) => ['--ignore', f]), 'test/unit/**/*.test.ts', 'test/modules/**/*.test.ts'], { cwd: work, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
/** The first failing test's title, from mocha's dot reporter. */
const firstFailure = (out: string): string => /^\s+1\) (.+(?:\n\s{7,}.+)*)/m.exec(out)?.[1]?.replace(/\s+/g, ' ').trim() ?? '(no test title: the suite did not run)';

// The unmutated copy must pass, or every mutant would look caught.
const baseline = unit();
if (baseline.status !== 0) throw new Error(`the unit suite fails without any mutant:\n${(baseline.stdout + baseline.stderr).slice(-3000)}`);

let caught = 0;
const missed: string[] = [];
for (const m of MUTANTS) {
  const file = join(work, m.file);
  const original = readFileSync(file, 'utf8');
  if (original.split(m.find).length !== 2) throw new Error(`${m.file}: the text of mutant "${m.what}" is not there exactly once`);
  writeFileSync(file, original.replace(m.find, m.replace));
  const r = unit();
  writeFileSync(file, original);
  const killed = r.status !== 0;
  if (killed) caught++;
  else missed.push(m.what);
  process.stdout.write(`${killed ? 'caught' : 'MISSED'}  ${m.what}${killed ? `\n        by: ${firstFailure(r.stdout)}` : ''}\n`);
}
process.stdout.write(`\n${caught} of ${MUTANTS.length} mutants caught by the unit suite\n${missed.map((w) => `  missed: ${w}\n`).join('')}`);
rmSync(work, { recursive: true, force: true });
