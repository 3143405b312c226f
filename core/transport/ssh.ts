// SshTransport: one SSH connection per host for the whole run (through jump
// hosts when configured). Commands run on parallel session channels of that
// connection; files go over one sftp session, or through sudo when becoming
// another user.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConnectError, ModuleError } from '../errors.js';
import { tempBeside, timeoutCommand } from './command-lines.js';
import { hostKeyVerifier } from './host-key-check.js';
import { openLink, privateKeyProblem, type Link, type LinkKey } from './ssh2-link.js';
import { getThroughSudo, putThroughSudo } from './sudo-files.js';
import { SudoWrapper } from './sudo-wrapper.js';
import type { ConnectionSpec, ExecOptions, ExecResult, Transport, TransportStats } from './types.js';

export interface SshConnectOptions {
  /** Session channels open at once on the connection (OpenSSH MaxSessions, default 10). */
  maxSessions?: number;
  /** Nagle off (default true). Only the latency benchmark turns it on. */
  noDelay?: boolean;
}

/** How long after a timeout the controller gives up on the host's `timeout -k 1`. */
const TIMEOUT_BACKSTOP_MS = 3000;

interface Hop {
  address: string;
  port: number;
  user: string;
  keyFiles: string[];
  password?: string;
}

/** Read the key files; a missing explicit key is an error, a missing default one is skipped. */
async function loadKeys(host: string, explicit: string | undefined, others: string[]): Promise<LinkKey[]> {
  const keys: LinkKey[] = [];
  const seen = new Set<string>();
  for (const file of [explicit, ...others]) {
    if (!file || seen.has(file)) continue;
    seen.add(file);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (err) {
      if (file === explicit) throw new ConnectError(host, `cannot read private key ${file}: ${(err as Error).message}`);
      continue;
    }
    const problem = await privateKeyProblem(data);
    if (problem && file === explicit) throw new ConnectError(host, `private key ${file}: ${problem}`);
    if (!problem) keys.push({ file, data });
  }
  return keys;
}

function stripHost(err: unknown, host: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.startsWith(`${host}: `) ? msg.slice(host.length + 2) : msg;
}

export class SshTransport implements Transport {
  readonly host: string;
  readonly stats: TransportStats = { execs: 0, bytesOut: 0, bytesIn: 0 };
  private readonly sudo: SudoWrapper;

  private constructor(
    private readonly spec: ConnectionSpec,
    private readonly link: Link,
    private readonly jumps: Link[],
  ) {
    this.host = spec.name;
    this.sudo = new SudoWrapper(
      { loginUser: spec.user, become: spec.become, becomeUser: spec.becomeUser, becomePassword: spec.becomePassword },
      async (cmd) => {
        const r = await this.runRaw(cmd, undefined, undefined);
        return { code: r.code, stderr: r.stderr.toString() };
      },
    );
  }

