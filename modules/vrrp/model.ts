// The typed model of keepalived.conf, read from a parsed file (`fromTree`) or
// from validated params (`fromParams`). Both produce the same canonical shape:
// absent, empty and false-flag fields are left out, VIPs carry their prefix,
// list lines are re-spaced and unknown keywords are kept as canonical text in
// `extra`. Two configs are semantically equal when their models are.

import { SPECS, type BlockSpec, type FieldSpec } from './grammar.js';
import { splitWords } from './lexer.js';
import { parseConf, type ConfNode } from './parser.js';
import { canonicalLine, nodeText, parseVip, vipFromParam, type Vip } from './values.js';

export type { Vip } from './values.js';

interface Extra {
  /** Keywords rb does not model, as canonical keepalived text, in file order. */
  extra?: string[];
}

export interface GlobalDefs extends Extra {
  router_id?: string;
  notification_email?: string[];
  notification_email_from?: string;
  smtp_server?: string;
  smtp_connect_timeout?: number;
  enable_script_security?: boolean;
  script_user?: string;
  vrrp_skip_check_adv_addr?: boolean;
  vrrp_strict?: boolean;
  vrrp_garp_interval?: number;
  vrrp_gna_interval?: number;
  vrrp_version?: number;
}

export interface VrrpScript extends Extra {
  name: string;
  script?: string;
  interval?: number;
  timeout?: number;
  weight?: number;
  rise?: number;
  fall?: number;
  user?: string;
  init_fail?: boolean;
}

interface Notify {
  notify_master?: string;
  notify_backup?: string;
  notify_fault?: string;
  notify_stop?: string;
  notify?: string;
  smtp_alert?: boolean;
}

export interface SyncGroup extends Extra, Notify {
  name: string;
  group?: string[];
  track_script?: string[];
  track_interface?: string[];
}

export interface Authentication extends Extra {
  auth_type?: 'PASS' | 'AH';
  auth_pass?: string;
}

export interface VrrpInstance extends Extra, Notify {
  name: string;
  state?: 'MASTER' | 'BACKUP';
  interface?: string;
  virtual_router_id?: number;
  priority?: number;
  advert_int?: number;
  nopreempt?: boolean;
  preempt_delay?: number;
  authentication?: Authentication;
  virtual_ipaddress?: Vip[];
  virtual_ipaddress_excluded?: Vip[];
  unicast_src_ip?: string;
  unicast_peer?: string[];
  mcast_src_ip?: string;
  track_interface?: string[];
  track_script?: string[];
  dont_track_primary?: boolean;
  garp_master_delay?: number;
  version?: number;
}

export interface Checker extends Extra {
  connect_ip?: string;
  connect_port?: number;
  bindto?: string;
  bind_port?: number;
  connect_timeout?: number;
  retry?: number;
  delay_before_retry?: number;
  warmup?: number;
  delay_loop?: number;
  fwmark?: number;
}

export interface Url extends Extra {
  path?: string;
  digest?: string;
  status_code?: string;
  virtualhost?: string;
  regex?: string;
}

export interface HttpChecker extends Checker {
  http_protocol?: string;
  virtualhost?: string;
  enable_sni?: boolean;
  url?: Url[];
}

export interface MiscChecker extends Extra {
  misc_path?: string;
  misc_timeout?: number;
  misc_dynamic?: boolean;
  user?: string;
  retry?: number;
  delay_before_retry?: number;
  warmup?: number;
  delay_loop?: number;
}

export interface RealServer extends Extra {
  ip: string;
  port?: number;
  weight?: number;
  inhibit_on_failure?: boolean;
  uthreshold?: number;
  lthreshold?: number;
  notify_up?: string;
  notify_down?: string;
  TCP_CHECK?: Checker[];
  HTTP_GET?: HttpChecker[];
  SSL_GET?: HttpChecker[];
  MISC_CHECK?: MiscChecker[];
}

export interface VirtualServer extends Extra {
  ip?: string;
  port?: number;
  fwmark?: number;
  delay_loop?: number;
  lb_algo?: string;
  lb_kind?: 'NAT' | 'DR' | 'TUN';
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  persistence_timeout?: number;
  persistence_granularity?: string;
  virtualhost?: string;
  sorry_server?: string;
  quorum?: number;
  hysteresis?: number;
  quorum_up?: string;
  quorum_down?: string;
  alpha?: boolean;
  omega?: boolean;
  ha_suspend?: boolean;
  inhibit_on_failure?: boolean;
  real_servers?: RealServer[];
}

export interface KeepalivedConfig extends Extra {
  global_defs?: GlobalDefs;
  vrrp_scripts?: VrrpScript[];
  vrrp_sync_groups?: SyncGroup[];
  instances?: VrrpInstance[];
  virtual_servers?: VirtualServer[];
}

type Obj = Record<string, unknown>;

