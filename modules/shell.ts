// shell: runs a command line through `sh -c` on the host, so pipes,
// redirections and variables work. Not idempotent by itself: check mode says
// "unknown" unless `creates`/`removes` decide.
//
//   - name: seed the web root once
//     shell: echo "$(hostname)" > /var/www/html/index.html
//     args:
//       creates: /var/www/html/index.html

import { defineModule, runFactsQuery } from '../core/module.js';
import { argv } from '../core/transport/shell.js';
import { applyRun, planRun, runFields, runQuery, takeInlineTail, type RunFacts, type RunParams } from './lib/command-run.js';

export interface ShellParams extends RunParams {
  executable: string;
}

const resolve = (p: ShellParams) => {
  const r = takeInlineTail(p);
  return { params: r.params as ShellParams, line: argv([p.executable, '-c', r.line]) };
};

export default defineModule<ShellParams, RunFacts>({
  name: 'shell',
  summary: 'Run a command line through a shell (sh -c)',
  params: {
    ...runFields,
    executable: { type: 'string', default: '/bin/sh', description: 'the shell that runs the line' },
  },
  freeForm: 'cmd',
  rules: (p) => (typeof p.cmd === 'string' && p.cmd.trim() === '' ? [['cmd', 'the command is empty']] : []),
  supports: { check: true, diff: false, rollback: false, idempotent: false },
  // A command that hangs is stopped after an hour; `timeout:` on the task sets its own limit.
  timeout: 3600,
  example: `- shell: ipvsadm -Ln | grep -c Route
  register: routes
  changed_when: false`,

  factsQuery: (ctx, p) => runQuery(ctx.host, resolve(p).params),
  facts: (ctx, p) => runFactsQuery(ctx, runQuery(ctx.host, resolve(p).params)),
  plan(p, facts) {
    const r = resolve(p);
    return planRun(r.params, facts, r.line);
  },
  apply: (ctx, p, plan) => applyRun(ctx, resolve(p).params, plan, takeInlineTail(p).line),
});
