// lineinfile's edit against Ansible's own module on the cases of
// test/fixtures/lineinfile/cases.json (backrefs, search_string, Python regexp
// spellings): test/fixtures/capture-ansible-edits.sh ran each through ansible-core's lineinfile and kept the file.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { editLines, type LineEdit } from '../../../modules/lineinfile/edit.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'lineinfile');
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Array<{ name: string; before: string; params: Partial<LineEdit> }>;

describe('lineinfile edit, against the files ansible-core 2.14 lineinfile left', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = editLines(c.before, { state: 'present', ...c.params });
      const ansible = readFileSync(join(dir, 'captured', c.name), 'utf8');
      expect(r.content).to.equal(ansible);
      expect(r.action === 'none').to.equal(ansible === c.before);
    });
  }
});
