// set_fact: sets variables on the host for the rest of the run (on the
// controller; the host is not touched).
//
//   - set_fact:
//       vrrp_state: "{{ 'MASTER' if inventory_hostname == groups.directors[0] else 'BACKUP' }}"

import { defineModule } from '../core/module.js';
import type { Fields, ParamSpec } from '../core/schema/types.js';

export type SetFactParams = Record<string, unknown> & { cacheable?: boolean };

const declared: Fields = {
  cacheable: { type: 'bool', default: false, description: 'accepted for Ansible compatibility; facts last for the run' },
};
const anyValue: ParamSpec = { type: 'any', description: 'a variable to set' };

/**
 * The schema validator only knows fixed fields. Every other key is a variable
 * name, so the field table answers `any` for any key asked by name, while
 * listing only `cacheable` (for docs and defaults).
 */
const params: Fields = new Proxy(declared, {
  get: (target, key) => (typeof key !== 'string' ? undefined : Object.hasOwn(target, key) ? target[key] : anyValue),
});

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export default defineModule<SetFactParams>({
  name: 'set_fact',
  summary: 'Set host variables (any keys: name → value) for the rest of the run',
  params,
  rules: (p) => {
    const out: Array<[string, string]> = [];
    const names = Object.keys(p).filter((k) => k !== 'cacheable');
    if (names.length === 0) out.push(['', 'give at least one variable to set']);
    for (const n of names) if (!NAME.test(n)) out.push([n, 'not a valid variable name (letters, digits, _; not starting with a digit)']);
    return out;
  },
  supports: { check: true, diff: false, rollback: false },
  definesVars: (args) => Object.keys(args).filter((k) => k !== 'cacheable'),
  example: `- set_fact: { vrrp_priority: 100, vrrp_state: MASTER }`,

  action(_ctx, p) {
    const { cacheable: _ignored, ...facts } = p;
    return { changed: false, facts, data: { ansible_facts: facts } };
  },
});
