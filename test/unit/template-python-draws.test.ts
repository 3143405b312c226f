// Filters whose result must be exactly what Ansible's Python gives, checked
// against values Python itself produced (capture scripts in
// test/fixtures/template/): random with a seed (CPython's Mersenne Twister, so a
// cron minute stays where Ansible put it), split, and password_hash (glibc crypt).

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderText } from '../../core/template/index.js';

const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'template', 'random-expected.json'), 'utf8')) as Array<{
  seed: string | number;
  end: number | string[];
  start: number | null;
  step: number | null;
  value: number | string;
}>;

describe('random filter, seeded as Ansible seeds it', () => {
  it('every case drawn by Python gives the same value', () => {
    const got = cases.map((c) => {
      const args = [`seed=s`, ...(c.start !== null ? [`start=${c.start}`] : []), ...(c.step !== null ? [`step=${c.step}`] : [])].join(', ');
      return renderText(`{{ end | random(${args}) | to_json }}`, { end: c.end, s: c.seed });
    });
    expect(got).to.deep.equal(cases.map((c) => JSON.stringify(c.value)));
  });

  it('without a seed: an integer in range, or an element of the list', () => {
    for (let i = 0; i < 50; i++) {
      const n = Number(renderText('{{ 10 | random(start=5) }}', {}));
      expect(n).to.be.within(5, 9);
      expect(['a', 'b']).to.include(renderText("{{ ['a', 'b'] | random }}", {}));
    }
  });

  it('refuses an empty range and start/step on a list', () => {
    expect(() => renderText('{{ 0 | random }}', {})).to.throw('empty range');
    expect(() => renderText("{{ ['a'] | random(start=1) }}", {})).to.throw('start and step');
  });
});

describe('split filter, as Python splits', () => {
  const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'template', 'split-expected.json'), 'utf8')) as Array<[string, string | null, number, string[]]>;
  it('every case Python split gives the same list', () => {
    const got = cases.map(([s, sep, max]) => JSON.parse(renderText('{{ s | split(sep, max) | to_json }}', { s, sep, max })) as string[]);
    expect(got).to.deep.equal(cases.map((c) => c[3]));
  });
});

describe("password_hash filter, as glibc's crypt() computes it", () => {
  const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'template', 'crypt-expected.json'), 'utf8')) as Array<{ password: string; hashtype: string; salt: string; rounds: number | null; hash: string }>;
  it('every case crypt() hashed gives the same string', () => {
    const got = cases.map((c) => renderText(`{{ pw | password_hash(t, s${c.rounds ? `, rounds=${c.rounds}` : ''}) }}`, { pw: c.password, t: c.hashtype, s: c.salt }));
    expect(got).to.deep.equal(cases.map((c) => c.hash));
  });

  it('without a salt: a random one of 16 characters, and the hash verifies with it', () => {
    const h = renderText("{{ 'pw' | password_hash('sha512') }}", {});
    const m = /^\$6\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{86}$/.exec(h);
    expect(m, h).to.not.equal(null);
    expect(renderText(`{{ 'pw' | password_hash('sha512', '${m![1]}') }}`, {})).to.equal(h);
  });

  it('refuses a salt crypt() would not take, and an algorithm rb does not have', () => {
    expect(() => renderText("{{ 'pw' | password_hash('sha512', 'bad salt') }}", {})).to.throw('invalid characters in salt');
    expect(() => renderText("{{ 'pw' | password_hash('blowfish') }}", {})).to.throw('not supported');
  });
});

describe('strftime filter and now(), as Python formats time', () => {
  const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'template', 'strftime-expected.json'), 'utf8')) as Array<[string, number, string]>;
  it('every format and instant Python formatted (UTC) gives the same text', () => {
    const got = cases.map(([fmt, s]) => renderText('{{ fmt | strftime(s, utc=true) }}', { fmt, s }));
    expect(got).to.deep.equal(cases.map((c) => c[2]));
  });

  it('now() prints as a Python datetime, now(fmt=...) formats, both at the current time', () => {
    expect(renderText('{{ now() }}', {})).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(renderText("{{ now(utc=true, fmt='%Y') }}", {})).to.equal(String(new Date().getUTCFullYear()));
  });
});