// ---- file → model ----------------------------------------------------------

/** The model of a parsed (and include-resolved) file. */
export function fromTree(nodes: ConfNode[]): KeepalivedConfig {
  return readBlock(SPECS.root, nodes) as KeepalivedConfig;
}

function fieldFor(spec: BlockSpec, keyword: string): FieldSpec | undefined {
  return spec.fields.find((f) => f.keyword === keyword || f.aliases?.includes(keyword));
}

function readBlock(spec: BlockSpec, nodes: ConfNode[]): Obj {
  const out: Obj = {};
  const extra: string[] = [];
  for (const node of nodes) {
    const fs = fieldFor(spec, node.words[0]);
    const value = fs ? readValue(fs, node) : undefined;
    if (!fs || value === undefined) {
      extra.push(nodeText(node));
    } else if (fs.kind === 'blocks') {
      ((out[fs.field] ??= []) as unknown[]).push(value);
    } else {
      // keepalived keeps the last of a repeated keyword.
      out[fs.field] = value;
    }
  }
  if (extra.length) out.extra = extra;
  return prune(out);
}

const INT = /^-?\d+$/;
const NUM = /^-?\d+(\.\d+)?$/;
const TRUE = new Set(['true', 'on', 'yes']);
const FALSE = new Set(['false', 'off', 'no']);

/** The value of one statement, or undefined when it does not fit the field (then kept verbatim). */
function readValue(fs: FieldSpec, node: ConfNode): unknown {
  const args = node.words.slice(1);
  const kids = node.children;
  const flatKids = kids?.every((c) => !c.children);
  switch (fs.kind) {
    case 'int':
      return !kids && args.length === 1 && INT.test(args[0]) ? Number(args[0]) : undefined;
    case 'number':
      return !kids && args.length === 1 && NUM.test(args[0]) ? Number(args[0]) : undefined;
    case 'word':
    case 'cmd':
      return !kids && args.length === 1 ? args[0] : undefined;
    case 'args':
      return !kids && args.length >= 1 && args.every((a) => /^\S+$/.test(a)) ? args.join(' ') : undefined;
    case 'flag':
      return !kids && args.length === 0 ? true : undefined;
    case 'bool':
      if (kids || args.length > 1) return undefined;
      if (args.length === 0 || TRUE.has(args[0])) return true;
      return FALSE.has(args[0]) ? false : undefined;
    case 'words':
      return kids && flatKids && args.length === 0 ? kids.flatMap((c) => c.words) : undefined;
    case 'lines':
      return kids && flatKids && args.length === 0 ? kids.map((c) => canonicalLine(c.words)) : undefined;
    case 'vips': {
      if (!kids || !flatKids || args.length) return undefined;
      const vips = kids.map((c) => parseVip(c.words));
      return vips.every((v) => v) ? vips : undefined;
    }
    case 'block':
      return kids && args.length === 0 ? readBlock(fs.block, kids) : undefined;
    case 'blocks': {
      const key = kids && fs.block.key?.parse(args);
      return key ? { ...key, ...readBlock(fs.block, kids!) } : undefined;
    }
  }
}

// ---- params → model --------------------------------------------------------

/** The model of validated params (the config fields of the vrrp task). */
export function fromParams(params: Obj): KeepalivedConfig {
  return paramBlock(SPECS.root, params) as KeepalivedConfig;
}

function paramBlock(spec: BlockSpec, p: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(spec.key?.fields ?? {})) if (p[k] !== undefined) out[k] = p[k];
  for (const fs of spec.fields) {
    const v = p[fs.field];
    if (v !== undefined && v !== null) out[fs.field] = paramValue(fs, v);
  }
  const extra = Array.isArray(p.extra) ? p.extra.flatMap((t) => parseConf(String(t), 'extra').map(nodeText)) : [];
  if (extra.length) out.extra = extra;
  return prune(out);
}

function paramValue(fs: FieldSpec, v: unknown): unknown {
  switch (fs.kind) {
    case 'flag':
      return v === true ? true : undefined;
    case 'args':
      return splitWords(String(v)).join(' ');
    case 'words':
      return (v as unknown[]).flatMap((s) => splitWords(String(s)));
    case 'lines':
      return (v as unknown[]).map((s) => canonicalLine(splitWords(String(s))));
    case 'vips':
      return (v as unknown[]).map((s) => vipFromParam(s) ?? s);
    case 'block':
      return paramBlock(fs.block, v as Obj);
    case 'blocks':
      return (v as Obj[]).map((item) => paramBlock(fs.block, item));
    default:
      return v;
  }
}

/** Drop undefined values, empty lists and empty sub-objects. */
function prune(o: Obj): Obj {
  for (const [k, v] of Object.entries(o)) {
    const empty =
      v === undefined ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
    if (empty) delete o[k];
  }
  return o;
}
