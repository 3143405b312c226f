// The part of keepalived.conf rb understands, declared once. The model reader,
// the renderer, the semantic diff and the param schema are all driven by these
// tables, so a keyword added here is parsed, rendered, diffed and documented
// alike. Keywords not listed are kept verbatim (`extra`), never dropped.

export type ValueKind =
  | { kind: 'int'; min?: number; max?: number }
  /** keepalived <TIMER>s and other decimals. */
  | { kind: 'number'; min?: number; max?: number }
  /** One word (quoted when it holds spaces). */
  | { kind: 'word'; enum?: readonly string[]; maxLength?: number }
  /** A command line given as one quoted string (scripts, notify_*). */
  | { kind: 'cmd' }
  /** Several plain words kept as one string (`script_user root root`, `status_code 200-299 404`). */
  | { kind: 'args' }
  /** The keyword alone means true (`nopreempt`). */
  | { kind: 'flag' }
  /** keyword <BOOL>. */
  | { kind: 'bool' }
  /** Value block whose every word is an item (`group`, `notification_email`). */
  | { kind: 'words' }
  /** Value block whose every line is an item (`track_script`, `unicast_peer`). */
  | { kind: 'lines' }
  /** Value block of addresses with options (`virtual_ipaddress`). */
  | { kind: 'vips' }
  /** One sub-block. */
  | { kind: 'block'; block: BlockSpec }
  /** Repeated sub-blocks, told apart by `block.key`. */
  | { kind: 'blocks'; block: BlockSpec };

export type FieldSpec = ValueKind & {
  /** Name in params and in the model. */
  field: string;
  /** keepalived keyword; also the name used in diffs. */
  keyword: string;
  /** Older keywords keepalived reads as the same thing (read, never written). */
  aliases?: string[];
  description: string;
  secret?: boolean;
  /** What the value (for lists: the first word of each entry) must be, checked before any host. */
  format?: Format;
  /** What keepalived does with the keyword repeated in one block (default: the last one counts). */
  repeat?: 'append' | 'first';
  /** keepalived keeps only this many bytes of the value (`auth_pass`). */
  truncateBytes?: number;
};

/** Value formats keepalived checks (or needs to be true on the host); see safety.ts. */
export type Format = 'ip' | 'ifname' | 'ip-port' | 'label';

export interface KeySpec {
  /** Param schema of the key fields, and which are required. */
  fields: Record<string, { type: 'string' | 'int'; required?: boolean; description: string; min?: number; max?: number }>;
  /** Block header arguments → key fields; undefined = not understood (kept verbatim). */
  parse(args: string[]): Record<string, unknown> | undefined;
  render(item: Record<string, unknown>): string[];
  /** Identity in diffs: `VI_1`, `172.16.0.30:80`, `fwmark 3`. */
  label(item: Record<string, unknown>): string;
}

export interface BlockSpec {
  fields: FieldSpec[];
  /** Keyed blocks; unkeyed repeated blocks are matched by position. */
  key?: KeySpec;
  /** Label from a body field instead of header arguments (HTTP_GET `url` by `path`). */
  labelField?: string;
  /** The block holds plain lines, not statements: every line is an item of this `lines` field. */
  body?: string;
}

const IP = '[0-9A-Fa-f.:]+';
const isIp = (s: string | undefined) => s !== undefined && new RegExp(`^${IP}$`).test(s) && /[.:]/.test(s);
const isUint = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);

const nameKey = (what: string): KeySpec => ({
  fields: { name: { type: 'string', required: true, description: `name of the ${what}` } },
  parse: (args) => (args.length === 1 ? { name: args[0] } : undefined),
  render: (item) => [String(item.name)],
  label: (item) => String(item.name),
});

const ipPortKey = (what: string): KeySpec => ({
  fields: {
    ip: { type: 'string', required: true, description: `address of the ${what}` },
    port: { type: 'int', min: 0, max: 65535, description: `port of the ${what} (none for fwmark services)` },
  },
  parse: (args) => {
    if (args.length === 1 && isIp(args[0])) return { ip: args[0] };
    if (args.length === 2 && isIp(args[0]) && isUint(args[1])) return { ip: args[0], port: Number(args[1]) };
    return undefined;
  },
  render: (item) => (item.port === undefined ? [String(item.ip)] : [String(item.ip), String(item.port)]),
  label: (item) => (item.port === undefined ? String(item.ip) : `${item.ip}:${item.port}`),
});

