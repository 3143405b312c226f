// Read side of the sysctl module: the live values of the managed keys and the
// managed file, in one exec. `sysctl KEY...` (not `-n`) so each value comes
// with its key and a missing key is simply absent from stdout.

import { raw, sh } from '../../core/transport/shell.js';
import { ModuleError } from '../../core/errors.js';
import { parseSysctlConf } from './conf.js';
import { canonicalKey, likelyCause } from './keys.js';
import { parseFilePart, partsScript, readFilePart, splitParts } from '../../core/transport/script-parts.js';

export interface SysctlFacts {
  /** Live value per key as the task names it; null = no such key on the host. */
  values: Record<string, string | null>;
  /** Content of the managed file; null = it does not exist. */
  file: string | null;
  /** The managed keys as other boot-time sysctl files set them (absent = none). */
  elsewhere?: Array<{ file: string; key: string; value: string }>;
}

/** Where `sysctl --system` and systemd-sysctl read settings at boot. */
const BOOT_FILES = '/etc/sysctl.d/*.conf /run/sysctl.d/*.conf /usr/local/lib/sysctl.d/*.conf /usr/lib/sysctl.d/*.conf /lib/sysctl.d/*.conf /etc/sysctl.conf';

/** An ERE matching a `key = value` line of any of the keys, in either spelling. */
function keysPattern(keys: readonly string[]): string {
  const one = (k: string) => k.replace(/[\\^$*+?()[\]{}|]/g, '\\$&').replace(/[./]/g, '[./]');
  return `^[[:space:]]*-?(${keys.map(one).join('|')})[[:space:]]*=`;
}

export function sysctlFactsCommand(keys: readonly string[], file: string): string {
  return partsScript([sh`sysctl ${keys}`, readFilePart(file), sh`grep -sHE ${keysPattern(keys)} ${raw(BOOT_FILES)}`]);
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
  const [live, file, grep] = splitParts(stdout, 3);
  const parsed = parseSysctlOutput(live.out);
  const values: Record<string, string | null> = {};
  for (const k of keys) values[k] = parsed.get(canonicalKey(k)) ?? null;
  const elsewhere = grep.out.split('\n').flatMap((line) => {
    const colon = line.indexOf(':');
    if (colon <= 0) return [];
    return parseSysctlConf(line.slice(colon + 1)).map((e) => ({ file: line.slice(0, colon), key: e.key, value: e.value }));
  });
  return { values, file: parseFilePart(file), elsewhere };
}

/** The error for keys the host does not have, naming host, keys and likely causes. */
export function missingKeysError(host: string, keys: readonly string[]): ModuleError {
  const lines = keys.map((k) => `${k}: ${likelyCause(k)}`);
  const what = keys.length === 1 ? 'sysctl key does not exist' : `${keys.length} sysctl keys do not exist`;
  return new ModuleError(`${host}: ${what} on this host: ${lines.join('; ')}`);
}
