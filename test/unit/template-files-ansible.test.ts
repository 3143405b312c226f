// Template files rendered as Ansible's template module renders them: the
// #jinja2 header, include, import, ansible_managed and template_* variables.
// Expected files were written by ansible's template module
// (test/fixtures/template/files/capture.sh).

import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderText, templateFileVars } from '../../core/template/index.js';

const DIR = fileURLToPath(new URL('../fixtures/template/files/', import.meta.url));
const names = readdirSync(join(DIR, 'expected'));

describe(`template files: Ansible parity (${names.length} templates)`, () => {
  for (const n of names) {
    it(`${n}.j2`, () => {
      const src = join(DIR, 'templates', `${n}.j2`);
      const vars = { v1: 'first', items: ['a', 'b'], literal: 'kept', ...templateFileVars(src, `/tmp/out/${n}`) };
      const got = renderText(readFileSync(src, 'utf8'), vars, src, { searchPath: [dirname(src)] });
      expect(got).to.equal(readFileSync(join(DIR, 'expected', n), 'utf8'));
    });
  }

  it('refuses includes outside the search path and keeps the sandbox in included files', () => {
    const tdir = join(DIR, 'templates');
    expect(() => renderText('{% include "../capture.sh" %}', {}, 'x.j2', { searchPath: [tdir] })).to.throw(/must be a path inside the template search path/);
    expect(() => renderText('{% include "/etc/passwd" %}', {}, 'x.j2', { searchPath: [tdir] })).to.throw(/must be a path inside/);
    expect(() => renderText('{% include "nosuch.j2" %}', {}, 'x.j2', { searchPath: [tdir] })).to.throw(/template "nosuch.j2" not found/);
    expect(renderText('{% include "nosuch.j2" ignore missing %}ok', {}, 'x.j2', { searchPath: [tdir] })).to.equal('ok');
    expect(() => renderText('{% import "macros.j2" as m %}{{ m.line.constructor }}', {}, 'x.j2', { searchPath: [tdir] })).to.throw(/refused/);
    expect(() => renderText('{% import "macros.j2" as m %}{{ m.line }}', {}, 'x.j2', { searchPath: [tdir] })).to.throw();
  });
});
