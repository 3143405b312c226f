// Template escapes: every payload of the sandbox corpus is refused before any
// host, located, and nothing it carries runs (the marker file it would write
// never appears), under `rb check` and `rb run`.

import { expect } from 'chai';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hostileCases, LOCATED, runCase, STACK } from '../harness/hostile.js';

const cases = hostileCases().filter((c) => c.file === '10-sandbox.yml');

describe(`template sandbox: escape payloads (${cases.length} cases)`, function () {
  this.timeout(15_000);
  it('holds at least 80 cases', () => expect(cases.length).to.be.at.least(80));
  for (const c of cases) {
    for (const mode of ['check', 'run'] as const) {
      it(`rb ${mode}: ${c.name}`, async () => {
        const r = await runCase({ ...c, mode });
        const detail = `\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
        // Give anything asynchronous a payload might have started a moment to act.
        await new Promise((res) => setTimeout(res, 5));
        expect(existsSync(join(r.dir, 'MARKER')), `payload ran${detail}`).to.equal(false);
        expect(r.code, detail).to.equal(1);
        expect(r.stderr, detail).to.not.match(STACK);
        if (c.located !== false) expect(r.stderr, detail).to.match(LOCATED);
        expect(r.stdout, detail).to.not.match(/^TASK|unreachable=/m);
        rmSync(r.dir, { recursive: true, force: true });
      });
    }
  }
});

describe('template sandbox: what stays allowed', () => {
  it('macros, call blocks, methods, globals and filters work', async () => {
    const { renderString, renderText } = await import('../../core/template/index.js');
    expect(renderText('{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m(1) }}{{ m("x") }}', {})).to.equal('[1][x]');
    expect(renderText('{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}in{% endcall %}', {})).to.equal('<in>');
    expect(renderString("{{ s.split(',') | map('upper') | list }}", { s: 'a,b' })).to.deep.equal(['A', 'B']);
    expect(renderString("{{ d.get('k', 1) + range(3) | length }}", { d: {} })).to.equal(4);
    expect(renderString('{{ d.constructor_name }}', { d: { constructor_name: 'ok' } })).to.equal('ok');
    expect(renderString("{{ d['_x'] }}", { d: { _x: 1 } })).to.equal(1);
  });

  it('refuses with the position of the offending name', async () => {
    const { renderText } = await import('../../core/template/index.js');
    expect(() => renderText('a\n  {{ x.__proto__ }}', { x: 1 }, 'f.j2')).to.throw(/^f\.j2:2:\d+: refused: "x\.__proto__"/);
    expect(() => renderText('{{ range }}', {}, 'f.j2')).to.throw(/f\.j2:1:\d+: refused: "range" is a function/);
  });
});

describe('unknown filters and tests', () => {
  it('fail only when evaluated, as in Jinja', async () => {
    const { renderString, renderText } = await import('../../core/template/index.js');
    expect(renderText('{% if false %}{{ x | nosuch }}{% endif %}ok', {})).to.equal('ok');
    expect(renderString("{{ 'a' if true else (x is nosuch) }}", {})).to.equal('a');
    expect(() => renderString('{{ 1 | nosuch }}', {})).to.throw('unknown filter "nosuch"');
  });
});

describe('generated template code', () => {
  // Quotes, backslashes, line separators and script-like text in literals, data,
  // filter arguments and member names are values in the generated code, never source.
  it('carries every template value as a value, never as code', async () => {
    const { renderText } = await import('../../core/template/index.js');
    const nasty = ['"); globalThis.rbPwned = 1; ("', "'); globalThis.rbPwned = 1; ('", '\\"\\\\', '\u2028\u2029', '</script>${x}`'];
    for (const s of nasty) {
      const lit = JSON.stringify(s);
      expect(renderText(`${s}|{{ ${lit} }}|{{ d[${lit}] }}|{{ ${lit} | replace(${lit}, 'r') }}`, { d: { [s]: 'v' } })).to.equal(`${s}|${s}|v|r`);
    }
    expect((globalThis as { rbPwned?: unknown }).rbPwned).to.equal(undefined);
  });
});
