// vrrp: converges keepalived — keepalived.conf (VRRP instances, scripts, sync
// groups, LVS virtual servers) compared field by field with what the host has,
// rewritten only when it differs, checked by `keepalived -t` before it replaces
// anything, and keepalived reloaded (SIGHUP, verified) or started to match.
//
//   - name: directors share the VIP
//     vrrp:
//       global_defs: { router_id: "{{ inventory_hostname }}" }
//       instances:
//         - name: VI_1
//           state: "{{ vrrp_state }}"          # MASTER / BACKUP from inventory
//           interface: eth0
//           virtual_router_id: 51
//           priority: "{{ vrrp_priority }}"    # 100 / 50
//           advert_int: 1
//           authentication: { auth_type: PASS, auth_pass: "{{ vrrp_pass }}" }
//           virtual_ipaddress: [ 198.18.0.100/32 dev eth0 label eth0:0 ]
//       virtual_servers:
//         - { ip: 198.18.0.100, port: 80, delay_loop: 3, lb_algo: rr, lb_kind: DR, protocol: TCP,
//             real_servers: [ { ip: 198.18.0.13, port: 80, weight: 1, TCP_CHECK: { connect_timeout: 3 } } ] }

import { defineModule } from '../../core/module.js';
import { vrrpAdopt } from './adopt.js';
import { applyVrrp, rollbackVrrp } from './apply.js';
import { gatherFacts, vrrpFactsQuery, type VrrpFacts } from './facts.js';
import { vrrpHaGroups, vrrpHaKeys } from './ha-group.js';
import { planVrrp, type ServiceParams } from './plan.js';
import { checkParams } from './rules.js';
import { params } from './schema.js';
import { unmanagedKeepalived } from './unmanaged.js';

export type VrrpParams = ServiceParams & Record<string, unknown>;

export const EXAMPLE = `- name: directors share the VIP
  vrrp:
    instances:
      - name: VI_1
        state: MASTER
        interface: eth0
        virtual_router_id: 51
        priority: 100
        advert_int: 1
        authentication: { auth_type: PASS, auth_pass: "s3cret" }
        virtual_ipaddress: [ "198.18.0.100/32 dev eth0 label eth0:0" ]
    virtual_servers:
      - ip: 198.18.0.100
        port: 80
        lb_algo: rr
        lb_kind: DR
        protocol: TCP
        real_servers:
          - { ip: 198.18.0.13, port: 80, TCP_CHECK: { connect_timeout: 3 } }
`;

export const vrrp = defineModule<VrrpParams, VrrpFacts>({
  name: 'vrrp',
  summary: 'keepalived VRRP instances and LVS virtual servers: keepalived.conf diffed per field, validated with keepalived -t, reloaded safely',
  params,
  rules: checkParams,
  supports: { check: true, diff: true, rollback: true },
  factsQuery: (ctx, p) => vrrpFactsQuery(ctx.host, { path: p.path, service: p.service, pidFile: p.pid_file }),
  facts: (ctx, p) => gatherFacts(ctx, { path: p.path, service: p.service, pidFile: p.pid_file }),
  plan: (p, f) => planVrrp(p, f),
  apply: (ctx, p, plan, f) => applyVrrp(ctx, p, plan, f),
  rollback: (ctx, p, snapshot, applied) => rollbackVrrp(ctx, p, snapshot, applied),
  haGroup: (p, f) => vrrpHaGroups(p, f),
  haKeys: (p) => vrrpHaKeys(p),
  adopt: vrrpAdopt,
  unmanaged: unmanagedKeepalived,
  example: EXAMPLE,
});

export default vrrp;
