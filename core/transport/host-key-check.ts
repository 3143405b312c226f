// Host-key policy for one connection: read the known_hosts files, decide on
// the key the server presents (strict / accept-new / off), append new keys for
// accept-new, and explain a refusal in one line naming the files checked.

import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  checkHostKey,
  fingerprint,
  keyTypeOf,
  knownHostLine,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';

export type HostKeyMode = 'strict' | 'accept-new' | 'off';

export interface HostKeyTarget {
  address: string;
  port: number;
  mode: HostKeyMode;
  /** First user file: read, and the one accept-new appends to. */
  knownHostsFile?: string;
  /** Read only (global file, further user files). */
  extraFiles?: string[];
}

export interface HostKeyVerifier {
  /** Host-key algorithms in the order to offer: types already known first. */
  algorithms: string[];
  /** null = accept; otherwise the reason for refusing, one line. */
  verify(key: Buffer): Promise<string | null>;
}

const ALGORITHMS_BY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const DEFAULT_ALGORITHMS = Object.values(ALGORITHMS_BY_TYPE).flat();

/** Known types first so a host known by its ECDSA key is not asked for ED25519. */
export function preferredAlgorithms(knownTypes: readonly string[]): string[] {
  const first = knownTypes.flatMap((t) => ALGORITHMS_BY_TYPE[t] ?? []);
  return [...first, ...DEFAULT_ALGORITHMS.filter((a) => !first.includes(a))];
}

/**
 * Parsed files, kept while their size and mtime stay the same: a run against
 * N hosts reads a known_hosts of N lines once, not N times (which was O(N²)).
 */
const parsed = new Map<string, { stamp: string; entries: Promise<KnownHostEntry[]> }>();

async function readEntries(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    let stamp: string;
    try {
      const st = await stat(file);
      stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    let hit = parsed.get(file);
    if (hit?.stamp !== stamp) {
      // Hosts connecting at once share one read.
      hit = { stamp, entries: readFile(file, 'utf8').then((text) => parseKnownHosts(text, file).entries) };
      parsed.set(file, hit);
    }
    all.push(...(await hit.entries));
  }
  return all;
}

async function appendKnownHost(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const cur = await readFile(file, 'utf8');
    if (cur.length > 0 && !cur.endsWith('\n')) prefix = '\n';
  } catch {
    // a missing file is created by appendFile
  }
  await appendFile(file, `${prefix}${line}\n`, { mode: 0o600 });
}

export async function hostKeyVerifier(t: HostKeyTarget): Promise<HostKeyVerifier> {
  if (t.mode === 'off') return { algorithms: DEFAULT_ALGORITHMS, verify: async () => null };
  const files = [t.knownHostsFile, ...(t.extraFiles ?? [])].filter((f): f is string => !!f);
  const name = knownHostName(t.address, t.port);
  const entries = await readEntries(files);
  const checked = files.length ? files.join(', ') : '(no known_hosts file configured)';
  return {
    algorithms: preferredAlgorithms(knownKeyTypes(entries, name)),
    async verify(key) {
      const v = checkHostKey(entries, name, key);
      const fp = `${keyTypeOf(key)} ${fingerprint(key)}`;
      switch (v.status) {
        case 'ok':
          return null;
        case 'revoked':
          return `host key ${fp} of ${name} is REVOKED (${v.entry.file}:${v.entry.line})`;
        case 'mismatch': {
          const was = v.entries.map((e) => `${e.file}:${e.line} has ${fingerprint(e.key)}`).join('; ');
          const remove = [...new Set(v.entries.map((e) => e.file))].map((f) => `ssh-keygen -f '${f}' -R '${name}'`).join(' and ');
          return (
            `HOST KEY MISMATCH for ${name}: server sent ${fp}, ${was} — possible man-in-the-middle; this host is not touched. ` +
            `If the key really changed (check ${fp} on the host: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), remove the old key with ${remove}, ` +
            `then accept the new one by running again with --host-key-checking=accept-new (or add it with ssh-keyscan)`
          );
        }
        case 'unknown': {
          if (t.mode === 'accept-new' && t.knownHostsFile) {
            await appendKnownHost(t.knownHostsFile, knownHostLine(name, key));
            return null;
          }
          const others = v.otherTypes.length ? ` (known only as ${v.otherTypes.join(', ')})` : '';
          return `host key of ${name} is not known${others}: server sent ${fp}; checked ${checked} — add it (ssh-keyscan) or use --host-key-checking=accept-new`;
        }
      }
    },
  };
}
