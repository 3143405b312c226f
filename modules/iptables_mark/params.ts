// Params of the iptables_mark module. Match values may start with `!` for
// negation, as iptables writes it: `mac_source: "! 08:00:27:E1:3C:C5"`.

import { isIP } from 'node:net';
import type { Fields, ObjectSpec } from '../../core/schema/types.js';
import { netmaskToPrefix } from '../../core/net/address.js';

export interface IptablesMarkParams {
  table: 'filter' | 'nat' | 'mangle' | 'raw' | 'security';
  chain: string;
  source?: string;
  destination?: string;
  protocol?: string;
  dport?: string;
  in_interface?: string;
  out_interface?: string;
  mac_source?: string;
  jump: 'MARK' | 'ACCEPT' | 'DROP' | 'RETURN' | 'REDIRECT';
  set_mark?: number;
  comment?: string;
  find_by?: 'comment' | 'rule';
  position: 'insert' | 'append';
  state: 'present' | 'absent';
  persist: 'auto' | 'debian' | 'redhat' | 'none';
  unless_address?: string;
}

const NOT = '(?:!\\s*)?';
// No leading '-' (iptables would read it as an option) or '!' after the negation.
const IFNAME = new RegExp(`^${NOT}[A-Za-z0-9_.@][A-Za-z0-9_.@-]{0,14}\\+?$`);
const MAC = new RegExp(`^${NOT}[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$`);
const PORT = new RegExp(`^${NOT}\\d{1,5}(?::\\d{1,5})?$`);
const PROTO = new RegExp(`^${NOT}[A-Za-z0-9-]+$`);

export const iptablesMarkParams: Fields = {
  table: { type: 'string', enum: ['filter', 'nat', 'mangle', 'raw', 'security'], default: 'mangle' },
  chain: { type: 'string', default: 'PREROUTING', pattern: /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,27}$/, patternName: 'a chain name (PREROUTING, INPUT, ...), not starting with "-"' },
  source: { type: 'string', description: 'Source IPv4 address or network; `! ADDR` negates.' },
  destination: { type: 'string', description: 'Destination IPv4 address or network (the VIP); `! ADDR` negates.' },
  protocol: { type: 'string', pattern: PROTO, patternName: 'a protocol name or number (tcp, udp, vrrp, 112)' },
  dport: { type: 'string', pattern: PORT, patternName: 'a port or range (80, 1000:2000)', description: 'Destination port; needs protocol tcp, udp or sctp.' },
  in_interface: { type: 'string', pattern: IFNAME, patternName: 'an interface name (eth0, eth+)' },
  out_interface: { type: 'string', pattern: IFNAME, patternName: 'an interface name (eth0, eth+)' },
  mac_source: { type: 'string', pattern: MAC, patternName: 'a MAC address (08:00:27:E1:3C:C5), optionally after "! "' },
  jump: { type: 'string', enum: ['MARK', 'ACCEPT', 'DROP', 'RETURN', 'REDIRECT'], default: 'MARK', description: 'MARK (with set_mark), ACCEPT for e.g. the VRRP accept rule, REDIRECT (nat table) to the local address of the incoming interface, e.g. a bypass of IPVS.' },
  set_mark: { type: 'int', min: 0, max: 0xffffffff, description: 'The fwmark (0x3); required with jump MARK.' },
  comment: { type: 'string', maxLength: 255, pattern: /^[^\n\r]+$/, patternName: 'a one-line comment', description: 'How rb finds its rule; default rb:<task name>.' },
  find_by: {
    type: 'string',
    enum: ['comment', 'rule'],
    default: 'comment',
    description: 'How rb finds its rule: by its comment (default), or, for a rule made by hand without one, as the identical rule without a comment (a changed rule is then a new rule, the old one stays).',
  },
  position: { type: 'string', enum: ['insert', 'append'], default: 'insert', description: 'Where a new rule goes: head or tail of the chain (a rule already in place is not moved).' },
  state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
  unless_address: {
    type: 'string',
    description: 'The rule is wanted only while the host does not hold this address, e.g. a two-box bypass rule present on the VRRP BACKUP only; keepalived notify scripts add and remove it, rb checks it against the host\'s addresses. Needs persist: none.',
  },
  persist: {
    type: 'string',
    enum: ['auto', 'debian', 'redhat', 'none'],
    default: 'auto',
    description: 'Saved rules file to update: /etc/iptables/rules.v4 (Debian), /etc/sysconfig/iptables (RHEL).',
  },
};

