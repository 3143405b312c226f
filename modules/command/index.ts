// command: runs one program on the host, without a shell: the line is split
// into words like sh would (quotes, backslashes) and every word reaches the
// host quoted. As in Ansible, $NAME/${NAME} of the host's environment and a
// leading ~ are expanded in each word (expand.ts); globs, pipes, redirections
// and command substitution are not. Not idempotent by itself: check mode says
// "unknown" unless `creates`/`removes` decide.
//
//   - name: build the index once
//     command: /usr/local/bin/mkindex --out /srv/index.db
//     args:
//       creates: /srv/index.db

import { defineModule, runFactsQuery } from '../../core/module.js';
import { applyRun, planRun, runFields, runQuery, takeInline, type RunFacts, type RunParams } from '../lib/command-run.js';
import { commandLine } from './expand.js';
import { splitWords, SplitError } from './split.js';

export interface CommandParams extends RunParams {
  /** The program and its arguments as a list (no splitting, no inline creates=). */
  argv?: string[];
}

const resolve = (p: CommandParams) => (p.argv ? { params: p, rest: p.argv } : takeInline(p, splitWords(p.cmd)));

export default defineModule<CommandParams, RunFacts>({
  name: 'command',
  summary: 'Run a program (no shell: no pipes, redirections or variables)',
  params: {
    ...runFields,
    cmd: { ...runFields.cmd, required: false },
    argv: { type: 'list', items: { type: 'string' }, description: 'the program and its arguments, one item each (instead of cmd)' },
  },
  freeForm: 'cmd',
  rules: (p) => {
    if ((p.cmd === undefined) === (p.argv === undefined)) return [['', p.cmd === undefined ? 'give the command: cmd (or the module value) or argv' : 'give cmd or argv, not both']];
    if (Array.isArray(p.argv)) return p.argv.length === 0 ? [['argv', 'the command is empty']] : [];
    if (typeof p.cmd !== 'string') return [];
    try {
      if (takeInline(p as unknown as RunParams, splitWords(p.cmd)).rest.length === 0) return [['cmd', 'the command is empty']];
    } catch (e) {
      if (e instanceof SplitError) return [['cmd', e.message]];
      throw e;
    }
    return [];
  },
  supports: { check: true, diff: false, rollback: false, idempotent: false },
  // A command that hangs is stopped after an hour; `timeout:` on the task sets its own limit.
  timeout: 3600,
  example: `- command: ipvsadm -Sn
  register: ipvs
- command: tar xf /tmp/site.tar -C /srv
  args: { creates: /srv/site }
- command: tar xf /tmp/site.tar -C /srv creates=/srv/site`,

  factsQuery: (ctx, p) => runQuery(ctx.host, resolve(p).params),
  facts: (ctx, p) => runFactsQuery(ctx, runQuery(ctx.host, resolve(p).params)),
  plan(p, facts) {
    const r = resolve(p);
    return planRun(r.params, facts, commandLine(r.rest));
  },
  apply(ctx, p, plan) {
    const r = resolve(p);
    return applyRun(ctx, r.params, plan, r.rest);
  },
});