const virtualServerKey: KeySpec = {
  fields: {
    ip: { type: 'string', description: 'virtual address (with `port`), or use `fwmark`' },
    port: { type: 'int', min: 0, max: 65535, description: 'virtual port' },
    fwmark: { type: 'int', min: 1, max: 4294967295, description: 'firewall mark of the service (instead of ip/port)' },
    group: { type: 'string', description: 'name of a virtual_server_group (instead of ip/port or fwmark)' },
  },
  parse: (args) => {
    if (args[0] === 'fwmark') return args.length === 2 && isUint(args[1]) ? { fwmark: Number(args[1]) } : undefined;
    if (args[0] === 'group') return args.length === 2 ? { group: args[1] } : undefined;
    return ipPortKey('').parse(args);
  },
  render: (item) => (item.fwmark !== undefined ? ['fwmark', String(item.fwmark)] : item.group !== undefined ? ['group', String(item.group)] : ipPortKey('').render(item)),
  label: (item) => (item.fwmark !== undefined ? `fwmark ${item.fwmark}` : item.group !== undefined ? `group ${item.group}` : ipPortKey('').label(item)),
};

const noKey: KeySpec = { fields: {}, parse: (args) => (args.length === 0 ? {} : undefined), render: () => [], label: () => '' };

const f = (field: string, kind: ValueKind, description: string, more: Partial<FieldSpec> = {}): FieldSpec =>
  ({ field, keyword: field, description, ...kind, ...more }) as FieldSpec;

const int = (min?: number, max?: number): ValueKind => ({ kind: 'int', min, max });
const num = (min?: number, max?: number): ValueKind => ({ kind: 'number', min, max });
const word: ValueKind = { kind: 'word' };
// keepalived keeps the first of some repeated keywords and appends repeated lists.
const first: Partial<FieldSpec> = { repeat: 'first' };
const append: Partial<FieldSpec> = { repeat: 'append' };
const ipw = { kind: 'word', format: 'ip' } as ValueKind;
const cmd: ValueKind = { kind: 'cmd' };
const args: ValueKind = { kind: 'args' };
const flag: ValueKind = { kind: 'flag' };
const bool: ValueKind = { kind: 'bool' };

const connection: FieldSpec[] = [
  f('connect_ip', ipw, 'address to check instead of the real server'),
  f('connect_port', int(1, 65535), 'port to check instead of the real server port'),
  f('bindto', ipw, 'source address of the check'),
  f('bind_port', int(1, 65535), 'source port of the check'),
  f('connect_timeout', num(0.000001, 4294.967295), 'seconds before a connection attempt fails'),
  f('retry', int(0), 'retries before the server is marked down'),
  f('delay_before_retry', num(0), 'seconds between retries'),
  f('warmup', num(0), 'random delay (seconds) before the first check'),
  f('delay_loop', num(0.000001, 4294967295), 'seconds between checks'),
  f('fwmark', int(0), 'mark put on the check packets'),
];

const url: BlockSpec = {
  key: noKey,
  labelField: 'path',
  fields: [
    f('path', word, 'URL path to fetch, e.g. /health'),
    f('digest', word, 'expected MD5 of the body (genhash)'),
    f('status_code', args, 'expected status code(s) or ranges, e.g. 200 or "200-299 404"'),
    f('virtualhost', word, 'Host header'),
    f('regex', word, 'regular expression the body must match'),
  ],
};

const httpCheck: BlockSpec = {
  key: noKey,
  fields: [
    // keepalived 2.2 still reads the old `nb_get_retry` here (with a deprecation warning).
    ...connection.map((c) => (c.field === 'retry' ? { ...c, aliases: ['nb_get_retry'] } : c)),
    f('http_protocol', word, 'HTTP version: 1.0, 1.0C or 1.1'),
    f('virtualhost', word, 'Host header'),
    f('enable_sni', flag, 'send SNI (SSL_GET)'),
    { field: 'url', keyword: 'url', kind: 'blocks', block: url, description: 'URLs to fetch: `path` with `status_code` and/or `digest`' },
  ],
};

const tcpCheck: BlockSpec = { key: noKey, fields: connection };

const smtpCheck: BlockSpec = { key: noKey, fields: [...connection, f('helo_name', word, 'name sent in HELO')] };

