// Running the real tools (ip, mount, ssh-keygen, nsenter, ...) from the
// machine: argv arrays only, never a shell line built from values.

import { spawn } from 'node:child_process';
import { LabError } from './lab-error.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What lab commands see instead of rb's environment (which may hold secrets). */
export const CLEAN_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
};

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? CLEAN_ENV,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new LabError(`${cmd} not found: run \`rb lab deps\``) : err),
    );
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** Run and require exit 0; the error names what was being done and the tool's last words. */
export async function must(cmd: string, args: readonly string[], what: string, opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new LabError(`${what}: ${lastLine(r.stderr || r.stdout) || `${cmd} exited ${r.code}`}`);
  return r.stdout;
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() ?? '';
}

/** `ip -batch -`: one process for many changes; -force keeps going past errors (used by teardown). */
export async function ipBatch(lines: readonly string[], what: string, force = false): Promise<RunResult> {
  if (lines.length === 0) return { code: 0, stdout: '', stderr: '' };
  const args = force ? ['-force', '-batch', '-'] : ['-batch', '-'];
  const r = await run('ip', args, { input: `${lines.join('\n')}\n` });
  if (r.code !== 0 && !force) throw new LabError(`${what}: ${lastLine(r.stderr)}`);
  return r;
}
