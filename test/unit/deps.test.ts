// CI installs exactly what `rb lab deps` installs: one list, checked here, so
// a package added to the lab cannot be forgotten by CI (or the reverse).

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LAB_PACKAGES } from '../../core/lab/deps.js';

describe('CI packages', () => {
  it('.ci/run installs the same Debian packages as rb lab deps', () => {
    const ci = readFileSync(fileURLToPath(new URL('../../.ci/run', import.meta.url)), 'utf8');
    const line = ci.split('\n').find((l) => l.startsWith('PACKAGES='));
    expect(line, '.ci/run has a PACKAGES= line').to.be.a('string');
    const listed = line!.replace(/^PACKAGES="/, '').replace(/"$/, '').split(/\s+/).filter(Boolean);
    expect([...listed].sort()).to.deep.equal([...LAB_PACKAGES].sort());
  });
});
