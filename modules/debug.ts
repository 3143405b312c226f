// debug: prints a message or a variable's value under the task; changes
// nothing, runs in check mode too.
//
//   - debug: { msg: "VIP {{ vip }} on {{ inventory_hostname }}" }
//   - debug: { var: ipvs.stdout_lines }

import { defineModule } from '../core/module.js';
import { TemplateError } from '../core/errors.js';

export interface DebugParams {
  msg?: unknown;
  var?: string;
  verbosity: number;
}

/** `a.b[0].c` looked up in the vars; undefined when a step is missing. */
export function lookupPath(vars: Readonly<Record<string, unknown>>, path: string): { found: boolean; value?: unknown } {
  const steps = path.match(/[^.[\]]+|\[\d+\]/g);
  if (!steps || !/^[A-Za-z_][\w.]*(\[\d+\][\w.]*)*$/.test(path)) return { found: false };
  let cur: unknown = vars;
  for (const s of steps) {
    const key = s.startsWith('[') ? Number(s.slice(1, -1)) : s;
    if (cur === null || typeof cur !== 'object' || !(key in (cur as object))) return { found: false };
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return { found: true, value: cur };
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

export default defineModule<DebugParams>({
  name: 'debug',
  summary: 'Print a message or the value of a variable',
  params: {
    msg: { type: 'any', description: 'text (or any value) to print' },
    var: { type: 'string', description: 'name of a variable to print (dotted path or an expression)' },
    verbosity: { type: 'int', default: 0, min: 0, max: 4, description: 'accepted for Ansible compatibility; always printed' },
  },
  rules: (p) => (p.msg !== undefined && p.var !== undefined ? [['', 'give msg or var, not both']] : []),
  supports: { check: true, diff: false, rollback: false },
  example: `- debug: { msg: "{{ inventory_hostname }} is {{ role }}" }
- debug: { var: keepalived_conf.changed }`,

  action(ctx, p) {
    if (p.var === undefined) {
      const msg = p.msg ?? 'Hello world!';
      return { changed: false, msg: show(msg), data: { msg } };
    }
    const hit = lookupPath(ctx.vars, p.var);
    let value: unknown;
    if (hit.found) value = hit.value;
    else {
      try {
        value = ctx.render(`{{ ${p.var} }}`);
      } catch (e) {
        // As Ansible: not a failure (a registered result in check mode has no stdout).
        if (e instanceof TemplateError) return { changed: false, msg: `${p.var}: VARIABLE IS NOT DEFINED!`, data: { [p.var]: 'VARIABLE IS NOT DEFINED!' } };
        throw e;
      }
    }
    return { changed: false, msg: `${p.var}: ${show(value)}`, data: { [p.var]: value } };
  },
});
