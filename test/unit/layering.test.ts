// The layering rb's structure depends on, checked on the import statements of
// every source file: core never imports modules; a module imports core, the
// shared libraries in modules/lib and its own files, never another module;
// each third-party library is imported by exactly one adapter file of ours.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'chai';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The one file allowed to import each third-party runtime library. */
const ADAPTERS: Record<string, string> = {
  ssh2: 'core/transport/ssh2-link.ts',
  yaml: 'core/yaml.ts',
  nunjucks: 'core/template/nunjucks.ts',
  listr2: 'core/report/tty.ts',
  // The build's bundler (a dev dependency: nothing at run time imports it).
  esbuild: 'core/build/bundle.ts',
};

/** Imports between modules: none (what two modules share lives in modules/lib). The list may only shrink. */
const KNOWN_CROSS_MODULE = new Set<string>([]);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((e) => {
    const rel = join(dir, e);
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return e.endsWith('.ts') && !e.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Files that hold a module's source as text (what `rb modules new` writes), not imports of their own. */
const SOURCE_AS_TEXT = new Set(['core/cli/modules-scaffold.ts']);

/** Every static, re-exported and literal dynamic import of a file. */
function importsOf(file: string): string[] {
  if (SOURCE_AS_TEXT.has(file)) return [];
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The repository path an import resolves to, or the package name for a bare specifier. */
function target(file: string, spec: string): { path?: string; pkg?: string } {
  if (spec.startsWith('.')) return { path: relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts') };
  if (spec.startsWith('node:')) return {};
  const parts = spec.split('/');
  return { pkg: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
}

/** modules/ipvs/facts.ts → modules/ipvs; modules/shell.ts → modules/shell; modules/lib/x → modules/lib. */
function moduleOf(path: string): string | undefined {
  const m = /^modules\/([^/]+?)(?:\.ts)?(?:\/|$)/.exec(path);
  return m ? `modules/${m[1]}` : undefined;
}

const files = [...sources('core'), ...sources('modules')];

describe('layering', () => {
  it('finds the sources it checks', () => {
    expect(files.length).to.be.greaterThan(200);
    expect(importsOf('core/cli/run.ts').length).to.be.greaterThan(5);
  });

  it('core never imports modules/', () => {
    const bad = files.filter((f) => f.startsWith('core/')).flatMap((f) => importsOf(f).filter((s) => target(f, s).path?.startsWith('modules/')).map((s) => `${f} -> ${s}`));
    expect(bad).to.deep.equal([]);
  });

  it('a module imports core, modules/lib and its own files, never another module', () => {
    const bad: string[] = [];
    for (const f of files.filter((x) => x.startsWith('modules/') && x !== 'modules/index.ts')) {
      const own = moduleOf(f)!;
      for (const s of importsOf(f)) {
        const to = target(f, s).path;
        if (!to || !to.startsWith('modules/')) continue;
        const other = moduleOf(to)!;
        if (other === own || other === 'modules/lib') continue;
        const edge = `${f} -> ${other}`;
        if (!KNOWN_CROSS_MODULE.has(edge)) bad.push(edge);
      }
    }
    expect(bad, 'move what two modules share to modules/lib/').to.deep.equal([]);
  });

  it('lists no cross-module import that is gone (the known list only shrinks)', () => {
    const edges = new Set(
      files
        .filter((f) => f.startsWith('modules/'))
        .flatMap((f) => importsOf(f).map((s) => target(f, s).path).filter((t): t is string => !!t && t.startsWith('modules/')).map((t) => `${f} -> ${moduleOf(t)}`)),
    );
    expect([...KNOWN_CROSS_MODULE].filter((e) => !edges.has(e))).to.deep.equal([]);
  });

  it('each third-party library is imported by its one adapter file', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const s of importsOf(f)) {
        const pkg = target(f, s).pkg;
        if (pkg && ADAPTERS[pkg] !== f) bad.push(`${f} imports ${s}${ADAPTERS[pkg] ? ` (only ${ADAPTERS[pkg]} may)` : ' (not a known runtime library: add an adapter)'}`);
      }
    }
    expect(bad).to.deep.equal([]);
  });

  it('the secret mask is written once, in core/secrets.ts (everything else imports MASK)', () => {
    const literal = /(['"`])\*{8}\1/;
    const bad = files.filter((f) => f !== 'core/secrets.ts' && literal.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(bad).to.deep.equal([]);
  });
});
