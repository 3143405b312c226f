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
}

export const SAVED_PATHS = { debian: '/etc/iptables/rules.v4', redhat: '/etc/sysconfig/iptables' } as const;

const BOOT_LOADER_PART =
  'if [ -e /usr/share/netfilter-persistent/plugins.d/15-ip4tables ] || [ -e /usr/libexec/iptables/iptables.init ]; then echo yes; else echo no; fi';

export function iptablesFactsCommand(table: string, files: readonly string[]): string {
  return partsScript([sh`iptables-save -t ${table}`, OS_FAMILY_PART, BOOT_LOADER_PART, ...files.map(readFilePart)]);
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

export function parseIptablesFacts(stdout: string, table: string, files: readonly string[]): RawIptablesFacts {
  const [save, os, boot, ...fileParts] = splitParts(stdout, 3 + files.length);
  if (save.code !== 0) return { failed: { code: save.code, out: save.out } };
  return {
    facts: {
      ...parseIptablesSave(save.out, table),
      os: parseOsFamily(os),
      files: Object.fromEntries(files.map((f, i) => [f, parseFilePart(fileParts[i])])),
      bootLoader: boot.out.trim() === 'yes',
    },
  };
}
