// The one place ssh2 is imported. A Link is one authenticated SSH connection:
// it opens it (TCP with Nagle off, host-key check, auth), runs commands on
// session channels bounded by MaxSessions, and exposes the few sftp calls and
// the port forward that the rest of core/transport needs.

import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AnyAuthMethod, Client } from 'ssh2';
import { ConnectError, ConnectionLost } from '../errors.js';
import type { HostKeyVerifier } from './host-key-check.js';
import { channelResult, sftpOps, type LinkExecResult, type LinkSftp } from './ssh2-channel.js';
import { SessionSlots } from './session-slots.js';

export type { LinkExecResult, LinkSftp } from './ssh2-channel.js';

// ssh2 is loaded with the first key or connection: a run that contacts no host
// does not pay for it. It is CommonJS: its named exports are only on the default.
type Ssh2 = typeof import('ssh2');
let loading: Promise<Ssh2> | undefined;
const ssh2 = () => (loading ??= import('ssh2').then((m) => ((m as { default?: Ssh2 }).default ?? m) as Ssh2));

export interface LinkKey {
  file: string;
  data: Buffer;
}

export interface LinkOptions {
  /** Inventory name, for messages. */
  host: string;
  address: string;
  port: number;
  user: string;
  /** An already open stream to the server (a jump host's forward); else TCP. */
  sock?: Duplex;
  keys: LinkKey[];
  agent?: string;
  password?: string;
  hostKey: HostKeyVerifier;
  timeoutMs: number;
  keepaliveIntervalMs: number;
  maxSessions: number;
  /** Nagle off (the default): ~2 ms per exec instead of ~45 ms. Only benchmarks turn it on. */
  noDelay?: boolean;
}

/** Why a private key file cannot be used, or null when it can. */
export async function privateKeyProblem(data: Buffer): Promise<string | null> {
  const k = (await ssh2()).utils.parseKey(data);
  if (k instanceof Error) return /passphrase/i.test(k.message) ? 'encrypted (no passphrase support)' : k.message;
  const key = Array.isArray(k) ? k[0] : k;
  return key && key.isPrivateKey() ? null : 'not a private key';
}

function tcpConnect(o: LinkOptions): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const where = `${o.address}:${o.port}`;
    const sock = netConnect({ host: o.address, port: o.port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ConnectError(o.host, `timed out after ${o.timeoutMs / 1000} s connecting to ${where}`));
    }, o.timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(o.noDelay ?? true);
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why: Record<string, string> = {
        ECONNREFUSED: 'connection refused',
        ENOTFOUND: 'cannot resolve host name',
        EHOSTUNREACH: 'host unreachable',
        ENETUNREACH: 'network unreachable',
        ETIMEDOUT: 'timed out',
      };
      reject(new ConnectError(o.host, `${why[err.code ?? ''] ?? err.message} (${where})`));
    });
  });
}

function authPlan(o: LinkOptions): Array<{ label: string; method: AnyAuthMethod }> {
  const username = o.user;
  const plan: Array<{ label: string; method: AnyAuthMethod }> = [];
  if (o.agent) plan.push({ label: 'agent', method: { type: 'agent', username, agent: o.agent } });
  for (const k of o.keys) plan.push({ label: `key ${k.file}`, method: { type: 'publickey', username, key: k.data } });
  if (o.password !== undefined) plan.push({ label: 'password', method: { type: 'password', username, password: o.password } });
  return plan;
}

export async function openLink(o: LinkOptions): Promise<Link> {
  const started = Date.now();
  const sock = o.sock ?? (await tcpConnect(o));
  const client = new (await ssh2()).Client();
  const where = `${o.user}@${o.address}:${o.port}`;
  const plan = authPlan(o);
  const tried: string[] = [];
  let serverMethods: string[] | undefined;
  let hostKeyRefusal: string | undefined;
  return new Promise<Link>((resolve, reject) => {
    let settled = false;
    const fail = (msg: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      sock.destroy();
      reject(new ConnectError(o.host, msg));
    };
    const left = Math.max(1, o.timeoutMs - (Date.now() - started));
    const timer = setTimeout(() => fail(`timed out after ${o.timeoutMs / 1000} s in the ssh handshake with ${where}`), left);
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(new Link(client, o));
    });
    client.on('error', (err: Error & { level?: string }) => {
      if (err.level === 'agent') {
        tried.push(`agent failed: ${err.message}`);
        return;
      }
      if (hostKeyRefusal) return fail(hostKeyRefusal);
      if (err.level === 'client-authentication' && /All configured/.test(err.message)) {
        const allowed = serverMethods ? `; server accepts ${serverMethods.join(', ')}` : '';
        return fail(`authentication failed as ${o.user} (tried ${tried.join(', ') || 'nothing: no key, agent or password'}${allowed})`);
      }
      if (err.level === 'client-authentication') return; // one key failed to sign; the next is tried
      fail(`ssh error with ${where}: ${err.message}`);
    });
    client.on('close', () => fail(hostKeyRefusal ?? `connection closed by ${where} during the handshake`));
    client.connect({
      sock,
      username: o.user,
      readyTimeout: 2 ** 30, // our own timer covers TCP + handshake + auth
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: o.hostKey.algorithms as never },
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        o.hostKey.verify(key).then(
          (refusal) => {
            if (refusal) hostKeyRefusal = refusal;
            verify(refusal === null);
          },
          (err: Error) => {
            hostKeyRefusal = `cannot check the host key: ${err.message}`;
            verify(false);
          },
        );
      },
      authHandler: (methodsLeft, _partial, next) => {
        if (methodsLeft) serverMethods = methodsLeft;
        while (plan.length) {
          const a = plan.shift()!;
          const wire = a.method.type === 'agent' ? 'publickey' : a.method.type;
          if (methodsLeft && !methodsLeft.includes(wire)) continue;
          tried.push(a.label);
          return next(a.method);
        }
        next(false as never);
      },
    });
  });
}

