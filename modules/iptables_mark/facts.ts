// Read side of iptables_mark, one exec: the live table (`iptables-save -t TABLE`),
// the distribution family, the saved rules files, and whether anything loads
// them at boot (netfilter-persistent on Debian, iptables-services on RHEL).

import { sh } from '../../core/transport/shell.js';
import { OS_FAMILY_PART, parseFilePart, parseOsFamily, partsScript, readFilePart, splitParts, type OsFamily } from '../../core/transport/script-parts.js';

export interface IptablesFacts {
  /** The `-A` lines of the live table, in order, as iptables-save prints them. */
  rules: string[];
  /** Chains the live table has (built-in and user-defined). */
  chains: string[];
  os: OsFamily;
  /** Content per saved rules file read; null = absent. */
  files: Record<string, string | null>;
  /** Something restores the saved file at boot. */
  bootLoader: boolean;
  /** The host's addresses (`ip -o addr`), read only for a rule that follows one (unless_address). */
  addresses?: string[];
}

export const SAVED_PATHS = { debian: '/etc/iptables/rules.v4', redhat: '/etc/sysconfig/iptables' } as const;

const BOOT_LOADER_PART =
  'if [ -e /usr/share/netfilter-persistent/plugins.d/15-ip4tables ] || [ -e /usr/libexec/iptables/iptables.init ]; then echo yes; else echo no; fi';

const ADDRESSES_PART = 'ip -o addr show';

export function iptablesFactsCommand(table: string, files: readonly string[], withAddresses = false): string {
  return partsScript([sh`iptables-save -t ${table}`, OS_FAMILY_PART, BOOT_LOADER_PART, ...files.map(readFilePart), ...(withAddresses ? [ADDRESSES_PART] : [])]);
}

/** Every address of `ip -o addr show` (v4 and v6, without the prefix length). */
export function parseAddresses(text: string): string[] {
  return [...text.matchAll(/\sinet6? ([0-9A-Fa-f.:]+)\//g)].map((m) => m[1].toLowerCase());
}

export interface LiveTable {
  rules: string[];
  chains: string[];
}

/** The part of `iptables-save -t TABLE` output rb needs: chain names and rule lines. */
export function parseIptablesSave(text: string, table: string): LiveTable {
  const out: LiveTable = { rules: [], chains: [] };
  let inTable = false;
  text.split('\n').forEach((line, n) => {
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('*')) inTable = line === `*${table}`;
    else if (!inTable || line === 'COMMIT') return;
    else if (line.startsWith(':')) out.chains.push(line.slice(1).split(' ')[0]);
    else if (/^(\[\d+:\d+\] )?-A /.test(line)) out.rules.push(line);
    else throw new Error(`iptables-save line ${n + 1}: unexpected ${JSON.stringify(line.slice(0, 120))}`);
  });
  if (out.chains.length === 0) throw new Error(`iptables-save printed no *${table} table: ${JSON.stringify(text.slice(0, 120))}`);
  return out;
}

export interface RawIptablesFacts {
  facts?: IptablesFacts;
  /** Exit code and output of iptables-save when it failed. */
  failed?: { code: number; out: string };
}

export function parseIptablesFacts(stdout: string, table: string, files: readonly string[], withAddresses = false): RawIptablesFacts {
  const [save, os, boot, ...rest] = splitParts(stdout, 3 + files.length + (withAddresses ? 1 : 0));
  if (save.code !== 0) return { failed: { code: save.code, out: save.out } };
  const addr = withAddresses ? rest[files.length] : undefined;
  if (addr && addr.code !== 0) throw new Error(`ip -o addr show failed (exit ${addr.code})`);
  return {
    facts: {
      ...parseIptablesSave(save.out, table),
      os: parseOsFamily(os),
      files: Object.fromEntries(files.map((f, i) => [f, parseFilePart(rest[i])])),
      bootLoader: boot.out.trim() === 'yes',
      ...(addr ? { addresses: parseAddresses(addr.out) } : {}),
    },
  };
}
