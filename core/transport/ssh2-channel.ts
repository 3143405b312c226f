// What rb does with one ssh2 session channel (collect a command's output and
// exit status, enforce a timeout) and with an sftp session (the handful of
// calls put/get need). Typed structurally so ssh2 itself is imported only by
// ssh2-link.ts.

import { constants } from 'node:os';
import type { Readable } from 'node:stream';

export interface LinkExecResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
  /** Killed by rb after timeoutMs (code 124). */
  timedOut: boolean;
  /** The channel closed without an exit status (connection lost). */
  incomplete: boolean;
}

interface ExecChannel {
  on(event: 'data', fn: (b: Buffer) => void): unknown;
  on(event: 'exit', fn: (code: number | null, signal?: string) => void): unknown;
  on(event: 'close', fn: () => void): unknown;
  stderr: Readable;
  end(data?: Buffer): unknown;
  outgoing: unknown;
}

interface ChannelInternals {
  outgoing: { id: number; state: string };
  _client?: { _protocol?: { signal(id: number, name: string): void } };
}

/**
 * Send a signal request. ssh2's own Channel.signal() silently does nothing once
 * stdin is closed, and rb always closes stdin right away; so the request goes
 * through the protocol object, as Channel.signal itself does.
 */
function sendSignal(channel: ExecChannel, name: string): void {
  const ch = channel as unknown as ChannelInternals;
  // 'eof' = our stdin is closed, the channel still open.
  if (ch.outgoing.state !== 'open' && ch.outgoing.state !== 'eof') return;
  try {
    ch._client?._protocol?.signal(ch.outgoing.id, name);
  } catch {
    // connection already gone: nothing left to kill
  }
}

/** How long a timed-out command gets between TERM and KILL. */
const KILL_GRACE_MS = 1000;

/** Exit status as a shell reports it: 128+n for a signal, 124 for rb's timeout. */
export function exitCode(code: number | null, signal: string | undefined): number {
  if (code !== null && code !== undefined) return code;
  const n = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
  return n ? 128 + n : 255;
}

export function channelResult(
  ch: ExecChannel,
  stdin: Buffer | undefined,
  timeoutMs: number | undefined,
  onClosed: () => void,
): Promise<LinkExecResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | null = null;
    let signal: string | undefined;
    let exited = false;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        code: timedOut ? 124 : exitCode(code, signal),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        timedOut,
        incomplete: !timedOut && !exited,
      });
    };
    ch.on('data', (b) => out.push(b));
    ch.stderr.on('data', (b: Buffer) => err.push(b));
    ch.on('exit', (c, s) => {
      exited = true;
      code = c;
      signal = s;
    });
    ch.on('close', () => {
      onClosed();
      finish(false);
    });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        // sshd signals the session's process group: TERM lets sudo pass it on.
        // The channel is not closed here: sshd counts the session against
        // MaxSessions until its process is gone, and so does the slot.
        sendSignal(ch, 'TERM');
        setTimeout(() => sendSignal(ch, 'KILL'), KILL_GRACE_MS).unref();
        finish(true);
      }, timeoutMs);
    }
    ch.end(stdin);
  });
}

export interface LinkSftp {
  /** null when the file does not exist. */
  readFile(path: string): Promise<Buffer | null>;
  /** Permission bits, or null when the path does not exist. */
  statMode(path: string): Promise<number | null>;
  /** Create `path` exclusively, write all of `data`, set `mode` exactly (no umask). */
  writeNew(path: string, data: Buffer, mode: number): Promise<void>;
  /** Atomic replace (posix-rename@openssh.com). */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

type Cb<T = void> = (err: (Error & { code?: number }) | null | undefined, v: T) => void;

interface SftpLike {
  readFile(path: string, cb: Cb<Buffer>): void;
  stat(path: string, cb: Cb<{ mode: number }>): void;
  open(path: string, flags: 'wx', attrs: { mode: number }, cb: Cb<Buffer>): void;
  write(h: Buffer, data: Buffer, off: number, len: number, pos: number, cb: Cb): void;
  fchmod(h: Buffer, mode: number, cb: Cb): void;
  close(h: Buffer, cb: Cb): void;
  ext_openssh_rename(from: string, to: string, cb: Cb): void;
  unlink(path: string, cb: Cb): void;
}

const NO_SUCH_FILE = 2;

function call<T>(what: string, fn: (cb: Cb<T>) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, v) => (err ? reject(Object.assign(new Error(`${what}: ${err.message}`), { code: err.code })) : resolve(v))),
  );
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if ((err as { code?: number }).code === NO_SUCH_FILE) return null;
    throw err;
  }
}

export function sftpOps(s: SftpLike): LinkSftp {
  return {
    readFile: (path) => orNull(call(`sftp read ${path}`, (cb) => s.readFile(path, cb))),
    statMode: async (path) => {
      const st = await orNull(call<{ mode: number }>(`sftp stat ${path}`, (cb) => s.stat(path, cb)));
      return st ? st.mode & 0o7777 : null;
    },
    async writeNew(path, data, mode) {
      const h = await call<Buffer>(`sftp create ${path}`, (cb) => s.open(path, 'wx', { mode: 0o600 }, cb));
      try {
        // ssh2 splits large writes into packets itself; the chmod goes out in the same flight.
        await Promise.all([
          data.length ? call(`sftp write ${path}`, (cb) => s.write(h, data, 0, data.length, 0, cb)) : undefined,
          call(`sftp chmod ${path}`, (cb) => s.fchmod(h, mode, cb)),
        ]);
      } finally {
        await call(`sftp close ${path}`, (cb) => s.close(h, cb));
      }
    },
    rename: (from, to) => call(`sftp rename ${from} → ${to}`, (cb) => s.ext_openssh_rename(from, to, cb)),
    unlink: (path) => call(`sftp remove ${path}`, (cb) => s.unlink(path, cb)),
  };
}
