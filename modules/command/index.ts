// command: runs one program on the host, without a shell: the line is split
// into words like sh would (quotes, backslashes) but nothing is expanded, and
// every word reaches the host quoted. Not idempotent by itself: check mode says
// "unknown" unless `creates`/`removes` decide.
//
//   - name: build the index once
//     command: /usr/local/bin/mkindex --out /srv/index.db
//     args:
//       creates: /srv/index.db

import { defineModule } from '../../core/module.js';
import { argv } from '../../core/transport/shell.js';
import { applyRun, planRun, runFacts, runFields, type RunFacts, type RunParams } from './run.js';
import { splitWords, SplitError } from './split.js';

export default defineModule<RunParams, RunFacts>({
  name: 'command',
  summary: 'Run a program (no shell: no pipes, redirections or variables)',
  params: runFields,
  freeForm: 'cmd',
  rules: (p) => {
    if (typeof p.cmd !== 'string') return [];
    try {
      if (splitWords(p.cmd).length === 0) return [['cmd', 'the command is empty']];
    } catch (e) {
      if (e instanceof SplitError) return [['cmd', e.message]];
      throw e;
    }
    return [];
  },
  supports: { check: true, diff: false, rollback: false },
  example: `- command: ipvsadm -Sn
  register: ipvs
- command: tar xf /tmp/site.tar -C /srv
  args: { creates: /srv/site }`,

  facts: runFacts,
  plan: (p, facts) => planRun(p, facts, argv(splitWords(p.cmd))),
  apply: (ctx, p, plan) => applyRun(ctx, p, plan, splitWords(p.cmd)),
});
