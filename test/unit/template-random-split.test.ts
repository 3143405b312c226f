// The random filter with a seed gives Ansible's number (CPython's Mersenne
// Twister, seeded as random.Random(seed)): the cases were drawn by Python
// itself (test/fixtures/template/capture-random.py).

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
