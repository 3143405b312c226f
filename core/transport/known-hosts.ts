// known_hosts parsing and matching, pure. Understands what OpenSSH writes and
// reads: plain names, comma lists, wildcards and `!` negation, `[host]:port` for
// non-22 ports, hashed `|1|salt|hash` names, and the `@revoked` marker.
// `@cert-authority` lines are kept but never match a plain host key.

import { createHash, createHmac } from 'node:crypto';
import { patternListMatch } from './host-patterns.js';

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** Plain patterns (`web1`, `[10.0.0.1]:2222`, `*.lan`, `!bad.lan`); absent when hashed. */
  patterns?: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
}

export interface KnownHostsProblem {
  file: string;
  line: number;
  message: string;
}

export type HostKeyVerdict =
  | { status: 'ok'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  /** Entries of the same key type exist for this host but hold another key. */
  | { status: 'mismatch'; entries: KnownHostEntry[] }
  /** Nothing of this key type is known; `otherTypes` lists the types that are. */
  | { status: 'unknown'; otherTypes: string[] };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** The key type written inside an SSH public key blob (`ssh-ed25519`, ...). */
export function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:...` as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function parseKnownHosts(
  text: string,
  file: string,
): { entries: KnownHostEntry[]; problems: KnownHostsProblem[] } {
  const entries: KnownHostEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const words = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (words[0].startsWith('@')) {
      const m = words.shift()!;
      if (m !== '@revoked' && m !== '@cert-authority') {
        problems.push({ file, line, message: `unknown marker ${m}` });
        return;
      }
      marker = m === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hosts, keyType, b64] = words;
    if (!hosts || !keyType || !b64) {
      problems.push({ file, line, message: 'expected "hosts keytype base64-key"' });
      return;
    }
    const key = Buffer.from(b64, 'base64');
    if (keyTypeOf(key) !== keyType) {
      problems.push({ file, line, message: `key does not decode as ${keyType}` });
      return;
    }
    const entry: KnownHostEntry = { file, line, keyType, key };
    if (marker) entry.marker = marker;
    if (hosts.startsWith('|1|')) {
      const [salt, hash] = hosts.slice(3).split('|');
      const s = Buffer.from(salt ?? '', 'base64');
      const h = Buffer.from(hash ?? '', 'base64');
      if (s.length !== 20 || h.length !== 20) {
        problems.push({ file, line, message: 'malformed hashed host name' });
        return;
      }
      entry.hashed = { salt: s, hash: h };
    } else {
      entry.patterns = hosts.split(',').filter(Boolean);
    }
    entries.push(entry);
  });
  return { entries, problems };
}

export function entryMatchesHost(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const h = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return h.equals(entry.hashed.hash);
  }
  return patternListMatch(name, entry.patterns ?? []);
}

/** Decide on a presented key the way OpenSSH's check_host_key does. */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && entryMatchesHost(e, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'ok', entry: same };
  const type = keyTypeOf(key);
  const sameType = plain.filter((e) => e.keyType === type);
  if (sameType.length > 0) return { status: 'mismatch', entries: sameType };
  return { status: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/** Key types known for a host, so the handshake can ask for one of them first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  const types = entries
    .filter((e) => e.marker === undefined && entryMatchesHost(e, name))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/** The line accept-new appends (plain, as OpenSSH writes with HashKnownHosts no). */
export function knownHostLine(name: string, key: Buffer): string {
  return `${name} ${keyTypeOf(key)} ${key.toString('base64')}`;
}
