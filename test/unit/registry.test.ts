// The registry (modules/index.ts) is the explicit list of modules, imported on
// demand. This test keeps it honest: sorted, in step with the files of
// modules/, every module covered by fixtures in test/modules/<name>/, and a
// run importing only the modules its playbook names.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ModuleDef } from '../../core/module.js';
import { LazyModuleRegistry } from '../../core/module-registry.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { moduleNames, modules } from '../../modules/index.js';

const MODULES_DIR = join(import.meta.dirname, '..', '..', 'modules');
const FIXTURES_DIR = join(import.meta.dirname, '..', 'modules');

/** A module is modules/NAME.ts or a folder modules/NAME/ with an index.ts (a folder without one is not a module yet). */
function moduleSources(): string[] {
  return readdirSync(MODULES_DIR)
    .filter((f) => {
      const full = join(MODULES_DIR, f);
      if (statSync(full).isDirectory()) return existsSync(join(full, 'index.ts'));
      return f.endsWith('.ts') && f !== 'index.ts';
    })
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

// Every module has a case of each kind. A case counts when its file is named
// KIND.yaml or KIND-something.yaml (drift-mode.yaml is a drift case).
// Action modules (set_fact, debug, assert, wait_for) have no facts to be
// converged or drifted: fresh and invalid-params are enough for them.
const PLAN_CASES = ['fresh', 'converged', 'drift', 'invalid-params'];
const ACTION_CASES = ['fresh', 'invalid-params'];

function missingCases(name: string, action: boolean): string[] {
  const dir = join(FIXTURES_DIR, name);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')) : [];
  const wanted = action ? ACTION_CASES : PLAN_CASES;
  return wanted.filter((k) => !files.some((f) => f === `${k}.yaml` || f.startsWith(`${k}-`)));
}

describe('module registry', () => {
  let moduleList: ModuleDef[] = [];
  before(async () => {
    moduleList = [...(await modules.loadAll()).values()];
  });

  it('lists modules in alphabetical order', () => {
    expect(moduleNames).to.deep.equal([...moduleNames].sort());
    expect(moduleList.map((m) => m.name)).to.deep.equal(moduleNames);
  });

  it('maps each name to the module of that name, once', () => {
    expect(modules.size).to.equal(moduleList.length);
    for (const [name, def] of modules) expect(def.name, `registry key ${name}`).to.equal(name);
  });

  it('matches the module files of modules/ (every module registered, nothing registered without a file)', () => {
    expect([...modules.keys()].sort()).to.deep.equal(moduleSources());
  });

  it('gives every module a summary and an example for `rb modules NAME`', () => {
    for (const def of moduleList) {
      expect(def.summary, `${def.name} summary`).to.be.a('string').and.not.empty;
      expect(def.example, `${def.name} example`).to.be.a('string').and.not.empty;
    }
  });

  it('has fixtures for every module: fresh, converged, drift, invalid-params (actions: fresh, invalid-params)', () => {
    const gaps = moduleList
      .map((def) => ({ name: def.name, missing: missingCases(def.name, Boolean(def.action)) }))
      .filter((g) => g.missing.length > 0)
      .map((g) => `test/modules/${g.name}/: missing ${g.missing.map((m) => `${m}.yaml`).join(', ')}`);
    expect(gaps, gaps.join('\n')).to.deep.equal([]);
  });

  it('imports a module only when a playbook names it', async () => {
    const imported: string[] = [];
    const fake = (name: string) => async () => {
      imported.push(name);
      return { ...(await modules.loadAll()).get(name)! };
    };
    const lazy = new LazyModuleRegistry(Object.fromEntries(moduleNames.map((n) => [n, fake(n)])));
    expect(() => lazy.get('sysctl')).to.throw(/used before it was loaded/);
    const [book] = await loadPlaybooks([join(import.meta.dirname, '..', '..', 'playbooks', 'dr-real-server.yml')], { registry: lazy });
    const used = [...new Set(book.plays.flatMap((p) => [...p.tasks, ...p.handlers].map((t) => t.module)))].filter((m) => m !== 'meta').sort();
    expect(imported.sort()).to.deep.equal(used);
    expect(used.length).to.be.greaterThan(0).and.lessThan(moduleNames.length);
    expect(lazy.has('vrrp')).to.equal(true);
    expect(() => [...lazy.values()]).to.throw(/needs loadAll/);
  });
});