/** `! 10.0.0.1` → { not: true, value: '10.0.0.1' }. */
export function splitNot(v: string): { not: boolean; value: string } {
  const m = /^!\s*(.*)$/.exec(v.trim());
  return m ? { not: true, value: m[1] } : { not: false, value: v.trim() };
}

function validNet(v: string): boolean {
  const [addr, mask, ...rest] = splitNot(v).value.split('/');
  if (rest.length || isIP(addr) !== 4) return false;
  if (mask === undefined) return true;
  return /^\d{1,2}$/.test(mask) ? Number(mask) <= 32 : netmaskToPrefix(mask) !== null;
}

const NO_IN = ['OUTPUT', 'POSTROUTING'];
const NO_OUT = ['PREROUTING', 'INPUT'];

export const iptablesMarkRules: ObjectSpec['check'] = (v) => {
  const p = v as unknown as IptablesMarkParams;
  const problems: Array<[string, string]> = [];
  for (const f of ['source', 'destination'] as const) {
    if (p[f] !== undefined && !validNet(p[f]!)) problems.push([f, `expected an IPv4 address or network (10.0.0.1, 10.0.0.0/8), optionally after "! ", got ${JSON.stringify(p[f])}`]);
  }
  if (p.find_by === 'rule' && p.comment !== undefined) problems.push(['comment', 'find_by: rule finds the rule without a comment: drop comment or use find_by: comment']);
  if (p.jump === 'MARK' && p.set_mark === undefined && p.state === 'present') problems.push(['set_mark', 'required with jump MARK']);
  if (p.jump !== 'MARK' && p.set_mark !== undefined) problems.push(['set_mark', `only with jump MARK, not ${p.jump}`]);
  if (p.jump === 'MARK' && p.table !== 'mangle') problems.push(['table', 'the MARK target works in the mangle table only']);
  if (p.jump === 'REDIRECT' && p.table !== 'nat') problems.push(['table', 'the REDIRECT target works in the nat table only']);
  if (p.jump === 'REDIRECT' && ['INPUT', 'POSTROUTING'].includes(p.chain)) problems.push(['chain', `REDIRECT works in PREROUTING and OUTPUT, not ${p.chain}`]);
  if (p.unless_address !== undefined) {
    if (!isIP(p.unless_address)) problems.push(['unless_address', `expected an IPv4 or IPv6 address, got ${JSON.stringify(p.unless_address)}`]);
    if (p.persist !== 'none') problems.push(['persist', 'a rule that follows an address at run time is not saved for boot: set persist: none']);
  }
  if (p.dport !== undefined) {
    const proto = p.protocol === undefined ? undefined : splitNot(p.protocol);
    if (!proto || proto.not || !['tcp', 'udp', 'sctp', '6', '17', '132'].includes(proto.value.toLowerCase())) problems.push(['dport', 'needs protocol tcp, udp or sctp']);
    for (const port of splitNot(p.dport).value.split(':')) if (Number(port) > 65535) problems.push(['dport', `port ${port} is above 65535`]);
  }
  if (p.in_interface !== undefined && NO_IN.includes(p.chain)) problems.push(['in_interface', `iptables refuses -i in ${p.chain}`]);
  if (p.out_interface !== undefined && NO_OUT.includes(p.chain)) problems.push(['out_interface', `iptables refuses -o in ${p.chain}`]);
  if (p.mac_source !== undefined && ['OUTPUT', 'POSTROUTING'].includes(p.chain)) problems.push(['mac_source', `the mac match works only in PREROUTING, INPUT and FORWARD, not ${p.chain}`]);
  return problems;
};
