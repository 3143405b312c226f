// Writing a file through sudo: the content streams on stdin to one command that
// writes a temp file beside the target and renames it — one round trip, and it
// works for any become user. Shared by the ssh and local transports.

import { ModuleError } from '../errors.js';
import { writeFileCommand } from './command-lines.js';
import type { Transport } from './types.js';

export async function putThroughSudo(t: Pick<Transport, 'host' | 'exec'>, path: string, data: Buffer, mode: number | undefined, token: string): Promise<void> {
  const r = await t.exec(writeFileCommand(path, mode, token), { stdin: data });
  if (r.code !== 0) throw new ModuleError(`${t.host}: cannot write ${path} (exit ${r.code}): ${r.stderr.trim()}`);
}
