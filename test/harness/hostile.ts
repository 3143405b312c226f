// The hostile corpus (test/fixtures/hostile): case files read and expanded,
// and one case run in-process through `rb check|run`, output captured, time bounded.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runCommand } from '../../core/cli/run.js';

export const HOSTILE = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));

export interface HostileCase {
  file: string;
  name: string;
  playbook: string;
  inventory?: string;
  files?: Record<string, string>;
  args?: string[];
  mode?: 'run' | 'check';
  exit: number;
  message?: string;
  path?: string;
  located?: boolean;
  /** An inventory among `files` (relative to the case directory) instead of the shared one. */
  inventoryPath?: string;
}

type RawCase = Omit<HostileCase, 'file'> & { vary?: Record<string, unknown[]> };

function substitute<T>(v: T, key: string, value: string): T {
  if (typeof v === 'string') return v.split(`%${key}%`).join(value) as T;
  if (Array.isArray(v)) return v.map((x) => substitute(x, key, value)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, key, value)])) as T;
  return v;
}

function expand(raw: RawCase): RawCase[] {
  if (!raw.vary) return [raw];
  let out: RawCase[] = [{ ...raw, vary: undefined }];
  for (const [key, values] of Object.entries(raw.vary)) {
    out = out.flatMap((c) => values.map((v) => {
      const value = typeof v === 'string' ? v : JSON.stringify(v);
      return { ...substitute(c, key, value), name: `${c.name} [${key}=${value}]` };
    }));
  }
  return out;
}

/** Cases as written, before `vary` expands them. */
export function distinctCaseCount(): number {
  const dir = join(HOSTILE, 'cases');
  return readdirSync(dir).filter((f) => f.endsWith('.yml')).reduce((n, f) => n + (parse(readFileSync(join(dir, f), 'utf8')) as RawCase[]).length, 0);
}

export function hostileCases(): HostileCase[] {
  const dir = join(HOSTILE, 'cases');
  return readdirSync(dir).filter((f) => f.endsWith('.yml')).sort().flatMap((f) => {
    const list = parse(readFileSync(join(dir, f), 'utf8')) as RawCase[];
    return list.flatMap(expand).map((c) => ({ ...c, file: f }));
  });
}

export interface Outcome {
  code: number | 'crash' | 'hang';
  stdout: string;
  stderr: string;
  dir: string;
}

/** Write the case's files into a fresh directory: play.yml, inv.yml (or the shared inventory), extras. */
export function stage(c: HostileCase): { dir: string; argv: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-hostile-'));
  const put = (name: string, text: string) => {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), substitute(text, 'DIR', dir));
  };
  put('play.yml', c.playbook);
  for (const [name, text] of Object.entries(c.files ?? {})) put(name, text);
  const inv = c.inventoryPath !== undefined ? join(dir, c.inventoryPath) : c.inventory === undefined ? join(HOSTILE, 'inventory.yml') : join(dir, 'inv.yml');
  if (c.inventory !== undefined) put('inv.yml', c.inventory);
  const argv = [join(dir, 'play.yml'), '-i', inv, '--output', 'plain', ...substitute(c.args ?? [], 'DIR', dir)];
  return { dir, argv };
}

let busy = false;

/** Run one case in this process; stdout and stderr are captured while it runs. */
export async function runCase(c: HostileCase, timeoutMs = 10_000): Promise<Outcome> {
  if (busy) throw new Error('hostile cases run one at a time');
  busy = true;
  const { dir, argv } = stage(c);
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      runCommand(c.mode ?? 'check', argv).catch((e) => {
        stderr += `CRASH ${e instanceof Error ? e.stack : String(e)}`;
        return 'crash' as const;
      }),
      new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), timeoutMs))),
    ]);
    return { code, stdout, stderr, dir };
  } finally {
    clearTimeout(timer);
    process.stdout.write = out;
    process.stderr.write = err;
    busy = false;
  }
}

export const STACK = /\n\s+at \S+ \(?[^)]*:\d+:\d+\)?|internal error|unexpected error/;
export const LOCATED = /\S+:\d+:\d+: /;
