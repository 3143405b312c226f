// Files through sudo, shared by the ssh and local transports. A put streams the
// content on stdin to one command that writes a temp file beside the target and
// renames it; a get is one `cat` — one round trip each, for any become user.

import { ModuleError } from '../errors.js';
import { MISSING_FILE_MARKER, readFileCommand, writeFileCommand } from './command-lines.js';
import type { SudoWrapper } from './sudo-wrapper.js';
import type { Transport } from './types.js';

export async function putThroughSudo(t: Pick<Transport, 'host' | 'exec'>, path: string, data: Buffer, mode: number | undefined, token: string): Promise<void> {
  const r = await t.exec(writeFileCommand(path, mode, token), { stdin: data });
  if (r.code !== 0) throw new ModuleError(`${t.host}: cannot write ${path} (exit ${r.code}): ${r.stderr.trim()}`);
}

type RawRun = (command: string, stdin: Buffer | undefined) => Promise<{ code: number; stdout: Buffer; stderr: Buffer }>;

/** The file's bytes, or null when it does not exist. */
export async function getThroughSudo(host: string, sudo: SudoWrapper, runRaw: RawRun, path: string): Promise<Buffer | null> {
  const { command, stdin } = await sudo.wrap(readFileCommand(path), undefined);
  const r = await runRaw(command, stdin);
  if (r.code === 0) return r.stdout;
  const err = r.stderr.toString();
  if (err.includes(MISSING_FILE_MARKER)) return null;
  throw new ModuleError(`${host}: cannot read ${path} (exit ${r.code}): ${err.trim()}`);
}
