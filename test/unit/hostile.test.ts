// The hostile corpus: every case of test/fixtures/hostile/cases, in-process,
// against hosts that cannot be contacted (127.0.0.1 port 1).

import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { distinctCaseCount, hostileCases, LOCATED, runCase, STACK } from '../harness/hostile.js';

const cases = hostileCases();

describe(`hostile corpus (${cases.length} cases)`, function () {
  this.timeout(15_000);
  it('holds at least 300 distinct cases before vary expands them', () => {
    expect(distinctCaseCount()).to.be.at.least(300);
  });
  for (const c of cases) {
    it(`${c.file}: ${c.name}`, async () => {
      const r = await runCase(c);
      const detail = `\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
      expect(r.code, detail).to.equal(c.exit);
      expect(r.stderr + r.stdout, detail).to.not.match(STACK);
      const text = c.exit === 1 ? r.stderr : r.stdout + r.stderr;
      if (c.message) expect(text, detail).to.contain(c.message);
      if (c.exit === 1) {
        if (c.located !== false) expect(r.stderr, detail).to.match(LOCATED);
        if (c.path) expect(r.stderr, detail).to.contain(c.path);
        // Nothing was contacted: no task ran, no host is reported.
        expect(r.stdout, detail).to.not.match(/unreachable=|^TASK/m);
      }
      rmSync(r.dir, { recursive: true, force: true });
    });
  }
});
