import { expect } from 'chai';
import { argv, quote, raw, sh } from '../../core/transport/shell.js';

describe('shell quoting', () => {
  const cases: Array<[string, string]> = [
    ['net.ipv4.ip_forward', 'net.ipv4.ip_forward'],
    ['198.18.0.100/32', '198.18.0.100/32'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(reboot)', "'$(reboot)'"],
    ['`id`', "'`id`'"],
    ['a;b', "'a;b'"],
    ['! 08:00:27:E1:3C:C5', "'! 08:00:27:E1:3C:C5'"],
    ['*', "'*'"],
    ['x\ny', "'x\ny'"],
  ];
  for (const [input, want] of cases) it(`quote(${JSON.stringify(input)}) = ${want}`, () => expect(quote(input)).to.equal(want));

  it('sh quotes every interpolated value and keeps raw fragments', () => {
    expect(sh`sysctl -w ${'net.ipv4.ip_forward'}=${1}`).to.equal('sysctl -w net.ipv4.ip_forward=1');
    expect(sh`echo ${'a b'} ${['x', 'y z']} ${raw('| wc -l')}`).to.equal("echo 'a b' x 'y z' | wc -l");
  });

  it('argv quotes every word', () => {
    expect(argv(['ip', 'addr', 'add', '10.0.0.1/32', 'dev', 'lo', 'label', 'lo:0'])).to.equal('ip addr add 10.0.0.1/32 dev lo label lo:0');
    expect(argv(['echo', '$HOME'])).to.equal("echo '$HOME'");
  });
});
