// A small registry of real (if tiny) modules for engine unit tests: they run
// nothing on hosts, so the loader and validation can be tested without a lab.

import { defineModule, type ModuleDef, type ModuleRegistry } from '../../core/module.js';

const kv = defineModule<{ name: string; value: number; state: string }>({
  name: 'kv',
  summary: 'test module with an int param',
  params: {
    name: { type: 'string', required: true },
    value: { type: 'int', min: 0, max: 255 },
    state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
  },
  supports: { check: true, diff: true, rollback: false },
  facts: async () => ({}),
  plan: () => ({ changes: [] }),
  apply: async () => {},
});

const say = defineModule<{ msg: string }>({
  name: 'say',
  summary: 'free-form test module',
  freeForm: 'msg',
  params: { msg: { type: 'string', required: true } },
  supports: { check: true, diff: false, rollback: false },
  action: (_ctx, p) => ({ msg: p.msg }),
});

export const testRegistry: ModuleRegistry = new Map<string, ModuleDef>([
  ['kv', kv],
  ['say', say],
]);
