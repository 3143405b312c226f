// The pure edit behind replace against Ansible's own module: each case of
// test/fixtures/replace/cases.json was run through ansible-core's replace by
// test/fixtures/capture-ansible-edits.sh, which kept the file it left.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { editReplace } from '../../../modules/replace/edit.js';
import { parseTemplate } from '../../../modules/lib/python-regexp.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'replace');
interface Case {
  name: string;
  before: string;
  params: { regexp: string; replace?: string; after?: string; before?: string };
}
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Case[];

describe('replace edit, against the files ansible-core 2.14 replace left', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = editReplace(c.before, { regexp: c.params.regexp, replace: c.params.replace ?? '', after: c.params.after, before: c.params.before });
      const ansible = readFileSync(join(dir, 'captured', c.name), 'utf8');
      expect(r.content).to.equal(ansible);
      expect(r.replacements > 0, `${c.name}: ${r.replacements} replacements`).to.equal(ansible !== c.before);
    });
  }

  it('reads a Python replacement template: groups, escapes; refuses what Python refuses', () => {
    expect(parseTemplate('a\\1\\g<2>\\g<name>\\n\\\\$')).to.deep.equal(['a', { group: 1 }, { group: 2 }, { group: 'name' }, '\n\\$']);
    expect(() => parseTemplate('\\q')).to.throw('bad escape \\q');
    expect(() => parseTemplate('x\\')).to.throw('single backslash');
  });
});
