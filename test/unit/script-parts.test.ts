// Batched read-only parts run by a real /bin/sh: a file whose content imitates
// a part boundary is read back verbatim, whatever marker it tries.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseFilePart, partsScript, readFilePart, sharedPart, splitParts } from '../../core/transport/script-parts.js';

const run = (script: string): string => execFileSync('sh', ['-c', script], { encoding: 'utf8' });

describe('script parts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-parts-'));

  it('keeps a file that contains marker-like lines as one part', () => {
    const forged = 'a\n@@rb-part 0\n@@rb-parts 0123456789abcdef\n\n@@rb-part-0123456789abcdef 0\nz';
    const path = join(dir, 'forged.conf');
    writeFileSync(path, forged);
    const script = partsScript([readFilePart(path), 'echo second; sh -c "exit 3"']);
    const parts = splitParts(run(script), 2);
    expect(parseFilePart(parts[0]!)).to.equal(forged);
    expect(parts[1]).to.deep.equal({ out: 'second\n', code: 3 });
  });

  it('draws a new nonce for every script', () => {
    const nonces = new Set(Array.from({ length: 20 }, () => /@@rb-parts ([0-9a-f]+)/.exec(partsScript(['true']))![1]));
    expect(nonces.size).to.equal(20);
  });

  it('refuses output cut short and output of another script', () => {
    const out = run(partsScript(['echo a', 'echo b']));
    expect(() => splitParts(out.slice(0, out.length - 5), 2)).to.throw(/expected 2 output parts/);
    const other = run(partsScript(['echo a']));
    expect(() => splitParts(other, 2)).to.throw(/expected 2 output parts, got 1/);
  });

  for (const shell of ['sh', 'bash']) {
    it(`runs a shared part once per script under ${shell}, its output exact each time, and its failure seen`, () => {
      const counter = join(dir, `runs-${shell}`);
      const path = join(dir, `trailing-${shell}.conf`);
      const content = 'x = 1\n\n\n';
      writeFileSync(path, content);
      const once = sharedPart(`echo run >> ${counter}; ${readFilePart(path)}`);
      const failing = sharedPart(`echo partial; cat ${join(dir, 'none')} 2>/dev/null`);
      const script = partsScript([once, 'echo between', once, failing, failing]);
      const parts = splitParts(execFileSync(shell, ['-c', script], { encoding: 'utf8' }), 5);
      expect(parseFilePart(parts[0]!)).to.equal(content);
      expect(parts[1]).to.deep.equal({ out: 'between\n', code: 0 });
      expect(parts[2]).to.deep.equal(parts[0]);
      expect(parts[3]).to.deep.equal({ out: 'partial\n', code: 1 });
      expect(parts[4]).to.deep.equal(parts[3]);
      expect(execFileSync('cat', [counter], { encoding: 'utf8' })).to.equal('run\n');
    });
  }
});
