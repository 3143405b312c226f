// Keyword typing against Ansible's own boolean() (fixtures/keywords/booleans.json,
// captured by fixtures/keywords/capture.py), and the numeric keywords' ranges.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ansibleBoolean, typeKeyword } from '../../core/playbook/keyword-types.js';
import { interfaceNameProblem, ipPrefixProblem, ipv4Problem, ipv6Problem } from '../../core/schema/formats.js';

const captured = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/keywords/booleans.json', import.meta.url)), 'utf8')) as Array<[unknown, boolean | 'error']>;

describe('keyword booleans, compared with Ansible boolean(strict=True)', () => {
  for (const [value, want] of captured) {
    it(`${JSON.stringify(value)} → ${want}`, () => {
      expect(ansibleBoolean(value) ?? 'error').to.equal(want);
      const typed = typeKeyword('ignore_errors', value);
      expect(typed.ok ? typed.value : 'error').to.equal(want);
    });
  }
});

describe('numeric keywords', () => {
  const ok = (key: string, v: unknown) => {
    const t = typeKeyword(key, v);
    return t.ok ? t.value : 'error';
  };
  it('max_fail_percentage is 0-100, a number or "N%"', () => {
    expect([0, 100, 30, '30%', '12.5'].map((v) => ok('max_fail_percentage', v))).to.deep.equal([0, 100, 30, 30, 12.5]);
    expect([-1, 101, 'abc', [], true, '-5%'].map((v) => ok('max_fail_percentage', v))).to.deep.equal(Array(6).fill('error'));
  });
  it('serial is a positive integer, a percentage 1-100 or a list of them', () => {
    expect(ok('serial', 2)).to.deep.equal([2]);
    expect(ok('serial', '30%')).to.deep.equal(['30%']);
    expect(ok('serial', [1, '5', '50%'])).to.deep.equal([1, 5, '50%']);
    for (const bad of [0, -1, '0%', '150%', 'abc', [], [1, 'x'], 1.5, true, { a: 1 }]) expect(ok('serial', bad), JSON.stringify(bad)).to.equal('error');
  });
  it('register is a variable name', () => {
    expect(ok('register', 'out_1')).to.equal('out_1');
    for (const bad of ['1x', 'a-b', '', 'a b', ['x']]) expect(ok('register', bad)).to.equal('error');
  });
});

describe('schema formats', () => {
  it('IPv4 octets are 0-255; IPv6 as node reads it; prefixes within the family', () => {
    expect(ipv4Problem('192.0.2.1')).to.equal(undefined);
    for (const bad of ['999.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.256', ' 1.2.3.4']) expect(ipv4Problem(bad), bad).to.be.a('string');
    expect(ipv6Problem('2001:db8::1')).to.equal(undefined);
    for (const bad of ['::g', '2001:db8:::1', '1:2:3:4:5:6:7:8:9', '192.0.2.1']) expect(ipv6Problem(bad), bad).to.be.a('string');
    expect(ipPrefixProblem('10.0.0.0/8')).to.equal(undefined);
    expect(ipPrefixProblem('2001:db8::/64')).to.equal(undefined);
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/8/8', '999.0.0.0/8']) expect(ipPrefixProblem(bad), bad).to.be.a('string');
  });
  it('interface names are 1-15 bytes without blanks, slashes, colons or a leading dash', () => {
    for (const good of ['lo', 'eth0', 'ens33', 'br-lan', 'veth12345678901']) expect(interfaceNameProblem(good), good).to.equal(undefined);
    for (const bad of ['', 'eth 0', '-eth0', 'eth0/1', 'eth0:1', 'a'.repeat(16), '.', '..', 'eth0\n', 'eth\u2028']) expect(interfaceNameProblem(bad), bad).to.be.a('string');
  });
});
