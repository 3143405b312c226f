// LocalTransport (`ansible_connection: local`): the controller itself. Commands
// run through `sh -c`; files are written with fs (temp file + rename); become
// goes through the same sudo command lines as over ssh.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { constants, userInfo } from 'node:os';
import { ModuleError } from '../errors.js';
import { tempBeside } from './command-lines.js';
import { getThroughSudo, putThroughSudo } from './sudo-files.js';
import { SudoWrapper } from './sudo-wrapper.js';
import type { ConnectionSpec, ExecOptions, ExecResult, Transport, TransportStats } from './types.js';

interface RawResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
  durationMs: number;
}

const KILL_GRACE_MS = 1000;

export class LocalTransport implements Transport {
  readonly host: string;
  readonly stats: TransportStats = { execs: 0, bytesOut: 0, bytesIn: 0 };
  private readonly sudo: SudoWrapper;

  constructor(spec: Pick<ConnectionSpec, 'name' | 'become' | 'becomeUser' | 'becomePassword'>) {
    this.host = spec.name;
    this.sudo = new SudoWrapper(
      { loginUser: userInfo().username, become: spec.become, becomeUser: spec.becomeUser, becomePassword: spec.becomePassword },
      async (cmd) => {
        const r = await this.runRaw(cmd, undefined, undefined);
        return { code: r.code, stderr: r.stderr.toString() };
      },
    );
  }

  private runRaw(command: string, stdin: Buffer | undefined, timeoutMs: number | undefined): Promise<RawResult> {
    const started = performance.now();
    this.stats.execs++;
    return new Promise((resolve, reject) => {
      // Own process group, so a timeout kills what the command started too.
      const child = spawn('sh', ['-c', command], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const killGroup = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          // already gone
        }
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          timedOut = true;
          killGroup('SIGTERM');
          setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
        }, timeoutMs);
      }
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.stdin.on('error', () => undefined); // a command that exits without reading its stdin
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new ModuleError(`${this.host}: cannot run sh: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const sig = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
        const stdout = Buffer.concat(out);
        const stderr = Buffer.concat(err);
        this.stats.bytesIn += stdout.length + stderr.length;
        resolve({
          code: timedOut ? 124 : (code ?? (sig ? 128 + sig : 255)),
          stdout,
          stderr,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
        });
      });
      child.stdin.end(stdin);
    });
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    let stdin: Buffer | undefined = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    this.stats.bytesOut += stdin?.length ?? 0;
    let line = command;
    if (this.sudo.active(opts.become, opts.becomeUser)) ({ command: line, stdin } = await this.sudo.wrap(command, stdin, opts.becomeUser));
    const r = await this.runRaw(line, stdin, opts.timeoutMs);
    return { code: r.code, stdout: r.stdout.toString(), stderr: r.stderr.toString(), durationMs: r.durationMs };
  }

  async put(path: string, data: string | Buffer, mode?: number): Promise<void> {
    const buf = Buffer.from(data);
    const token = randomBytes(6).toString('hex');
    if (this.sudo.active(undefined)) return putThroughSudo(this, path, buf, mode, token);
    this.stats.bytesOut += buf.length;
    const tmp = tempBeside(path, token);
    try {
      const finalMode = mode ?? (await stat(path).then((s) => s.mode & 0o7777, () => 0o644));
      await writeFile(tmp, buf, { flag: 'wx', mode: 0o600 });
      await chmod(tmp, finalMode);
      await rename(tmp, path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw new ModuleError(`${this.host}: cannot write ${path}: ${(err as Error).message}`);
    }
  }

  async get(path: string): Promise<Buffer | null> {
    if (this.sudo.active(undefined)) return getThroughSudo(this.host, this.sudo, (c, stdin) => this.runRaw(c, stdin, undefined), path);
    try {
      const data = await readFile(path);
      this.stats.bytesIn += data.length;
      return data;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ModuleError(`${this.host}: cannot read ${path}: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {}
}
