// rsyncd: converges an rsync daemon — rsyncd.conf value by value (globals and
// [modules], comments and unknown keys of the host's file kept), checked by
// rsync itself before it replaces anything; the secrets file (mode 0600,
// compared by hash, never shown); missing module paths; start at boot through
// Debian's /etc/default/rsync; and the daemon (`rsync --daemon --config=FILE`),
// restarted only when a setting it reads at start changes.
//
//   - name: seed 000's [html] module on a real server, pushed to by rl1 only
//     rsyncd:
//       address: 192.168.1.12
//       uid: root
//       gid: root
//       use_chroot: true
//       max_connections: 5
//       timeout: 300
//       log_file: /var/log/rsync.log
//       pid_file: /var/run/rsync.pid
//       modules:
//         html:
//           path: /var/www/html
//           read_only: false
//           list: true
//           ignore_errors: true
//           hosts_allow: 192.168.1.11
//           hosts_deny: "*"
//       enabled: true

import { defineModule } from '../../core/module.js';
import { rsyncdAdopt } from './adopt.js';
import { applyRsyncd, rollbackRsyncd } from './apply.js';
import { gatherRsyncdFacts, rsyncdFactsQuery, type RsyncdFacts } from './facts.js';
import { checkRsyncdParams, rsyncdParams, type RsyncdParams } from './params.js';
import { planRsyncd } from './plan.js';

export const EXAMPLE = `- name: seed 000's [html] module on a real server, pushed to by rl1 only
  rsyncd:
    address: 192.168.1.12
    uid: root
    gid: root
    use_chroot: true
    max_connections: 5
    timeout: 300
    log_file: /var/log/rsync.log
    pid_file: /var/run/rsync.pid
    modules:
      html:
        path: /var/www/html
        read_only: false
        list: true
        ignore_errors: true
        hosts_allow: 192.168.1.11
        hosts_deny: "*"
    enabled: true
`;

export default defineModule<RsyncdParams, RsyncdFacts>({
  name: 'rsyncd',
  summary: 'rsync daemon: rsyncd.conf per value (checked by rsync), secrets file, module paths, boot switch, daemon restarted only when needed',
  params: rsyncdParams,
  rules: checkRsyncdParams,
  supports: { check: true, diff: true, rollback: true },
  factsQuery: (ctx, p) => rsyncdFactsQuery(ctx.host, p),
  facts: (ctx, p) => gatherRsyncdFacts(ctx, p),
  plan: (p, f) => planRsyncd(p, f),
  apply: (ctx, p, plan, f) => applyRsyncd(ctx, p, plan, f),
  rollback: (ctx, p, snapshot, applied) => rollbackRsyncd(ctx, p, snapshot, applied),
  example: EXAMPLE,
  adopt: rsyncdAdopt,
});
