// The adopt hooks' way to reach drift 0 on choices the facts do not name
// directly (persist here or not): of the candidate params, the first one the
// module's own plan finds nothing to change for.

import { validateFields } from '../../../core/schema/validate.js';
import type { Fields, ObjectSpec } from '../../../core/schema/types.js';
import type { Plan } from '../../../core/module.js';

export function firstQuiet<P, F>(
  schema: { params: Fields; rules?: ObjectSpec['check'] },
  plan: (p: P, facts: F) => Plan,
  facts: F,
  candidates: Array<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  for (const c of candidates) {
    const v = validateFields(schema.params, c, '', {}, schema.rules);
    if (v.problems.length) continue;
    try {
      if (plan(v.value as P, facts).changes.length === 0) return c;
    } catch {
      // a candidate the module refuses on this host is not the one
    }
  }
  return undefined;
}
