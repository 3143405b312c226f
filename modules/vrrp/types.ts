// The typed model of keepalived.conf: what rb reads from a host and what the
// params of a vrrp task describe. Field names are keepalived's keywords; lists
// of named blocks (`instances`, `real_servers`) carry their identity as fields.

import type { Vip } from './values.js';

export type { Vip } from './values.js';

export interface Extra {
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
  vrrp_mcast_group4?: string;
  vrrp_mcast_group6?: string;
  vrrp_garp_master_delay?: number;
  vrrp_garp_master_repeat?: number;
  vrrp_garp_master_refresh?: number;
  vrrp_garp_master_refresh_repeat?: number;
  vrrp_garp_lower_prio_delay?: number;
  vrrp_garp_lower_prio_repeat?: number;
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
  garp_master_repeat?: number;
  garp_master_refresh?: number;
  garp_master_refresh_repeat?: number;
  garp_lower_prio_delay?: number;
  garp_lower_prio_repeat?: number;
  use_vmac?: boolean;
  vmac_xmit_base?: boolean;
  virtual_routes?: string[];
  virtual_rules?: string[];
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
  SMTP_CHECK?: Array<Checker & { helo_name?: string }>;
  PING_CHECK?: Checker[];
  UDP_CHECK?: Array<Checker & { require_reply?: string; payload?: string }>;
}

export interface VirtualServer extends Extra {
  ip?: string;
  /** `virtual_server group NAME`: the service is a virtual_server_group. */
  group?: string;
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
  virtual_server_groups?: Array<{ name: string; entries?: string[] } & Extra>;
  virtual_servers?: VirtualServer[];
  static_ipaddress?: Vip[];
  static_routes?: string[];
  static_rules?: string[];
}