const udpCheck: BlockSpec = {
  key: noKey,
  fields: [...connection, f('require_reply', args, 'reply the check expects (hex), optional'), f('payload', word, 'payload sent (hex)')],
};

const miscCheck: BlockSpec = {
  key: noKey,
  fields: [
    f('misc_path', cmd, 'check command line (exit 0 = up)'),
    f('misc_timeout', int(1, 4294), 'seconds before the check is killed'),
    f('misc_dynamic', flag, 'exit code sets the weight'),
    f('user', args, 'user [group] to run the check as'),
    f('retry', int(0), 'retries before the server is marked down'),
    f('delay_before_retry', num(0), 'seconds between retries'),
    f('warmup', num(0), 'random delay (seconds) before the first check'),
    f('delay_loop', num(0.000001, 4294967295), 'seconds between checks'),
  ],
};

const realServer: BlockSpec = {
  key: ipPortKey('real server'),
  fields: [
    f('weight', int(0, 65535), 'relative weight (default 1)'),
    f('inhibit_on_failure', flag, 'set weight 0 instead of removing on failure'),
    f('uthreshold', int(0), 'maximum connections'),
    f('lthreshold', int(0), 'minimum connections'),
    f('notify_up', cmd, 'command run when the server comes up', first),
    f('notify_down', cmd, 'command run when the server goes down', first),
    { field: 'TCP_CHECK', keyword: 'TCP_CHECK', kind: 'blocks', block: tcpCheck, description: 'TCP connect check(s)' },
    { field: 'HTTP_GET', keyword: 'HTTP_GET', kind: 'blocks', block: httpCheck, description: 'HTTP check(s)' },
    { field: 'SSL_GET', keyword: 'SSL_GET', kind: 'blocks', block: httpCheck, description: 'HTTPS check(s)' },
    { field: 'MISC_CHECK', keyword: 'MISC_CHECK', kind: 'blocks', block: miscCheck, description: 'script check(s)' },
    { field: 'SMTP_CHECK', keyword: 'SMTP_CHECK', kind: 'blocks', block: smtpCheck, description: 'SMTP check(s)' },
    { field: 'PING_CHECK', keyword: 'PING_CHECK', kind: 'blocks', block: tcpCheck, description: 'ICMP echo check(s)' },
    { field: 'UDP_CHECK', keyword: 'UDP_CHECK', kind: 'blocks', block: udpCheck, description: 'UDP check(s)' },
  ],
};

export const LB_ALGOS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;

const virtualServer: BlockSpec = {
  key: virtualServerKey,
  fields: [
    f('delay_loop', num(0.000001, 4294967295), 'seconds between health checks'),
    f('lb_algo', { kind: 'word', enum: LB_ALGOS }, 'scheduler', { aliases: ['lvs_sched'] }),
    f('lb_kind', { kind: 'word', enum: ['NAT', 'DR', 'TUN'] }, 'forwarding method', { aliases: ['lvs_method'] }),
    f('protocol', { kind: 'word', enum: ['TCP', 'UDP', 'SCTP'] }, 'L4 protocol (not for fwmark services)'),
    f('persistence_timeout', int(1, 2678400), 'persistence in seconds'),
    f('persistence_granularity', word, 'persistence netmask'),
    f('virtualhost', word, 'default Host header for HTTP checks'),
    f('sorry_server', args, '"IP [PORT]" used when no real server is up', { format: 'ip-port' }),
    f('quorum', int(1, 4294967295), 'minimum total weight of live servers (at most the total weight of the real servers)'),
    f('hysteresis', int(0, 4294967294), 'quorum flap damper (below quorum)'),
    f('quorum_up', cmd, 'command run when quorum is gained', first),
    f('quorum_down', cmd, 'command run when quorum is lost', first),
    f('alpha', flag, 'start with every real server down'),
    f('omega', flag, 'run down notifiers on shutdown'),
    f('ha_suspend', flag, 'suspend checks while the VIP is not here'),
    f('inhibit_on_failure', flag, 'set weight 0 instead of removing failed servers'),
    { field: 'real_servers', keyword: 'real_server', kind: 'blocks', block: realServer, description: 'real servers' },
  ],
};

