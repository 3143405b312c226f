// `rb modules new NAME [--dir DIR]`: a site module to start from, with its cases.
// `rb modules test [DIR...]`: run the cases of the site modules in DIR (default
// ./library): NAME.cases/*.yaml beside NAME.js, or NAME/cases/*.yaml.

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { checkModuleCase, loadModuleCase } from '../testing/fixture-cases.js';
import { MODULE_NAME, modulesInDir } from '../plugins/site-modules.js';
import { SCAFFOLD_CASES, scaffoldModule } from './modules-scaffold.js';

export function newModuleCommand(argv: string[]): number {
  const [name, ...rest] = argv;
  const dirFlag = rest.indexOf('--dir');
  const dir = dirFlag >= 0 ? rest[dirFlag + 1] : 'library';
  if (!name || !MODULE_NAME.test(name) || !dir) {
    process.stderr.write('usage: rb modules new NAME [--dir DIR]   (NAME: lowercase letters, digits and _, starting with a letter)\n');
    return 1;
  }
  const file = join(dir, `${name}.js`);
  const cases = join(dir, `${name}.cases`);
  if (existsSync(file) || existsSync(cases)) {
    process.stderr.write(`rb: ${existsSync(file) ? file : cases} already exists\n`);
    return 1;
  }
  mkdirSync(cases, { recursive: true });
  writeFileSync(file, scaffoldModule(name));
  for (const [caseName, text] of Object.entries(SCAFFOLD_CASES(name))) writeFileSync(join(cases, `${caseName}.yaml`), text);
  process.stdout.write(`created ${file} and ${cases}/ (${Object.keys(SCAFFOLD_CASES(name)).length} cases)\nrun its cases: rb modules test ${dir}\n`);
  return 0;
}

function casesDir(origin: string, name: string): string | undefined {
  const candidates = origin.endsWith(`${name}/index.js`) || origin.endsWith(`${name}/index.mjs`) ? [join(dirname(origin), 'cases')] : [join(dirname(origin), `${name}.cases`)];
  return candidates.find((d) => existsSync(d));
}

export async function testModulesCommand(dirs: string[]): Promise<number> {
  let passed = 0;
  let failed = 0;
  for (const dir of dirs.length ? dirs : ['library']) {
    const found = modulesInDir(dir);
    if (!found.length) {
      process.stderr.write(`rb: no site modules in ${dir}\n`);
      return 1;
    }
    for (const m of found) {
      const def = await m.load();
      const cdir = casesDir(m.origin, m.name);
      const files = cdir ? readdirSync(cdir).filter((f) => f.endsWith('.yaml')).sort() : [];
      if (!files.length) {
        process.stdout.write(`FAIL ${m.name}: no cases (${m.name}.cases/*.yaml)\n`);
        failed++;
        continue;
      }
      for (const f of files) {
        const path = join(cdir!, f);
        let problems: string[];
        try {
          problems = await checkModuleCase(def, loadModuleCase(path));
        } catch (e) {
          problems = [(e as Error).message];
        }
        if (problems.length) failed++;
        else passed++;
        process.stdout.write(`${problems.length ? 'FAIL' : 'ok  '} ${m.name} ${relative(process.cwd(), path)}\n${problems.map((p) => `       ${p}\n`).join('')}`);
      }
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}
