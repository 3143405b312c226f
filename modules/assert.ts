// assert: fails the host when a condition does not hold (a guard before
// changing anything: the VIP is in the right subnet, a fact looks sane).
// Conditions are Jinja-style expressions, as in `when`.
//
//   - assert:
//       that:
//         - vrrp_priority | int > 0
//         - vip is defined
//       fail_msg: "set vrrp_priority and vip for {{ inventory_hostname }}"

import { defineModule } from '../core/module.js';

export interface AssertParams {
  that: string[];
  fail_msg?: string;
  success_msg?: string;
  quiet: boolean;
}

/** The template that turns a condition into "true"/"false" through ctx.render. */
export function conditionTemplate(cond: string): string {
  return `{% if ${cond} %}true{% else %}false{% endif %}`;
}

export default defineModule<AssertParams>({
  name: 'assert',
  summary: 'Fail unless every condition holds',
  params: {
    that: {
      type: 'list',
      single: true,
      required: true,
      items: { type: 'string' },
      description: 'conditions (expressions without {{ }}), all must be true',
    },
    fail_msg: { type: 'string', aliases: ['msg'], description: 'message when a condition is false' },
    success_msg: { type: 'string', description: 'message when all hold' },
    quiet: { type: 'bool', default: false, description: 'no message on success' },
  },
  rules: (p) => (Array.isArray(p.that) && p.that.length === 0 ? [['that', 'give at least one condition']] : []),
  supports: { check: true, diff: false, rollback: false },
  example: `- assert:
    that: [ "vip is defined", "priority | int > 0" ]`,

  action(ctx, p) {
    for (const cond of p.that) {
      const holds = ctx.render(conditionTemplate(cond)).trim() === 'true';
      if (!holds) {
        return { failed: true, msg: p.fail_msg ?? `Assertion failed: ${cond}`, data: { assertion: cond, evaluated_to: false } };
      }
    }
    return { changed: false, msg: p.quiet ? undefined : (p.success_msg ?? 'All assertions passed') };
  },
});
