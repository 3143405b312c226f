// ldirectord: converges ldirectord.cf (globals and virtual sections) value by
// value, keeping the file's comments and layout, checked by ldirectord itself
// before it replaces anything; then the daemon: started by rb (managed_by: rb)
// or left to heartbeat's haresources (managed_by: heartbeat, seed 004) and only
// reloaded when it runs; and the IPVS table verified against the file.
//
//   - name: seed 004's ldirectord.cf
//     ldirectord:
//       managed_by: heartbeat
//       checktimeout: 3
//       checkinterval: 1
//       logfile: /var/log/ldirectord.log
//       autoreload: true
//       quiescent: false
//       virtuals:
//         - virtual: 192.168.57.200:80
//           real: [ "192.168.57.101:80 gate", "192.168.57.102:80 gate" ]
//           fallback: 127.0.0.1:80 gate
//           service: http
//           request: healthcheck.html
//           receive: OK
//           scheduler: rr
//           protocol: tcp
//           checktype: negotiate
//           checkport: 80

import { defineModule } from '../../core/module.js';
import { applyLdirectord, rollbackLdirectord } from './apply.js';
import { gatherLdirectordFacts, type LdirectordFacts } from './facts.js';
import { checkLdirectordParams, ldirectordParams } from './params.js';
import { planLdirectord, type LdParams } from './plan.js';
import { ldirectordAdopt } from './adopt.js';

export const EXAMPLE = `- name: seed 004's ldirectord.cf
  ldirectord:
    managed_by: heartbeat
    checktimeout: 3
    checkinterval: 1
    logfile: /var/log/ldirectord.log
    autoreload: true
    quiescent: false
    virtuals:
      - virtual: 192.168.57.200:80
        real: [ "192.168.57.101:80 gate", "192.168.57.102:80 gate" ]
        fallback: 127.0.0.1:80 gate
        service: http
        request: healthcheck.html
        receive: OK
        scheduler: rr
        protocol: tcp
        checktype: negotiate
        checkport: 80
`;

export default defineModule<LdParams, LdirectordFacts>({
  name: 'ldirectord',
  summary: 'ldirectord.cf edited value by value (comments kept), checked by ldirectord, reloaded or started, IPVS table verified',
  params: ldirectordParams,
  rules: checkLdirectordParams,
  supports: { check: true, diff: true, rollback: true },
  adopt: ldirectordAdopt,
  facts: (ctx, p) => gatherLdirectordFacts(ctx, p.path),
  plan: (p, f) => planLdirectord(p, f),
  apply: (ctx, p, plan, f) => applyLdirectord(ctx, p, plan, f),
  rollback: (ctx, p, snapshot, applied) => rollbackLdirectord(ctx, p, snapshot, applied),
  example: EXAMPLE,
});
