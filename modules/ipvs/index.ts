// ipvs: converges the IPVS table (LVS virtual services and their real
// servers) live with ipvsadm and in the saved rules file restored at boot,
// changing only what differs and in an order that keeps traffic flowing:
// additions first, scheduler and weight changes in place (-E/-e), removals
// last, optionally draining a leaving real server at weight 0 first. Loads
// ip_vs and the scheduler modules when missing; refuses services keepalived or
// ldirectord on the host also manage (force: true overrides).
//
//   - name: seed 003's director, FTP over LVS-DR, weighted 3:1
//     ipvs:
//       services:
//         - protocol: tcp
//           address: 10.83.33.100
//           port: 21
//           scheduler: wrr
//           real_servers:
//             - { address: 10.83.33.76, forward: gate, weight: 3 }
//             - { address: 10.83.33.2, forward: gate, weight: 1 }
//       drain: 30

import { defineModule } from '../../core/module.js';
import { applyIpvs, gatherIpvsFacts, rollbackIpvs } from './apply.js';
import type { IpvsFacts } from './facts.js';
import { checkIpvsParams, ipvsParams, type IpvsParams } from './params.js';
import { planIpvs } from './plan.js';
import { unmanagedServices } from './unmanaged.js';
import { ipvsAdopt } from './adopt.js';

export const EXAMPLE = `- name: seed 003's director, FTP over LVS-DR, weighted 3:1
  ipvs:
    services:
      - protocol: tcp
        address: 10.83.33.100
        port: 21
        scheduler: wrr
        real_servers:
          - { address: 10.83.33.76, forward: gate, weight: 3 }
          - { address: 10.83.33.2, forward: gate, weight: 1 }
    drain: 30
`;

export default defineModule<IpvsParams, IpvsFacts>({
  name: 'ipvs',
  summary: 'LVS virtual services and real servers: minimal ipvsadm edits that keep traffic flowing, saved for boot',
  params: ipvsParams,
  rules: checkIpvsParams,
  supports: { check: true, diff: true, rollback: true },
  facts: (ctx, p) => gatherIpvsFacts(ctx, p),
  plan: (p, f) => planIpvs(p, f),
  unmanaged: unmanagedServices,
  adopt: ipvsAdopt,
  apply: (ctx, p, plan) => applyIpvs(ctx, p, plan),
  rollback: (ctx, p, snapshot, applied) => rollbackIpvs(ctx, p, snapshot, applied),
  example: EXAMPLE,
});
