// The reference workload as the floor runs it: the state real-server.yml
// describes, checked (and in apply mode written) by ONE shell script per host.
// The files are byte for byte what rb writes, so `rb drift` after a floor
// apply finds nothing (the bench checks it). A unit test holds these values
// equal to real-server.yml's.

import { CONF_HEADER } from '../modules/sysctl/conf.js';
import { HEADER as STANZA_HEADER } from '../modules/ifalias/persist.js';
import { SAVED_HEADER } from '../modules/iptables_mark/saved.js';
import { serviceActionCommand } from '../core/services/script.js';
import { quote } from '../core/transport/shell.js';

export const VIP = '198.18.1.100';
export const PEER_MAC = '02:72:62:00:00:fe';
export const SYSCTLS: ReadonlyArray<[string, string]> = [
  ['net.ipv4.conf.lo.arp_ignore', '1'],
  ['net.ipv4.conf.lo.arp_announce', '2'],
  ['net.ipv4.conf.all.arp_ignore', '1'],
  ['net.ipv4.conf.all.arp_announce', '2'],
  ['net.ipv4.conf.eth0.arp_announce', '2'],
];
export const MARK_COMMENT = 'rb-bench: fwmark 3';
export const PAGE_DEST = '/srv/index.html';
export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';

/** Controller-side inputs: the template text and the page, read once per run. */
export interface WorkloadInputs {
  template: string;
  page: string;
}

/** The template uses only inventory_hostname: a plain substitution renders it exactly. */
export function renderKeepalived(template: string, host: string): string {
  return template.replace(/\{\{\s*inventory_hostname\s*\}\}/g, host);
}

const MARK_MATCH = `-d ${VIP}/32 -p tcp -m tcp --dport 80 -m mac ! --mac-source ${PEER_MAC} -m comment --comment`;
/** The rule as iptables-save prints it (and rb saves it). */
const MARK_SAVED = `-A PREROUTING ${MARK_MATCH} "${MARK_COMMENT}" -j MARK --set-xmark 0x3/0xffffffff`;
/** The rule as arguments after the chain name. */
const MARK_ARGS = `${MARK_MATCH} ${quote(MARK_COMMENT)} -j MARK --set-mark 0x3`;

interface ManagedFile {
  path: string;
  mode: string;
  content: string;
}

