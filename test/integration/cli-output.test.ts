// The CLI's output streams: a reader that goes away (`rb run ... | head -1`)
// must not stop a run halfway through its changes. A local connection is
// enough here: this is about the controller process, not the hosts.

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rbCliPath, repoRoot } from '../harness/rb.js';

describe('rb run: output streams', function () {
  this.timeout(60_000);
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rb-cli-output-'));
    writeFileSync(join(dir, 'inventory.ini'), 'controller ansible_connection=local\n');
    const tasks = Array.from({ length: 5 }, (_, i) => `    - name: file ${i}\n      copy: { dest: "${dir}/out-${i}", content: "${i}\\n" }\n`).join('');
    writeFileSync(join(dir, 'play.yml'), `- hosts: all\n  tasks:\n${tasks}`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a closed stdout (EPIPE) stops the output, not the run: every task is done and the exit code is 0', async () => {
    const child = spawn(process.execPath, [rbCliPath(), 'run', join(dir, 'play.yml'), '-i', join(dir, 'inventory.ini'), '--output', 'plain'], {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 50_000,
    });
    // The reader goes away before rb has written its first line.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
    expect([0, 1, 2, 3, 4].filter((i) => !existsSync(join(dir, `out-${i}`)))).to.deep.equal([]);
  });
});
