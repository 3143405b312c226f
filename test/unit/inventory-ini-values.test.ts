// INI value parsing, host-line splitting and host ranges, compared with what
// Ansible's own ini plugin returned for the same inputs
// (expected/ansible-helpers.json, made by capture-python.py).

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConfigProblem } from '../../core/errors.js';
import { expandHostPattern, HostRangeError } from '../../core/inventory/host-range.js';
import { parseIni } from '../../core/inventory/ini.js';
import { InventoryModel } from '../../core/inventory/model.js';
import { iniValue } from '../../core/inventory/python-literal.js';
import { shlexSplit, ShlexError } from '../../core/inventory/shlex.js';

type Outcome = { value: unknown } | { error: string };
interface Helpers {
  literals: Array<[string, Outcome]>;
  shlex: Array<[string, Outcome]>;
  ranges: Array<[string, Outcome]>;
}

const helpers: Helpers = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/inventory/expected/ansible-helpers.json', import.meta.url)), 'utf8'),
);

/** Checked by the INI reader rather than by range expansion. */
const REFUSED_BY_INI_READER = new Set(['host:']);

/** Where rb deliberately differs from Ansible, and what it does instead. */
const RB_DIFFERS: Record<string, string> = {
  // Ansible expands a reversed numeric range to no hosts at all, silently.
  'web[3:1]': 'error',
};

describe('INI values (Python literals) as Ansible reads them', () => {
  it('covers a meaningful set of inputs', () => {
    expect(helpers.literals.length).to.be.greaterThan(60);
  });
  for (const [input, outcome] of helpers.literals) {
    it(`${JSON.stringify(input)} → ${JSON.stringify('value' in outcome ? outcome.value : outcome)}`, () => {
      expect('value' in outcome, 'Ansible never fails on a value').to.equal(true);
      expect(iniValue(input)).to.deep.equal((outcome as { value: unknown }).value);
    });
  }
});

describe('INI host lines split as shlex does', () => {
  for (const [line, outcome] of helpers.shlex) {
    it(JSON.stringify(line), () => {
      if ('error' in outcome) expect(() => shlexSplit(line)).to.throw(ShlexError);
      else expect(shlexSplit(line)).to.deep.equal(outcome.value);
    });
  }
});

describe('host ranges expanded as Ansible does', () => {
  for (const [pattern, outcome] of helpers.ranges) {
    it(JSON.stringify(pattern), () => {
      if (REFUSED_BY_INI_READER.has(pattern)) {
        expect(outcome).to.have.property('error');
        const problems: ConfigProblem[] = [];
        parseIni(`[web]\n${pattern}\n`, 'hosts', new InventoryModel(), problems);
        expect(problems.map((p) => [p.loc?.line, p.message])).to.deep.equal([[2, `invalid host "${pattern}": a trailing ":" is reserved for a port number`]]);
        return;
      }
      if (RB_DIFFERS[pattern] === 'error' || 'error' in outcome) {
        if (RB_DIFFERS[pattern]) expect(outcome).to.have.property('value');
        expect(() => expandHostPattern(pattern)).to.throw(HostRangeError);
        return;
      }
      const want = outcome.value as { names: string[]; port: number | null };
      const got = expandHostPattern(pattern);
      expect(got.names).to.deep.equal(want.names);
      expect(got.port ?? null).to.equal(want.port);
    });
  }

  it('refuses a range that would create a runaway number of hosts', () => {
    expect(() => expandHostPattern('web[0:9999999]')).to.throw(HostRangeError, /more than 100000 hosts/);
  });

  it('explains what is wrong with a range', () => {
    expect(() => expandHostPattern('web[01:3]')).to.throw(/equal-length/);
    expect(() => expandHostPattern('web[1:]')).to.throw(/end value/);
    expect(() => expandHostPattern('web[x]')).to.throw(/begin:end/);
    expect(() => expandHostPattern('web[1:3')).to.throw(/closing "\]"/);
    expect(() => expandHostPattern('web[3:1]')).to.throw(/begin <= end/);
  });
});
