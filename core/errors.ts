// Typed errors. Anything that reaches the CLI as one of these is printed as a
// one-line message; anything else is a bug and is printed with its stack.

export interface Location {
  file: string;
  line: number;
  col: number;
}

export function formatLocation(loc?: Location): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : '';
}

export class RbError extends Error {
  override name = 'RbError';
}

/** Bad input: inventory, playbook, params, CLI flags. Carries every problem found. */
export class ConfigError extends RbError {
  override name = 'ConfigError';
  constructor(
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export interface ConfigProblem {
  message: string;
  loc?: Location;
  /** Field path inside the document, e.g. `tasks[3].sysctl.value`. */
  path?: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.loc ? `${formatLocation(p.loc)}: ` : '';
  const path = p.path ? `${p.path}: ` : '';
  return `${where}${path}${p.message}`;
}

export function configError(message: string, loc?: Location, path?: string): ConfigError {
  return new ConfigError([{ message, loc, path }]);
}

export class ConnectError extends RbError {
  override name = 'ConnectError';
  constructor(readonly host: string, message: string) {
    super(`${host}: ${message}`);
  }
}

/** An open connection dropped (as opposed to one that could not be made). */
export class ConnectionLost extends ConnectError {
  override name = 'ConnectionLost';
}

export interface CommandResultShape {
  host: string;
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export class CommandError extends RbError implements CommandResultShape {
  override name = 'CommandError';
  readonly host: string;
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  constructor(r: CommandResultShape, what?: string) {
    const detail = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ');
    super(`${r.host}: ${what ?? 'command failed'} (exit ${r.code}): ${r.command}${detail ? ` — ${detail}` : ''}`);
    this.host = r.host;
    this.command = r.command;
    this.code = r.code;
    this.stdout = r.stdout;
    this.stderr = r.stderr;
    this.durationMs = r.durationMs;
  }
}

/** A module refused or failed for a reason it can explain (not a command exit code). */
export class ModuleError extends RbError {
  override name = 'ModuleError';
}

/** A template referenced something undefined or was malformed. */
export class TemplateError extends RbError {
  override name = 'TemplateError';
}
