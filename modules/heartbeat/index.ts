// heartbeat: converges Linux-HA heartbeat 3 (no pacemaker) — ha.cf, authkeys
// and haresources compared field by field with what the host has (comments
// and layout do not count), rewritten canonically only when they differ,
// resource scripts in resource.d/, and the daemon: started, reloaded when
// ha.cf or authkeys change (`heartbeat -r`, which refuses files heartbeat
// cannot read, then verified with `cl_status`), restarted when haresources
// changes (reload does not read it), or stopped.
//
//   - name: heartbeat owns the VIP and starts ldirectord (seed 004)
//     heartbeat:
//       ha_cf:
//         logfile: /var/log/ha-log
//         logfacility: local0
//         keepalive: 2
//         deadtime: 10
//         initdead: 20
//         ucast: [ { dev: eth0, peer: "{{ hb_peer }}" } ]   # the other node, per host
//         auto_failback: on
//         node: [ centos6-ocfs2-1, centos6-ocfs2-2 ]
//         crm: off
//       authkeys: { method: sha1, key: "{{ hb_key }}" }
//       resources:
//         - { node: centos6-ocfs2-1, resources: [ startvip, ldirectord ] }
//       resource_scripts:
//         startvip: "{{ lookup('file', 'startvip') }}"

import { defineModule, runFactsQuery } from '../../core/module.js';
import { applyHeartbeat, gatherHeartbeatFacts, rollbackHeartbeat } from './apply.js';
import { heartbeatFactsQuery, type HeartbeatFacts } from './facts.js';
import { checkHeartbeatParams, heartbeatParams, type HeartbeatParams } from './params.js';
import { planHeartbeat } from './plan.js';
import { heartbeatHaGroups, heartbeatHaKeys } from './ha-group.js';
import { heartbeatAdopt } from './adopt.js';

export const EXAMPLE = `- name: heartbeat owns the VIP and starts ldirectord
  heartbeat:
    ha_cf:
      logfile: /var/log/ha-log
      logfacility: local0
      keepalive: 2
      deadtime: 10
      initdead: 20
      ucast: [ { dev: eth0, peer: "{{ hb_peer }}" } ]
      auto_failback: on
      node: [ centos6-ocfs2-1, centos6-ocfs2-2 ]
      crm: off
    authkeys: { method: sha1, key: "{{ hb_key }}" }
    resources:
      - { node: centos6-ocfs2-1, resources: [ startvip, ldirectord ] }
    resource_scripts:
      startvip: "{{ lookup('file', 'startvip') }}"
`;

export default defineModule<HeartbeatParams, HeartbeatFacts>({
  name: 'heartbeat',
  summary: 'heartbeat ha.cf, authkeys and haresources diffed per field (key masked), resource scripts, reload checked by heartbeat -r and cl_status',
  params: heartbeatParams,
  rules: checkHeartbeatParams,
  supports: { check: true, diff: true, rollback: true },
  adopt: heartbeatAdopt,
  factsQuery: (ctx, p) => heartbeatFactsQuery(ctx.host, { path: p.path, scripts: Object.keys(p.resource_scripts ?? {}) }),
  haFacts: (ctx, p) => runFactsQuery(ctx, heartbeatFactsQuery(ctx.host, { path: p.path, scripts: Object.keys(p.resource_scripts ?? {}), groups: true })),
  facts: (ctx, p) => gatherHeartbeatFacts(ctx, p),
  plan: (p, f, ctx) => planHeartbeat(p, f, ctx.host),
  apply: (ctx, p, plan, f) => applyHeartbeat(ctx, p, plan, f),
  rollback: (ctx, p, snapshot, applied) => rollbackHeartbeat(ctx, p, snapshot, applied),
  haGroup: (p, f, host) => heartbeatHaGroups(p, f, host),
  haKeys: (p) => heartbeatHaKeys(p),
  example: EXAMPLE,
});
