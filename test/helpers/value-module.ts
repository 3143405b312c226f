// A small module for engine tests on this machine (ansible_connection: local, a
// real sh): one file holding one value. Its facts are one `cat` (so execs can be
// counted), its apply one `printf`. And a reporter that prints nothing.

import type { Reporter } from '../../core/engine/types.js';
import { ModuleError } from '../../core/errors.js';
import { defineModule, noop, runFactsQuery, type FactsQuery } from '../../core/module.js';
import { sh } from '../../core/transport/shell.js';

export interface ValueParams {
  path: string;
  want: string;
}

/** The file's value, or null when there is no file. */
export const valueQuery = (p: ValueParams): FactsQuery<{ value: string | null }> => ({
  command: sh`if [ -f ${p.path} ]; then cat ${p.path}; else echo '@absent'; fi`,
  parse(r) {
    if (r.stdout.startsWith('@unreadable')) throw new ModuleError(`${p.path}: unreadable`);
    return { value: r.stdout === '@absent\n' ? null : r.stdout };
  },
});

export const valueModule = defineModule<ValueParams, { value: string | null }>({
  name: 'value',
  summary: 'a file holding one value (test module)',
  params: { path: { type: 'string', required: true }, want: { type: 'string', required: true } },
  supports: { check: true, diff: true, rollback: false },
  factsQuery: (_ctx, p) => valueQuery(p),
  facts: (ctx, p) => runFactsQuery(ctx, valueQuery(p)),
  plan: (p, f) => (f.value === p.want ? noop(`${p.path} is ${p.want}`) : { changes: [{ kind: 'set-value', resource: p.path, before: f.value ?? undefined, after: p.want }] }),
  async apply(ctx, p) {
    await ctx.run(sh`printf %s ${p.want} > ${p.path}`);
  },
});

export const silent: Reporter = { playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn() {}, runEnd() {} };
