// One timed run of a tool: the whole process from spawn to exit, its output
// kept for the checks, and the peak memory of its process tree.

import { spawn } from 'node:child_process';
import { TreeMemory } from './memory.js';

export interface Command {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

export interface Measured {
  seconds: number;
  /** Peak of the process tree's RSS sum. */
  peakBytes: number;
  /** Peak of its PSS sum (pages shared by forked workers counted once). */
  peakPssBytes: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Output beyond this is dropped from the middle (the recap is at the end). */
const KEEP = 4 * 1024 * 1024;

export function measure(c: Command, timeoutMs: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(c.cmd, c.args, { env: { ...process.env, ...c.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      outLen += b.length;
      while (outLen > KEEP && out.length > 1) outLen -= out.splice(1, 1)[0].length;
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const mem = new TreeMemory(child.pid!);
    mem.start();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let exited: { seconds: number; code: number; peak: { rss: number; pss: number } } | undefined;
    child.on('error', (e) => {
      clearTimeout(timer);
      mem.stop();
      reject(new Error(`${c.cmd}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      exited = { seconds: (performance.now() - started) / 1000, code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), peak: mem.stop() };
      clearTimeout(timer);
    });
    child.on('close', () => {
      if (!exited) return;
      resolve({ seconds: exited.seconds, peakBytes: exited.peak.rss, peakPssBytes: exited.peak.pss, code: exited.code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}
