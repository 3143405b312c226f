// sersync: converges realtime push of a directory to rsync daemons, as
// sersync does in seed 000 (rl1's /var/www/html pushed to rl2, rl3 and a
// backup host on every change). sersync is not packaged by Debian (nor most
// distributions); lsyncd is, and is the same machine: inotify events batched
// into rsync runs against `ip::module` targets. So `engine: auto` runs
// sersync2 when it is installed (confxml.xml, `sersync2 -d -r -o FILE`) and
// lsyncd otherwise (lsyncd.conf.lua with one `sync{default.rsync, ...}` per
// remote), from the same params.
//
//   - name: seed 000's sersync on rl1
//     sersync:
//       watch: /var/www/html
//       remotes:
//         - { ip: 192.168.1.12, module: html }
//         - { ip: 192.168.1.13, module: html }
//         - { ip: 192.168.1.14, module: backup }
//       delete: true
//       rsync_options: -artuz

import { defineModule } from '../../core/module.js';
import { sersyncAdopt } from './adopt.js';
import { applySersync, rollbackSersync } from './apply.js';
import { gatherSersyncFacts, sersyncFactsQuery, type SersyncFacts } from './facts.js';
import { checkSersyncParams, sersyncParams, type SersyncParams } from './params.js';
import { planSersync } from './plan.js';

export const EXAMPLE = `- name: seed 000's sersync on rl1
  sersync:
    watch: /var/www/html
    remotes:
      - { ip: 192.168.1.12, module: html }
      - { ip: 192.168.1.13, module: html }
      - { ip: 192.168.1.14, module: backup }
    delete: true
    rsync_options: -artuz
`;

export default defineModule<SersyncParams, SersyncFacts>({
  name: 'sersync',
  summary: 'realtime push of a directory to rsync daemons: sersync2 when installed, else lsyncd, from one confxml-like model',
  params: sersyncParams,
  rules: checkSersyncParams,
  supports: { check: true, diff: true, rollback: true },
  factsQuery: (ctx, p) => sersyncFactsQuery(ctx.host, p),
  facts: (ctx, p) => gatherSersyncFacts(ctx, p),
  plan: (p, f) => planSersync(p, f),
  apply: (ctx, p, plan, f) => applySersync(ctx, p, plan, f),
  rollback: (ctx, p, snapshot, applied) => rollbackSersync(ctx, p, snapshot, applied),
  example: EXAMPLE,
  adopt: sersyncAdopt,
});
