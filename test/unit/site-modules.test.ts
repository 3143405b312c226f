// Site modules: found in library/ beside a playbook, RB_MODULE_PATH and npm
// packages; checked when loaded; never silently replacing a built-in; their
// cases run by the same runner as the built-ins'; `rb modules new` gives one
// that passes its own cases.

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { ConfigError } from '../../core/errors.js';
import { findSiteModules, modulesInDir } from '../../core/plugins/site-modules.js';
import { SiteModuleRegistry } from '../../core/plugins/site-registry.js';
import { SCAFFOLD_CASES, scaffoldModule } from '../../core/cli/modules-scaffold.js';
import { checkModuleCase, loadModuleCase } from '../../core/testing/fixture-cases.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { modules } from '../../modules/index.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const SITE = join(REPO, 'test', 'fixtures', 'site');

/** A site folder with rb installed as a package, as a site has it. */
function siteDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rb-site-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO, join(dir, 'node_modules', 'rb'));
  mkdirSync(join(dir, 'library'));
  return dir;
}

async function caseProblems(dir: string, name: string): Promise<string[]> {
  const [m] = modulesInDir(join(dir, 'library')).filter((x) => x.name === name);
  const def = await m!.load();
  const out: string[] = [];
  for (const c of Object.keys(SCAFFOLD_CASES(name))) out.push(...(await checkModuleCase(def, loadModuleCase(join(dir, 'library', `${name}.cases`, `${c}.yaml`)))));
  return out;
}

describe('site modules', () => {
  it('finds NAME.js, NAME.mjs and NAME/index.js in library/, ignoring Ansible Python modules and bad names', () => {
    const dir = siteDir();
    for (const f of ['a_one.js', 'two.mjs', 'legacy.py', 'Bad-Name.js', 'notes.txt']) writeFileSync(join(dir, 'library', f), '');
    mkdirSync(join(dir, 'library', 'three'));
    writeFileSync(join(dir, 'library', 'three', 'index.js'), '');
    expect(modulesInDir(join(dir, 'library')).map((m) => m.name)).to.deep.equal(['a_one', 'three', 'two']);
    expect(modulesInDir(join(dir, 'nowhere'))).to.deep.equal([]);
  });

  it('gives the playbook library precedence over RB_MODULE_PATH', async () => {
    const a = siteDir();
    const b = siteDir();
    writeFileSync(join(a, 'library', 'same.js'), '');
    writeFileSync(join(b, 'library', 'same.js'), '');
    writeFileSync(join(b, 'library', 'other.js'), '');
    const found = await findSiteModules({ playbookDirs: [a], env: { RB_MODULE_PATH: join(b, 'library') } });
    expect(found.map((m) => [m.name, m.origin])).to.deep.equal([
      ['same', join(a, 'library', 'same.js')],
      ['other', join(b, 'library', 'other.js')],
    ]);
  });

  it('loads a module written against the public API and validates a playbook task with its schema', async () => {
    const registry = new SiteModuleRegistry(modules, await findSiteModules({ playbookDirs: [SITE] }));
    const dir = mkdtempSync(join(tmpdir(), 'rb-site-pb-'));
    const book = join(dir, 'site.yml');
    writeFileSync(book, '- hosts: all\n  tasks:\n    - nginx_upstream: { name: web, servers: [ { address: "198.18.0.12:80", weight: 300 } ] }\n');
    const err = await loadPlaybooks([book], { registry }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.match(/site\.yml:3:\d+: .*servers\[0\]\.weight: .*100/);
  });

  it('refuses a definition that breaks the contract, naming the file', async () => {
    const dir = siteDir();
    writeFileSync(join(dir, 'library', 'broken.js'), "export default { name: 'broken', summary: 'x', params: { a: { type: 'str' } }, supports: { check: true, diff: true, rollback: true }, action() {} };\n");
    const registry = new SiteModuleRegistry(modules, modulesInDir(join(dir, 'library')));
    const err = await registry.load(['broken']).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).to.be.instanceOf(ConfigError);
    expect(err!.message).to.include(join(dir, 'library', 'broken.js'));
    expect(err!.message).to.include('params.a.type');
    expect(err!.message).to.include('no rollback()');
  });

  it('never lets a site module replace a built-in unless its definition says so', async () => {
    const dir = siteDir();
    const def = (flag: string) => `export default { name: 'copy', summary: 's', params: {}, supports: { check: true, diff: false, rollback: false }${flag}, action: () => ({ msg: 'site copy' }) };\n`;
    writeFileSync(join(dir, 'library', 'copy.js'), def(''));
    const refused = await new SiteModuleRegistry(modules, modulesInDir(join(dir, 'library'))).load(['copy']).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(refused?.message).to.match(/has the name of an rb built-in module; set shadowsBuiltin: true/);
    const dir2 = siteDir();
    writeFileSync(join(dir2, 'library', 'copy.js'), def(', shadowsBuiltin: true'));
    const reg = new SiteModuleRegistry(modules, modulesInDir(join(dir2, 'library')));
    await reg.load(['copy']);
    expect(reg.get('copy')!.summary).to.equal('s');
    expect(reg.origin('copy')).to.equal(join(dir2, 'library', 'copy.js'));
  });

  it('loads the modules an npm package exports', async () => {
    const dir = siteDir();
    mkdirSync(join(dir, 'node_modules', 'rb-site-extra'));
    writeFileSync(join(dir, 'node_modules', 'rb-site-extra', 'package.json'), '{"name":"rb-site-extra","type":"module","main":"index.js"}');
    writeFileSync(
      join(dir, 'node_modules', 'rb-site-extra', 'index.js'),
      "export const modules = [{ name: 'hello', summary: 'h', params: {}, supports: { check: true, diff: false, rollback: false }, action: () => ({ msg: 'hi' }) }];\n",
    );
    const found = await findSiteModules({ playbookDirs: [], env: { RB_MODULE_PACKAGES: 'rb-site-extra' }, cwd: dir });
    expect(found.map((m) => [m.name, m.origin])).to.deep.equal([['hello', 'npm package rb-site-extra']]);
    const missing = await findSiteModules({ playbookDirs: [], env: { RB_MODULE_PACKAGES: 'rb-no-such-package' }, cwd: dir }).catch((e: Error) => e.message);
    expect(missing).to.match(/RB_MODULE_PACKAGES: cannot load package "rb-no-such-package"/);
  });

  it('scaffolds a module (rb modules new) that passes its own cases', async () => {
    const dir = siteDir();
    writeFileSync(join(dir, 'library', 'max_conn.js'), scaffoldModule('max_conn'));
    mkdirSync(join(dir, 'library', 'max_conn.cases'));
    for (const [c, text] of Object.entries(SCAFFOLD_CASES('max_conn'))) writeFileSync(join(dir, 'library', 'max_conn.cases', `${c}.yaml`), text);
    expect(await caseProblems(dir, 'max_conn')).to.deep.equal([]);
  });

  it('the nginx_upstream site module passes its cases, and a wrong expectation fails', async () => {
    const [m] = modulesInDir(join(SITE, 'library'));
    const def = await m!.load();
    const dir = join(SITE, 'library', 'nginx_upstream.cases');
    for (const c of ['fresh', 'converged', 'drift', 'invalid-params']) expect(await checkModuleCase(def, loadModuleCase(join(dir, `${c}.yaml`))), c).to.deep.equal([]);
    const wrong = loadModuleCase(join(dir, 'drift.yaml'));
    wrong.expect.changes![0]!.after = 4;
    expect(await checkModuleCase(def, wrong)).to.have.length(1);
  });
});