const authentication: BlockSpec = {
  fields: [
    f('auth_type', { kind: 'word', enum: ['PASS', 'AH'] }, 'PASS or AH'),
    f('auth_pass', word, 'password; keepalived uses its first 8 bytes (a longer one is accepted with a warning and compared and written as those 8 bytes)', { secret: true, truncateBytes: 8 }),
  ],
};

const notify = (what: string): FieldSpec[] => [
  f('notify_master', cmd, `command run when the ${what} becomes MASTER`, first),
  f('notify_backup', cmd, `command run when the ${what} becomes BACKUP`, first),
  f('notify_fault', cmd, `command run when the ${what} enters FAULT`, first),
  f('notify_stop', cmd, `command run when the ${what} stops`, first),
  f('notify', cmd, `command run on every ${what} transition`, first),
  f('smtp_alert', bool, 'send mail on transitions'),
];

const instance: BlockSpec = {
  key: nameKey('VRRP instance'),
  fields: [
    f('state', { kind: 'word', enum: ['MASTER', 'BACKUP'] }, 'initial state'),
    f('interface', word, 'interface VRRP runs on', { format: 'ifname' }),
    f('virtual_router_id', int(1, 255), 'VRID, 1-255, unique per interface, same on every peer'),
    f('priority', int(1, 255), 'priority, 1-255; the highest becomes MASTER'),
    f('advert_int', num(0.01, 255), 'seconds between adverts'),
    f('nopreempt', flag, 'a higher priority peer does not take over (needs state BACKUP)'),
    f('preempt_delay', num(0, 1000), 'seconds to wait before preempting (needs state BACKUP)'),
    { field: 'authentication', keyword: 'authentication', kind: 'block', block: authentication, description: '{auth_type, auth_pass}' },
    f('virtual_ipaddress', { kind: 'vips' }, 'VIPs: "ADDR[/LEN] [dev IF] [label IF:N]" or {address, dev, label, brd, scope}', append),
    f('virtual_ipaddress_excluded', { kind: 'vips' }, 'VIPs left out of adverts', append),
    f('unicast_src_ip', ipw, 'source address of unicast adverts'),
    f('unicast_peer', { kind: 'lines' }, 'peers to send unicast adverts to', { format: 'ip', repeat: 'append' }),
    f('mcast_src_ip', ipw, 'source address of multicast adverts'),
    f('track_interface', { kind: 'lines' }, 'interfaces whose failure means FAULT ("eth1 [weight N]")', { format: 'ifname', repeat: 'append' }),
    f('track_script', { kind: 'lines' }, 'vrrp_scripts to follow ("NAME [weight N]")', append),
    f('dont_track_primary', flag, 'ignore faults of the VRRP interface'),
    f('garp_master_delay', int(0, 255), 'seconds before the second set of gratuitous ARPs'),
    f('garp_master_repeat', int(1, 255), 'gratuitous ARPs sent at once on becoming MASTER'),
    f('garp_master_refresh', int(0), 'seconds between gratuitous ARP refreshes as MASTER (0: none)'),
    f('garp_master_refresh_repeat', int(1, 255), 'gratuitous ARPs sent at each refresh'),
    f('garp_lower_prio_delay', int(0, 4294), 'seconds before gratuitous ARPs after a lower priority advert'),
    f('garp_lower_prio_repeat', int(0), 'gratuitous ARPs sent after a lower priority advert'),
    f('use_vmac', flag, 'run VRRP on a macvlan interface with the VRRP MAC (name: give "use_vmac NAME" in extra)'),
    f('vmac_xmit_base', flag, 'send adverts on the base interface, not the VMAC'),
    f('virtual_routes', { kind: 'lines' }, 'routes added while MASTER ("DEST via GW dev IF")', append),
    f('virtual_rules', { kind: 'lines' }, 'policy rules added while MASTER ("from ADDR table N")', append),
    f('version', int(2, 3), 'VRRP version'),
    ...notify('instance'),
  ],
};

const syncGroup: BlockSpec = {
  key: nameKey('sync group'),
  fields: [
    f('group', { kind: 'words' }, 'instances that change state together', first),
    f('track_script', { kind: 'lines' }, 'vrrp_scripts the whole group follows', append),
    f('track_interface', { kind: 'lines' }, 'interfaces the whole group follows', { format: 'ifname', repeat: 'append' }),
    ...notify('group'),
  ],
};

