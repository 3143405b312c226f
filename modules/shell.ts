// shell: runs a command line through `sh -c` on the host, so pipes,
// redirections and variables work. Not idempotent by itself: check mode says
// "unknown" unless `creates`/`removes` decide.
//
//   - name: seed the web root once
//     shell: echo "$(hostname)" > /var/www/html/index.html
//     args:
//       creates: /var/www/html/index.html

import { defineModule } from '../core/module.js';
import { argv } from '../core/transport/shell.js';
import { applyRun, planRun, runFacts, runFields, type RunFacts, type RunParams } from './command/run.js';

export interface ShellParams extends RunParams {
  executable: string;
}

const line = (p: ShellParams) => argv([p.executable, '-c', p.cmd]);

export default defineModule<ShellParams, RunFacts>({
  name: 'shell',
  summary: 'Run a command line through a shell (sh -c)',
  params: {
    ...runFields,
    executable: { type: 'string', default: '/bin/sh', description: 'the shell that runs the line' },
  },
  freeForm: 'cmd',
  rules: (p) => (typeof p.cmd === 'string' && p.cmd.trim() === '' ? [['cmd', 'the command is empty']] : []),
  supports: { check: true, diff: false, rollback: false },
  example: `- shell: ipvsadm -Ln | grep -c Route
  register: routes
  changed_when: false`,

  facts: runFacts,
  plan: (p, facts) => planRun(p, facts, line(p)),
  apply: (ctx, p, plan) => applyRun(ctx, p, plan, p.cmd),
});
