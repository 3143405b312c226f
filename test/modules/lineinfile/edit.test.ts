// The pure line edit behind lineinfile (Ansible's semantics, see edit.ts).

import { expect } from 'chai';
import { editLines } from '../../../modules/lineinfile/edit.js';

const FILE = '# sysctl\nkernel.panic = 10\n#net.ipv4.ip_forward=1\nvm.swappiness = 10\n';

describe('lineinfile edit', () => {
  it('replaces the last line the regexp finds', () => {
    const r = editLines('a = 1\nb = 2\na = 3\n', { regexp: '^a =', line: 'a = 9', state: 'present' });
    expect(r).to.deep.equal({ content: 'a = 1\nb = 2\na = 9\n', action: 'replaced', before: 'a = 3', at: 3 });
  });

  it('is a no-op when the regexp finds the line already right, or finds nothing but the line is there', () => {
    expect(editLines('a = 9\n', { regexp: '^a =', line: 'a = 9', state: 'present' }).action).to.equal('none');
    expect(editLines('x\na = 9\n', { regexp: '^nomatch', line: 'a = 9', state: 'present' })).to.include({ action: 'none', at: 2 });
  });

  it('appends at EOF by default, adding the missing final newline', () => {
    expect(editLines('a', { line: 'b', state: 'present' })).to.deep.equal({ content: 'a\nb\n', action: 'inserted', at: 2 });
    expect(editLines('', { line: 'b', state: 'present' }).content).to.equal('b\n');
  });

  it('inserts after / before the last match of a regexp, or at BOF; a regexp that matches nothing means EOF', () => {
    expect(editLines(FILE, { line: 'net.ipv4.ip_forward = 1', insertafter: '^#net', state: 'present' }).content).to.equal(
      '# sysctl\nkernel.panic = 10\n#net.ipv4.ip_forward=1\nnet.ipv4.ip_forward = 1\nvm.swappiness = 10\n',
    );
    expect(editLines('x = 1\ny = 2\nx = 3\n', { line: 'new', insertbefore: '^x', state: 'present' }).content).to.equal('x = 1\ny = 2\nnew\nx = 3\n');
    expect(editLines(FILE, { line: '# managed', insertbefore: 'BOF', state: 'present' }).content.startsWith('# managed\n# sysctl\n')).to.equal(true);
    expect(editLines('a\n', { line: 'b', insertafter: '^zzz', state: 'present' }).content).to.equal('a\nb\n');
  });

  it('a regexp match wins over insertafter', () => {
    const r = editLines('a = 1\nb\n', { regexp: '^a', line: 'a = 2', insertafter: '^b', state: 'present' });
    expect(r.content).to.equal('a = 2\nb\n');
  });

  it('removes every matching line, or every equal line without regexp', () => {
    expect(editLines('rs1\nrs9\nrs2\nrs9\n', { regexp: '9$', state: 'absent' })).to.deep.equal({ content: 'rs1\nrs2\n', action: 'removed', before: 'rs9\nrs9', at: 2, removed: 2 });
    expect(editLines('a\nb\n', { line: 'b', state: 'absent' }).content).to.equal('a\n');
    expect(editLines('a\n', { line: 'zz', state: 'absent' })).to.deep.equal({ content: 'a\n', action: 'none' });
  });
});
