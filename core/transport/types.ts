// The transport contract: how the engine and modules touch a host.

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ExecOptions {
  /** Bytes written to the command's standard input. */
  stdin?: string | Buffer;
  /** Kill the command after this long (the result then has code 124). */
  timeoutMs?: number;
  /** Run through sudo even if the connection's default is not to. */
  become?: boolean;
  /** The user sudo runs the command as (`become_user`); the connection's own by default. */
  becomeUser?: string;
}

export interface Transport {
  /** Inventory name of the host, used in every message. */
  readonly host: string;
  /** Run one shell command line (built with `sh`/`argv`) through `sh -c`. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Write a file atomically enough for config files: temp file + rename. */
  put(path: string, data: string | Buffer, mode?: number): Promise<void>;
  /** Read a file; null when it does not exist. */
  get(path: string): Promise<Buffer | null>;
  close(): Promise<void>;
  /** Counters since the transport was opened; benchmarks read them. */
  readonly stats?: TransportStats;
}

export interface TransportStats {
  /** Remote command executions (each one is a channel round trip). */
  execs: number;
  /** Payload bytes sent: command stdin and file contents written. */
  bytesOut: number;
  /** Payload bytes received: stdout, stderr and file contents read. */
  bytesIn: number;
}

/** One hop of a ProxyJump chain, in the order they are connected. */
export interface JumpSpec {
  address: string;
  port: number;
  user: string;
  /** Keys tried in order (IdentityFile of the hop, then the target's key). */
  identityFiles: string[];
}

export interface ConnectionSpec {
  /** Inventory name. */
  name: string;
  /** 'ssh' or 'local'. */
  connection: 'ssh' | 'local';
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  password?: string;
  knownHostsFile?: string;
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  become: boolean;
  becomeUser?: string;
  becomePassword?: string;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** More keys tried after `privateKeyFile` (ssh config IdentityFile, default ~/.ssh/id_*). */
  identityFiles?: string[];
  /** ssh-agent socket (SSH_AUTH_SOCK); tried before key files, as OpenSSH does. */
  agentSocket?: string;
  /** Known-hosts files also read after `knownHostsFile` but never written (global file). */
  extraKnownHostsFiles?: string[];
  /** Jump hosts to go through, first hop first. */
  proxyJump?: JumpSpec[];
}