export class Link {
  private readonly slots: SessionSlots;
  private readonly pending = new Set<(err: Error) => void>();
  private sftpSession?: Promise<LinkSftp>;
  private closeReason?: string;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    private readonly client: Client,
    private readonly o: LinkOptions,
  ) {
    // At least 2: the sftp session keeps one slot for good and execs need another.
    this.slots = new SessionSlots(Math.max(2, o.maxSessions));
    client.on('error', (err: Error & { level?: string }) => {
      this.closeReason ??= err.level === 'client-timeout' ? 'no answer to keepalives' : err.message;
    });
    client.on('close', () => {
      this.closeReason ??= 'connection closed';
      const err = this.closedError();
      for (const rej of this.pending) rej(err);
      this.pending.clear();
      this.slots.wakeAll();
      for (const h of this.closeHandlers.splice(0)) h();
    });
  }

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  closedError(): ConnectError {
    return new ConnectionLost(this.o.host, `connection to ${this.o.address}:${this.o.port} lost: ${this.closeReason}`);
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  /** Run one command on its own session channel; waits for a free slot first. */
  async exec(command: string, stdin: Buffer | undefined, timeoutMs: number | undefined): Promise<LinkExecResult> {
    for (let attempt = 1; ; attempt++) {
      await this.slots.acquire();
      if (this.closed) throw this.closedError();
      const ch = await this.openSession(command, stdin, timeoutMs);
      if (ch instanceof Error) {
        // "open failed" below our limit: the server allows fewer sessions (or
        // still counts one whose process lingers). Wait for one of ours to end.
        const retry = !this.closed && /open failed/i.test(ch.message) && attempt < 20;
        if (retry) this.slots.shrink();
        this.slots.release();
        if (!retry) throw this.closed ? this.closedError() : new ConnectError(this.o.host, `cannot open a session: ${ch.message}`);
        await new Promise((r) => setTimeout(r, 25 * attempt));
        continue;
      }
      let lost!: (err: Error) => void;
      const fail = new Promise<never>((_resolve, reject) => (lost = reject));
      this.pending.add(lost);
      try {
        const r = await Promise.race([ch.result, fail]);
        if (r.incomplete && this.closed) throw this.closedError();
        return r;
      } finally {
        this.pending.delete(lost);
      }
    }
  }

  /**
   * Open a session and start collecting its result at once, inside ssh2's
   * callback: a fast command's exit status can arrive in the same packet
   * batch as the channel confirmation, before any later tick.
   */
  private openSession(command: string, stdin: Buffer | undefined, timeoutMs: number | undefined): Promise<{ result: Promise<LinkExecResult> } | Error> {
    return new Promise((resolve) =>
      this.client.exec(command, (err, ch) =>
        resolve(err ?? { result: channelResult(ch, stdin, timeoutMs, () => this.slots.release()) }),
      ),
    );
  }

  /** The sftp session, opened once; it holds one session slot for the life of the link. */
  sftp(): Promise<LinkSftp> {
    this.sftpSession ??= (async () => {
      await this.slots.acquire();
      if (this.closed) throw this.closedError();
      return new Promise<LinkSftp>((resolve, reject) => {
        this.client.sftp((err, s) => {
          if (err) {
            this.slots.release();
            this.sftpSession = undefined;
            return reject(this.closed ? this.closedError() : new ConnectError(this.o.host, `cannot start sftp: ${err.message}`));
          }
          resolve(sftpOps(s));
        });
      });
    })();
    return this.sftpSession;
  }

  /** A TCP stream from the server to address:port (for the next jump hop). */
  forwardOut(address: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
        if (err) reject(new ConnectError(this.o.host, `jump host ${this.o.address} cannot reach ${address}:${port}: ${err.message}`));
        else resolve(stream);
      });
    });
  }

  end(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.onClose(resolve);
      this.closeReason = 'closed by rb';
      this.client.end();
    });
  }
}
