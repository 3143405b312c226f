// Runs the real tools the guest needs (apt-get, dpkg-deb, ip, qemu, ssh) as argv
// arrays, never through a shell, and collects their output.

import { spawn } from 'node:child_process';
import { CommandError } from '../../errors.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** stdout as bytes, for binary output (a tar stream). */
  stdoutBytes: Buffer;
}

export interface RunOptions {
  input?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Run a program; resolves with its exit code (124 on timeout, 127 when it cannot start). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // A command that ignores its stdin must not turn into an EPIPE crash.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: `${cmd}: ${e.message}`, durationMs: Date.now() - started, stdoutBytes: Buffer.alloc(0) });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code: timedOut ? 124 : code ?? (signal ? 128 : 1),
        stdout: stdoutBytes.toString('utf8'),
        stdoutBytes,
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: Date.now() - started,
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Run a program and throw a CommandError (host `localhost`) unless it exits 0. */
export async function runChecked(cmd: string, args: readonly string[], opts: RunOptions = {}, what?: string): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new CommandError({ host: 'localhost', command: [cmd, ...args].join(' '), ...r }, what);
  }
  return r;
}
