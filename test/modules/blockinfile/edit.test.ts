// The pure block edit behind blockinfile against Ansible's own module: each case
// of test/fixtures/blockinfile/cases.json was run through ansible-core's
// blockinfile by test/fixtures/capture-ansible-edits.sh, which kept the file it left.

import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { editBlock } from '../../../modules/blockinfile/edit.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'blockinfile');
interface Case {
  name: string;
  before: string | null;
  params: { block?: string; state?: 'present' | 'absent'; marker?: string; marker_begin?: string; marker_end?: string; insertafter?: string; insertbefore?: string; create?: boolean };
}
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Case[];

describe('blockinfile edit, against the files ansible-core 2.14 blockinfile left', () => {
  for (const c of cases) {
    it(c.name, () => {
      const p = c.params;
      const captured = join(dir, 'captured', c.name);
      const r = editBlock(c.before ?? undefined, {
        block: p.block ?? '',
        state: p.state ?? 'present',
        marker: p.marker ?? '# {mark} ANSIBLE MANAGED BLOCK',
        markerBegin: p.marker_begin ?? 'BEGIN',
        markerEnd: p.marker_end ?? 'END',
        insertafter: p.insertafter,
        insertbefore: p.insertbefore,
      });
      expect(existsSync(captured), `Ansible left ${c.name}`).to.equal(true);
      const ansible = readFileSync(captured, 'latin1');
      expect(r.content).to.equal(ansible);
      // Ansible reports a change exactly when the content differs (or the file is new).
      expect(r.action === 'none', `${c.name}: ${r.action}`).to.equal(c.before === ansible);
    });
  }

  it('says what it did: where the block went, and what the markers held before', () => {
    expect(editBlock('a\n', { block: 'x', state: 'present', marker: '# {mark}', markerBegin: 'B', markerEnd: 'E' })).to.deep.equal({ content: 'a\n# B\nx\n# E\n', action: 'inserted', before: undefined, at: 2 });
    const r = editBlock('# B\nold\n# E\n', { block: 'new', state: 'present', marker: '# {mark}', markerBegin: 'B', markerEnd: 'E' });
    expect(r).to.deep.equal({ content: '# B\nnew\n# E\n', action: 'replaced', before: 'old', at: 1 });
    expect(editBlock('# B\nold\n# E\n', { block: '', state: 'absent', marker: '# {mark}', markerBegin: 'B', markerEnd: 'E' })).to.deep.equal({ content: '', action: 'removed', before: 'old', at: 1 });
  });
});