const vrrpScript: BlockSpec = {
  key: nameKey('VRRP script'),
  fields: [
    f('script', cmd, 'command line; exit 0 = healthy'),
    f('interval', int(1, 4294), 'whole seconds between runs'),
    f('timeout', int(1, 4294), 'whole seconds before a run counts as failed'),
    f('weight', int(-253, 253), 'priority change on failure (negative) or success (positive)'),
    f('rise', int(1), 'successes before OK'),
    f('fall', int(1), 'failures before KO'),
    f('user', args, 'user [group] to run the script as'),
    f('init_fail', flag, 'start in the failed state'),
  ],
};

const globalDefs: BlockSpec = {
  fields: [
    f('router_id', word, 'name of this node in notifications'),
    f('notification_email', { kind: 'words' }, 'addresses to mail on transitions', append),
    f('notification_email_from', word, 'sender address'),
    f('smtp_server', args, 'SMTP server "IP [PORT]"'),
    f('smtp_connect_timeout', int(1, 4294), 'seconds'),
    f('enable_script_security', flag, 'refuse scripts writable by non-root users'),
    f('script_user', args, 'user [group] scripts run as'),
    f('vrrp_skip_check_adv_addr', flag, 'skip checking the addresses of adverts'),
    f('vrrp_strict', flag, 'strict RFC compliance'),
    f('vrrp_garp_interval', num(0.000001, 4294.967295), 'seconds between gratuitous ARPs (keepalived 2.2 refuses 0)'),
    f('vrrp_gna_interval', num(0.000001, 4294.967295), 'seconds between unsolicited NAs (keepalived 2.2 refuses 0)'),
    f('vrrp_version', int(2, 3), 'default VRRP version'),
    f('vrrp_mcast_group4', ipw, 'IPv4 multicast group of adverts (default 224.0.0.18)'),
    f('vrrp_mcast_group6', ipw, 'IPv6 multicast group of adverts (default ff02::12)'),
    f('vrrp_garp_master_delay', int(0, 255), 'default garp_master_delay'),
    f('vrrp_garp_master_repeat', int(1, 255), 'default garp_master_repeat'),
    f('vrrp_garp_master_refresh', int(0), 'default garp_master_refresh'),
    f('vrrp_garp_master_refresh_repeat', int(1, 255), 'default garp_master_refresh_repeat'),
    f('vrrp_garp_lower_prio_delay', int(0, 4294), 'default garp_lower_prio_delay'),
    f('vrrp_garp_lower_prio_repeat', int(0), 'default garp_lower_prio_repeat'),
  ],
};

const virtualServerGroup: BlockSpec = {
  key: nameKey('virtual server group'),
  body: 'entries',
  fields: [f('entries', { kind: 'lines' }, 'services of the group: "IP PORT", "IP-LASTOCTET PORT" (a range) or "fwmark N"')],
};

/** The whole file. */
export const ROOT: BlockSpec = {
  fields: [
    { field: 'global_defs', keyword: 'global_defs', kind: 'block', block: globalDefs, description: 'global settings' },
    { field: 'vrrp_scripts', keyword: 'vrrp_script', kind: 'blocks', block: vrrpScript, description: 'health scripts for track_script' },
    { field: 'vrrp_sync_groups', keyword: 'vrrp_sync_group', kind: 'blocks', block: syncGroup, description: 'groups of instances that fail over together' },
    { field: 'instances', keyword: 'vrrp_instance', kind: 'blocks', block: instance, description: 'VRRP instances' },
    { field: 'virtual_server_groups', keyword: 'virtual_server_group', kind: 'blocks', block: virtualServerGroup, description: 'named sets of services a `virtual_server group NAME` balances alike' },
    { field: 'virtual_servers', keyword: 'virtual_server', kind: 'blocks', block: virtualServer, description: 'LVS virtual servers' },
    f('static_ipaddress', { kind: 'vips' }, 'addresses keepalived adds at start, whatever the VRRP state', append),
    f('static_routes', { kind: 'lines' }, 'routes keepalived adds at start', append),
    f('static_rules', { kind: 'lines' }, 'policy rules keepalived adds at start', append),
  ],
};

export const SPECS = { root: ROOT, virtualServerGroup, globalDefs, vrrpScript, syncGroup, instance, authentication, virtualServer, realServer, tcpCheck, httpCheck, miscCheck, url };
