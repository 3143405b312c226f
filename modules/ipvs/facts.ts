// Read side of ipvs, one exec: the kernel's IPVS state (ip_vs loaded, which
// scheduler modules are loaded, built in or available), the live table
// (`ipvsadm -Sn`) and its timeouts (`ipvsadm -Ln --timeout`), the distribution
// family, the saved rules files and what loads them at boot, and the configs
// of the other managers of the table (keepalived, ldirectord).
//
// ipvsadm loads ip_vs itself when the table is missing, which a fact must not
// do: without /proc/net/ip_vs the table is empty by definition and ipvsadm is
// not run at all.

import { sh } from '../../core/transport/shell.js';
import { OS_FAMILY_PART, parseFilePart, parseOsFamily, partsScript, readFilePart, splitParts, type OsFamily } from '../../core/transport/script-parts.js';
import { parseListing, thresholdsOf } from './listing.js';
import { parseRules, type Timeouts } from '../lib/ipvs-table/save-format.js';

export const SAVED_PATHS = { debian: '/etc/ipvsadm.rules', redhat: '/etc/sysconfig/ipvsadm' } as const;
/** Debian's init script restores the rules at boot only with AUTO="true" here. */
export const DEBIAN_DEFAULTS = '/etc/default/ipvsadm';
export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';
/** Where ldirectord looks for its config (`ldirectord start` and the Debian init script). */
export const LDIRECTORD_CONFS = ['/etc/ha.d/ldirectord.cf', '/etc/ldirectord.cf'] as const;

export interface KernelModules {
  loaded: string[];
  builtin: string[];
  /** Module files present for the running kernel (empty when the module tree is not visible). */
  available: string[];
}

export interface IpvsFacts {
  /** /proc/net/ip_vs exists: IPVS is in the kernel and this host has a table. */
  table: boolean;
  modules: KernelModules;
  /** `ipvsadm -Sn` as printed ('' without a table). */
  live: string;
  /** Non-zero real-server thresholds, which `-Sn` does not print: service id → real id → [upper, lower]. */
  thresholds: Record<string, Record<string, [number, number]>>;
  /** Connection timeouts (absent without a table, or when the task does not set them). */
  timeouts?: Timeouts;
  os: OsFamily;
  /** Saved rules files and Debian's defaults file: content, or null when absent. */
  files: Record<string, string | null>;
  /** Something restores the saved rules at boot (Debian: rc links of the ipvsadm script; RHEL: ipvsadm.service enabled). */
  bootEnabled: boolean;
  keepalived: { content: string | null; running: boolean };
  ldirectord: { files: Record<string, string | null>; running: boolean };
}

// Shell built-ins only where a loop would otherwise start a process per
// question: a process start costs 0.2-0.7 s in an emulated guest under load.
const KERNEL_PART = [
  'read -r k < /proc/sys/kernel/osrelease',
  '[ -e /proc/net/ip_vs ] && echo table',
  'while read -r m _; do case $m in ip_vs*) echo "loaded $m";; esac; done < /proc/modules',
  'if [ -r "/lib/modules/$k/modules.builtin" ]; then while read -r m; do case $m in */ip_vs*.ko*) m=${m##*/}; echo "builtin ${m%%.ko*}";; esac; done < "/lib/modules/$k/modules.builtin"; fi',
  'for m in "/lib/modules/$k/kernel/net/netfilter/ipvs/"ip_vs*.ko*; do [ -e "$m" ] || continue; m=${m##*/}; echo "available ${m%%.ko*}"; done',
  'true',
].join('; ');

// Without a table these print nothing and succeed; a missing ipvsadm is exit 127.
const SAVE_PART = 'if [ -e /proc/net/ip_vs ]; then ipvsadm -Sn; fi';
const TIMEOUT_PART = 'if [ -e /proc/net/ip_vs ]; then ipvsadm -Ln --timeout; fi';
const THRESHOLDS_PART = 'if [ -e /proc/net/ip_vs ]; then ipvsadm -Ln --thresholds; fi';
const BOOT_PART =
  'if [ -d /run/systemd/system ] && [ -f /etc/redhat-release ]; then systemctl is-enabled --quiet ipvsadm.service 2>/dev/null && echo yes || echo no; ' +
  'else b=no; for f in /etc/rc[2345].d/S??ipvsadm /etc/rc.d/rc[2345].d/S??ipvsadm; do [ -e "$f" ] && b=yes; done; echo $b; fi';
