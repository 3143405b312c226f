// Read side of the sysctl module: the live values of the managed keys and the
// managed file, in one exec. `sysctl KEY...` (not `-n`) so each value comes
// with its key and a missing key is simply absent from stdout.

import { sh } from '../../core/transport/shell.js';
import { ModuleError } from '../../core/errors.js';
import { canonicalKey, likelyCause } from './keys.js';
import { parseFilePart, partsScript, readFilePart, splitParts } from './remote.js';

export interface SysctlFacts {
  /** Live value per key as the task names it; null = no such key on the host. */
  values: Record<string, string | null>;
  /** Content of the managed file; null = it does not exist. */
  file: string | null;
}

export function sysctlFactsCommand(keys: readonly string[], file: string): string {
  return partsScript([sh`sysctl ${keys}`, readFilePart(file)]);
}

/** `sysctl` output lines `net.ipv4.ip_forward = 1`, keyed canonically. */
export function parseSysctlOutput(stdout: string): Map<string, string> {
  const values = new Map<string, string>();
  stdout.split('\n').forEach((line, n) => {
    if (line === '') return;
    const m = /^(\S+) = ?(.*)$/.exec(line);
    if (!m) throw new Error(`sysctl output line ${n + 1}: cannot read ${JSON.stringify(line.slice(0, 80))}`);
    values.set(canonicalKey(m[1]), m[2]);
  });
  return values;
}

export function parseSysctlFacts(keys: readonly string[], stdout: string): SysctlFacts {
  const [live, file] = splitParts(stdout, 2);
  const parsed = parseSysctlOutput(live.out);
  const values: Record<string, string | null> = {};
  for (const k of keys) values[k] = parsed.get(canonicalKey(k)) ?? null;
  return { values, file: parseFilePart(file) };
}

/** The error for keys the host does not have, naming host, keys and likely causes. */
export function missingKeysError(host: string, keys: readonly string[]): ModuleError {
  const lines = keys.map((k) => `${k}: ${likelyCause(k)}`);
  const what = keys.length === 1 ? 'sysctl key does not exist' : `${keys.length} sysctl keys do not exist`;
  return new ModuleError(`${host}: ${what} on this host: ${lines.join('; ')}`);
}
