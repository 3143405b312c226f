// A few hostile cases through the real CLI in its own process (core/cli/main.ts
// under tsx): the exit code, the located message and the absence of a stack
// trace are what an operator's shell sees, and a hang is bounded by a timeout.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hostileCases, LOCATED, stage, STACK } from '../harness/hostile.js';

const MAIN = fileURLToPath(new URL('../../core/cli/main.ts', import.meta.url));
const PICKED = [
  /^a blank or malformed hosts pattern is refused where it is written \[P=" "\]$/,
  /^a blank or malformed --limit is refused \[L=~\[\]$/,
  /^-e with a list is refused$/,
  /^unknown option --nosuch is refused$/,
  /^import_tasks of two files importing each other is refused$/,
  /^ansible_port with trailing letters, set in a flow mapping, is refused at its column$/,
  /^a YAML alias bomb through -e @FILE is bounded and refused$/,
];

describe('hostile corpus through the real CLI', function () {
  this.timeout(60_000);
  const cases = hostileCases().filter((c) => PICKED.some((re) => re.test(c.name)));

  it('finds every picked case', () => {
    expect(cases.length).to.equal(PICKED.length);
  });

  for (const c of cases) {
    it(`${c.file}: ${c.name}`, () => {
      const { dir, argv } = stage(c);
      try {
        const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions', 'rb-source', MAIN, c.mode ?? 'check', ...argv], {
          encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' },
        });
        const detail = `\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
        expect(r.signal, `killed (hang?)${detail}`).to.equal(null);
        expect(r.status, detail).to.equal(c.exit);
        expect(r.stdout + r.stderr, detail).to.not.match(STACK);
        if (c.message) expect(r.stderr, detail).to.contain(c.message);
        if (c.located !== false) expect(r.stderr, detail).to.match(LOCATED);
        expect(r.stdout, detail).to.not.match(/unreachable=|^TASK/m);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
