// Read side of the sysctl module: the live values of the managed keys and the
// managed file, in one exec. The values are read from /proc/sys by the shell's
// own `read` and printed as `sysctl KEY...` prints them (`key = value`, a key
// the host lacks simply absent), so reading them starts no process. The managed
// file and the boot files' settings are shared parts: tasks of one exec that
// read the same file, or the boot files, start one `cat` and one `grep` in all.

import { quote, raw, sh } from '../../core/transport/shell.js';
import { ModuleError } from '../../core/errors.js';
import { parseSysctlConf } from './conf.js';
import { canonicalKey, likelyCause } from './keys.js';
import { parseFilePart, partsScript, readFilePart, sharedPart, splitParts } from '../../core/transport/script-parts.js';

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

/** A line of a boot file that sets a key: the same part for every task, so it runs once per exec. */
const SETTING_LINE = '^[[:space:]]*-?[A-Za-z0-9_][^=]*=';

/** The /proc/sys path of a key: dots separate components, a `/` inside one (`eth0/100`) is a dot. */
export function procPath(key: string): string {
  return canonicalKey(key)
    .split('.')
    .map((c) => c.replace(/\//g, '.'))
    .join('/');
}

/**
 * Each key's live value as `sysctl KEY...` prints it (`key = value` per line, a
 * key the host does not have or cannot read absent). Under bash by builtins only:
 * bash's `read` takes a /proc/sys file in one read(2). Other shells (dash) read
 * byte by byte, and the kernel answers a read past the start of most /proc/sys
 * files with end of file, so they run `sysctl` itself.
 */
export function liveValuesPart(keys: readonly string[]): string {
  const paths = keys.map((k) => quote(procPath(k))).join(' ');
  const builtins = `for rb_p in ${paths}; do [ -r "/proc/sys/$rb_p" ] && while read -r rb_v; do printf '%s = %s\\n' "$rb_p" "$rb_v"; done < "/proc/sys/$rb_p"; done; :`;
  return `if [ -n "\${BASH_VERSION-}" ]; then ${builtins}; else ${sh`sysctl ${keys}`}; fi`;
}

export function sysctlFactsCommand(keys: readonly string[], file: string): string {
  return partsScript([liveValuesPart(keys), sharedPart(readFilePart(file)), sharedPart(sh`grep -sHE ${SETTING_LINE} ${raw(BOOT_FILES)}`)]);
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
  const wanted = new Set(keys.map(canonicalKey));
  const elsewhere = grep.out.split('\n').flatMap((line) => {
    const colon = line.indexOf(':');
    if (colon <= 0) return [];
    return parseSysctlConf(line.slice(colon + 1))
      .filter((e) => wanted.has(canonicalKey(e.key)))
      .map((e) => ({ file: line.slice(0, colon), key: e.key, value: e.value }));
  });
  return { values, file: parseFilePart(file), elsewhere };
}

/** The error for keys the host does not have, naming host, keys and likely causes. */
export function missingKeysError(host: string, keys: readonly string[]): ModuleError {
  const lines = keys.map((k) => `${k}: ${likelyCause(k)}`);
  const what = keys.length === 1 ? 'sysctl key does not exist' : `${keys.length} sysctl keys do not exist`;
  return new ModuleError(`${host}: ${what} on this host: ${lines.join('; ')}`);
}
