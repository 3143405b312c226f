// The table-driven module tests: one mocha test per test/modules/<module>/<case>.yaml,
// run by the same case runner sites use for their own modules (core/testing:
// the case format is documented there).

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ModuleDef } from '../../core/module.js';
import { caseArgs, checkModuleCase, loadModuleCase, type ModuleCase } from '../../core/testing/fixture-cases.js';
import { modules } from '../../modules/index.js';

// Tests reach modules directly (not through a playbook): every one imported.
await modules.loadAll();

const ROOT = join(import.meta.dirname, '..', 'modules');

export function fixtureArgs(def: ModuleDef, params: unknown): unknown {
  return caseArgs(def, params);
}

/** Every fixture directory, with its case files (top level *.yaml only). */
export function fixtureDirs(): Array<{ module: string; cases: string[] }> {
  return readdirSync(ROOT)
    .filter((d) => statSync(join(ROOT, d)).isDirectory())
    .sort()
    .map((module) => ({ module, cases: readdirSync(join(ROOT, module)).filter((f) => f.endsWith('.yaml')).sort() }));
}

describe('module fixtures', () => {
  for (const { module, cases } of fixtureDirs()) {
    describe(module, () => {
      const def = modules.get(module);
      if (!def) {
        it('is a registered module', () => {
          throw new Error(`test/modules/${module}/ has fixtures but no module "${module}" is registered in modules/index.ts`);
        });
        return;
      }
      for (const file of cases) {
        const path = join(ROOT, module, file);
        let fx: ModuleCase;
        try {
          fx = loadModuleCase(path);
        } catch (e) {
          // A broken fixture fails its own test, not the whole run.
          it(file, () => {
            throw e;
          });
          continue;
        }
        it(`${file.replace(/\.yaml$/, '')}${fx.description ? `: ${fx.description}` : ''}`, async () => {
          expect(await checkModuleCase(def, fx)).to.deep.equal([]);
        });
      }
    });
  }
});