/** `yes` when a process named NAME runs (its comm), without starting pgrep. */
const RUNNING_PART = (name: string) =>
  sh`r=no; for c in /proc/[0-9]*/comm; do read -r n < "$c" 2>/dev/null || continue; [ "$n" = ${name} ] && { r=yes; break; }; done; echo $r`;

export function factsFiles(): string[] {
  return [SAVED_PATHS.debian, DEBIAN_DEFAULTS, SAVED_PATHS.redhat];
}

/** `timeouts`: also read the connection timeouts (one more ipvsadm run, only when the task sets them). */
export function ipvsFactsCommand(opts: { timeouts?: boolean } = {}): string {
  return partsScript([
    KERNEL_PART,
    SAVE_PART,
    THRESHOLDS_PART,
    opts.timeouts ? TIMEOUT_PART : 'true',
    OS_FAMILY_PART,
    BOOT_PART,
    ...factsFiles().map(readFilePart),
    readFilePart(KEEPALIVED_CONF),
    RUNNING_PART('keepalived'),
    ...LDIRECTORD_CONFS.map(readFilePart),
    RUNNING_PART('ldirectord'),
  ]);
}

export function parseKernelPart(out: string): { table: boolean; modules: KernelModules } {
  const modules: KernelModules = { loaded: [], builtin: [], available: [] };
  let table = false;
  for (const line of out.split('\n')) {
    if (line === '') continue;
    if (line === 'table') table = true;
    else {
      const m = /^(loaded|builtin|available) (ip_vs[a-z0-9_]*)$/.exec(line);
      if (!m) throw new Error(`unexpected kernel module line ${JSON.stringify(line.slice(0, 80))}`);
      modules[m[1] as keyof KernelModules].push(m[2]);
    }
  }
  for (const list of Object.values(modules)) list.sort();
  return { table, modules };
}

/** `ipvsadm -Ln --timeout` → the three timeouts. */
export function parseTimeouts(out: string): Timeouts | undefined {
  if (out.trim() === '') return undefined;
  const m = /^Timeout \(tcp tcpfin udp\): (\d+) (\d+) (\d+)$/m.exec(out);
  if (!m) throw new Error(`cannot read ipvsadm -Ln --timeout output ${JSON.stringify(out.slice(0, 80))}`);
  return { tcp: Number(m[1]), tcpfin: Number(m[2]), udp: Number(m[3]) };
}

function yesNo(out: string, what: string): boolean {
  const v = out.trim();
  if (v === 'yes' || v === 'no') return v === 'yes';
  throw new Error(`unexpected ${what} output ${JSON.stringify(v.slice(0, 80))}`);
}

export class IpvsadmMissing extends Error {}

/** Parse the output of ipvsFactsCommand. Throws on output it does not recognise. */
export function parseIpvsFacts(stdout: string): IpvsFacts {
  const files = factsFiles();
  const parts = splitParts(stdout, 6 + files.length + 2 + LDIRECTORD_CONFS.length + 1);
  const [kernel, save, listing, timeout, os, boot] = parts;
  for (const p of [save, listing, timeout]) {
    if (p.code === 127) throw new IpvsadmMissing('ipvsadm is not installed');
    if (p.code !== 0) throw new Error(`ipvsadm failed (exit ${p.code}): ${p.out.trim().slice(0, 200)}`);
  }
  // The live table must read back through the same parser the plan uses.
  parseRules(save.out, 'ipvsadm -Sn');
  let i = 6;
  const read = (n: number) => parts.slice(i, (i += n)).map(parseFilePart);
  const saved = read(files.length);
  const [keepalivedConf] = read(1);
  const keepalivedRunning = yesNo(parts[i++].out, 'keepalived process check');
  const ldirectordConfs = read(LDIRECTORD_CONFS.length);
  const ldirectordRunning = yesNo(parts[i++].out, 'ldirectord process check');
  return {
    ...parseKernelPart(kernel.out),
    live: save.out,
    thresholds: thresholdsOf(parseListing(listing.out)),
    ...(parseTimeouts(timeout.out) ? { timeouts: parseTimeouts(timeout.out) } : {}),
    os: parseOsFamily(os),
    files: Object.fromEntries(files.map((f, n) => [f, saved[n]])),
    bootEnabled: yesNo(boot.out, 'boot check'),
    keepalived: { content: keepalivedConf, running: keepalivedRunning },
    ldirectord: { files: Object.fromEntries(LDIRECTORD_CONFS.map((f, n) => [f, ldirectordConfs[n]])), running: ldirectordRunning },
  };
}
