// Running a command inside a lab host without ssh (test assertions, `rb lab
// exec`): nsenter into all of pid 1's namespaces with a clean environment.

import { spawn, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { LabError } from './lab-error.js';
import { isAlive, readPidRecord } from './pids.js';
import { readState } from './state.js';
import { ipvsPart } from './qemu-link.js';

export interface ExecOutput {
  code: number;
  stdout: string;
  stderr: string;
}

const HOST_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
};

/** A daemon started by the command may keep our pipes open: after exit, wait this long for them, no more. */
const DRAIN_MS = 200;

async function pid1(host: string): Promise<number> {
  const rec = await readPidRecord(host);
  if (!rec) throw new LabError(`no lab host named ${host} (rb lab status lists them)`);
  if (!(await isAlive(rec))) throw new LabError(`lab host ${host} is not running: rb lab up rebuilds it`);
  return rec.pid;
}

async function inGuest(host: string): Promise<boolean> {
  return (await readState()).guestHosts.some((h) => h.name === host);
}

function nsenterArgs(pid: number, argv: readonly string[]): string[] {
  return ['-t', String(pid), '-m', '-u', '-i', '-n', '-p', '--', ...argv];
}

export async function labExec(host: string, argv: string[], opts: { input?: string } = {}): Promise<ExecOutput> {
  if (argv.length === 0) throw new LabError('rb lab exec: no command given');
  if (await inGuest(host)) return (await ipvsPart()).ipvsExec(host, argv, opts);
  const pid = await pid1(host);
  const stdio: StdioOptions = [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'];
  const child = spawn('nsenter', nsenterArgs(pid, argv), { env: HOST_ENV, stdio });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  const code = await exitCode(child);
  return { code, stdout, stderr };
}

/** `rb lab exec`: the command's output goes straight to ours; its exit code is returned. */
export async function labExecPassthrough(host: string, argv: string[]): Promise<number> {
  if (argv.length === 0) throw new LabError('rb lab exec: no command given');
  if (await inGuest(host)) {
    const r = await (await ipvsPart()).ipvsExec(host, argv);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    return r.code;
  }
  const child = spawn('nsenter', nsenterArgs(await pid1(host), argv), { env: HOST_ENV, stdio: 'inherit' });
  return exitCode(child);
}

function exitCode(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const result = code ?? 128 + (signal ? signalNumber(signal) : 0);
      const streams = [child.stdout, child.stderr].filter((s) => s && !s.closed);
      if (streams.length === 0) return resolve(result);
      const timer = setTimeout(() => {
        for (const s of streams) s!.destroy();
        resolve(result);
      }, DRAIN_MS);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(result);
      });
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}