  static async connect(spec: ConnectionSpec, opts: SshConnectOptions = {}): Promise<SshTransport> {
    const hops: Hop[] = (spec.proxyJump ?? []).map((j) => ({
      address: j.address,
      port: j.port,
      user: j.user,
      keyFiles: j.identityFiles,
    }));
    const target: Hop = {
      address: spec.address,
      port: spec.port,
      user: spec.user,
      keyFiles: [spec.privateKeyFile ?? '', ...(spec.identityFiles ?? [])].filter(Boolean),
      password: spec.password,
    };
    const links: Link[] = [];
    try {
      for (const [i, hop] of [...hops, target].entries()) {
        const isTarget = i === hops.length;
        const prev = links[links.length - 1];
        try {
          const keys = await loadKeys(spec.name, isTarget ? spec.privateKeyFile : undefined, hop.keyFiles);
          const hostKey = await hostKeyVerifier({
            address: hop.address,
            port: hop.port,
            mode: spec.hostKeyChecking,
            knownHostsFile: spec.knownHostsFile,
            extraFiles: spec.extraKnownHostsFiles,
          });
          links.push(
            await openLink({
              host: spec.name,
              address: hop.address,
              port: hop.port,
              user: hop.user,
              sock: prev ? await prev.forwardOut(hop.address, hop.port) : undefined,
              keys,
              agent: spec.agentSocket,
              password: hop.password,
              hostKey,
              timeoutMs: spec.connectTimeoutMs,
              keepaliveIntervalMs: spec.keepaliveIntervalMs,
              maxSessions: opts.maxSessions ?? 10,
              noDelay: opts.noDelay,
            }),
          );
        } catch (err) {
          if (isTarget) throw err;
          throw new ConnectError(spec.name, `jump host ${hop.user}@${hop.address}:${hop.port}: ${stripHost(err, spec.name)}`);
        }
      }
    } catch (err) {
      await Promise.all(links.map((l) => l.end()));
      throw err;
    }
    const link = links.pop()!;
    // A jump connection dying takes the forwarded stream, and so the target link, with it.
    link.onClose(() => void Promise.all(links.map((l) => l.end())));
    return new SshTransport(spec, link, links);
  }

  private async runRaw(command: string, stdin: Buffer | undefined, timeoutMs: number | undefined) {
    const started = performance.now();
    const r = await this.link.exec(command, stdin, timeoutMs);
    this.stats.execs++;
    this.stats.bytesIn += r.stdout.length + r.stderr.length;
    return { ...r, durationMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    let stdin: Buffer | undefined = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    this.stats.bytesOut += stdin?.length ?? 0;
    const limit = opts.timeoutMs;
    let line = limit === undefined ? command : timeoutCommand(command, limit);
    if (this.sudo.active(opts.become, opts.becomeUser)) ({ command: line, stdin } = await this.sudo.wrap(line, stdin, opts.becomeUser));
    // The controller's own timer only backs up `timeout` on the host.
    const r = await this.runRaw(line, stdin, limit === undefined ? undefined : limit + TIMEOUT_BACKSTOP_MS);
    const timedOut = limit !== undefined && (r.timedOut || ((r.code === 124 || r.code === 137) && r.durationMs >= limit));
    return { code: timedOut ? 124 : r.code, stdout: r.stdout.toString(), stderr: r.stderr.toString(), durationMs: r.durationMs };
  }

  async put(path: string, data: string | Buffer, mode?: number): Promise<void> {
    const buf = Buffer.from(data);
    const token = randomBytes(6).toString('hex');
    if (this.sudo.active(undefined)) return putThroughSudo(this, path, buf, mode, token);
    this.stats.bytesOut += buf.length;
    const sftp = await this.link.sftp();
    const tmp = tempBeside(path, token);
    try {
      const finalMode = mode ?? (await sftp.statMode(path)) ?? 0o644;
      await sftp.writeNew(tmp, buf, finalMode);
      await sftp.rename(tmp, path);
    } catch (err) {
      if (this.link.closed) throw this.link.closedError();
      await sftp.unlink(tmp).catch(() => undefined);
      throw new ModuleError(`${this.host}: cannot write ${path}: ${(err as Error).message}`);
    }
  }

  async get(path: string): Promise<Buffer | null> {
    if (this.sudo.active(undefined)) return getThroughSudo(this.host, this.sudo, (c, stdin) => this.runRaw(c, stdin, undefined), path);
    const sftp = await this.link.sftp();
    try {
      const data = await sftp.readFile(path);
      this.stats.bytesIn += data?.length ?? 0;
      return data;
    } catch (err) {
      if (this.link.closed) throw this.link.closedError();
      throw new ModuleError(`${this.host}: cannot read ${path}: ${(err as Error).message}`);
    }
  }

  get closed(): boolean {
    return this.link.closed;
  }

  async close(): Promise<void> {
    await this.link.end();
    for (const j of this.jumps.reverse()) await j.end();
  }
}
