// Word splitting of `command` lines: like sh's, without any expansion.

import { expect } from 'chai';
import { splitWords } from '../../../modules/command/split.js';

describe('command word splitting', () => {
  it('splits on blanks, keeps quoted blanks, expands nothing', () => {
    expect(splitWords('  ipvsadm   -A -t  198.18.0.100:80 ')).to.deep.equal(['ipvsadm', '-A', '-t', '198.18.0.100:80']);
    expect(splitWords(`echo 'a  b' "c d" e\\ f $HOME *`)).to.deep.equal(['echo', 'a  b', 'c d', 'e f', '$HOME', '*']);
  });

  it('joins adjacent quoted parts into one word, like sh', () => {
    expect(splitWords(`--opt='x y'"z"w`)).to.deep.equal(['--opt=x yzw']);
    expect(splitWords(`'' ""`)).to.deep.equal(['', '']);
  });

  it('handles backslashes as sh does inside and outside double quotes', () => {
    expect(splitWords(String.raw`"a\"b" "c\d" 'e\f' g\\h`)).to.deep.equal(['a"b', 'c\\d', 'e\\f', 'g\\h']);
  });

  it('refuses unterminated quotes and a trailing backslash', () => {
    expect(() => splitWords(`echo 'x`)).to.throw('unterminated single quote at character 6');
    expect(() => splitWords(`echo "x`)).to.throw('unterminated double quote');
    expect(() => splitWords('echo x\\')).to.throw('backslash at the end');
  });
});