export function managedFiles(host: string, inputs: WorkloadInputs): Record<'sysctl' | 'stanza' | 'rules' | 'keepalived' | 'page', ManagedFile> {
  return {
    sysctl: { path: '/etc/sysctl.d/90-rb.conf', mode: '644', content: [CONF_HEADER, ...SYSCTLS.map(([k, v]) => `${k} = ${v}`)].join('\n') + '\n' },
    stanza: { path: '/etc/network/interfaces.d/rb-lo-0', mode: '644', content: [STANZA_HEADER, 'auto lo:0', 'iface lo:0 inet static', `    address ${VIP}/32`].join('\n') + '\n' },
    rules: {
      path: '/etc/iptables/rules.v4',
      mode: '640',
      content: [
        SAVED_HEADER,
        '*mangle',
        ...['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].map((c) => `:${c} ACCEPT [0:0]`),
        MARK_SAVED,
        'COMMIT',
      ].join('\n') + '\n',
    },
    keepalived: { path: KEEPALIVED_CONF, mode: '644', content: renderKeepalived(inputs.template, host) },
    page: { path: PAGE_DEST, mode: '644', content: inputs.page },
  };
}

/**
 * The one script a host runs. `apply`: fix whatever differs (and restart
 * keepalived, verified, when its configuration changed); else only report.
 * Prints `changed WHAT` per difference and `changes N` last.
 */
export function floorScript(host: string, inputs: WorkloadInputs, apply: boolean): string {
  const f = managedFiles(host, inputs);
  const want = SYSCTLS.map(([k, v]) => `${k} = ${v}`).join('\n');
  // `[ $apply = 0 ] || FIX || exit 1`: report only, or fix and stop at the first failure.
  const file = (name: string, m: ManagedFile, before = '') =>
    `if ! same ${quote(m.path)} ${quote(m.mode)} ${quote(m.content)}; then ch ${name}; [ $apply = 0 ] || { ${before}put ${quote(m.path)} ${quote(m.mode)} ${quote(m.content)}; } || exit 1; fi`;
  const restart = serviceActionCommand({ name: 'keepalived' }, 'restart', { timeoutMs: 10_000, settleMs: 300 });
  return [
    `apply=${apply ? 1 : 0}; n=0; restart=0`,
    'ch() { n=$((n+1)); echo "changed $1"; }',
    // Content, mode and owner, one stat and one cmp per file.
    `same() { [ "$(stat -c '%a %U %G' -- "$1" 2>/dev/null)" = "$2 root root" ] && printf '%s' "$3" | cmp -s - "$1"; }`,
    'put() { mkdir -p "${1%/*}" && printf \'%s\' "$3" > "$1.rb-new" && chmod "$2" "$1.rb-new" && mv -f "$1.rb-new" "$1"; }',
    `if [ "$(sysctl ${SYSCTLS.map(([k]) => k).join(' ')})" != ${quote(want)} ]; then ch sysctl-live; [ $apply = 0 ] || sysctl -qw ${SYSCTLS.map(([k, v]) => `${k}=${v}`).join(' ')} || exit 1; fi`,
    file('sysctl-file', f.sysctl),
    `case $(ip -o -4 addr show dev lo label lo:0) in *" ${VIP}/32 "*) ;; *) ch vip; [ $apply = 0 ] || ip addr add ${VIP}/32 dev lo label lo:0 || exit 1;; esac`,
    file('vip-stanza', f.stanza),
    // Validated before it replaces the old file, as the template task does.
    file('keepalived-conf', f.keepalived, `printf '%s' ${quote(f.keepalived.content)} > /tmp/rb-floor-ka.conf && keepalived -t -f /tmp/rb-floor-ka.conf && restart=1 && `),
    `if ! iptables -w -t mangle -C PREROUTING ${MARK_ARGS} 2>/dev/null; then ch mark; [ $apply = 0 ] || iptables -w -t mangle -I PREROUTING ${MARK_ARGS} || exit 1; fi`,
    file('mark-saved', f.rules),
    file('page', f.page),
    `if [ $restart = 1 ]; then ch keepalived-restart; ( ${restart}\n) || exit 1; fi`,
    'echo "changes $n"',
  ].join('\n');
}

/**
 * The lean read a careful shell author would write for a no-op or a check: the
 * sysctls with the shell's own `read` (no process), then one `ip`, one
 * `iptables-save`, one `stat` and one `cat` for everything; the controller
 * compares (leanDifferences). Four processes besides the shell.
 */
export function leanReadScript(host: string, inputs: WorkloadInputs): string {
  const files = Object.values(managedFiles(host, inputs)).map((m) => quote(m.path)).join(' ');
  return [
    ...SYSCTLS.map(([k]) => `read -r v < /proc/sys/${k.replace(/\./g, '/')} && echo "$v"`),
    'echo @@',
    'ip -o -4 addr show dev lo',
    'echo @@',
    'iptables-save -t mangle',
    'echo @@',
    `stat -c '%n %a %U %G %s' -- ${files} 2>/dev/null`,
    'echo @@',
    `cat -- ${files} 2>/dev/null`,
  ].join('\n');
}

/** What differs from the workload's state, read by leanReadScript (names as floorScript's `changed` lines). */
export function leanDifferences(host: string, inputs: WorkloadInputs, out: string): string[] {
  const [sysctls, addrs, rules, stats, ...rest] = out.split('\n@@\n');
  const contents = rest.join('\n@@\n');
  const diff: string[] = [];
  if (sysctls.split('\n').join('\n') !== SYSCTLS.map(([, v]) => v).join('\n')) diff.push('sysctl-live');
  if (!addrs.includes(` ${VIP}/32 `)) diff.push('vip');
  if (!rules.split('\n').includes(MARK_SAVED)) diff.push('mark');
  const seen = new Map<string, { meta: string; size: number }>();
  for (const line of stats.split('\n')) {
    const m = /^(\S+) (\d+ \S+ \S+) (\d+)$/.exec(line);
    if (m) seen.set(m[1], { meta: m[2], size: Number(m[3]) });
  }
  // cat printed the files that exist, in order: cut them by the sizes stat gave.
  let at = 0;
  const names: Record<string, string> = { sysctl: 'sysctl-file', stanza: 'vip-stanza', rules: 'mark-saved', keepalived: 'keepalived-conf', page: 'page' };
  for (const [key, m] of Object.entries(managedFiles(host, inputs))) {
    const s = seen.get(m.path);
    const content = s ? contents.slice(at, at + s.size) : undefined;
    if (s) at += s.size;
    if (!s || s.meta !== `${m.mode} root root` || content !== m.content) diff.push(names[key]);
  }
  return diff;
}
