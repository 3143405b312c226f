// Output that values cannot forge, report paths checked before the run, and
// errors that never show a stack trace.

import { expect } from 'chai';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { indented, oneLine } from '../../core/report/escape.js';
import { reportFatal } from '../../core/cli/fatal.js';
import { runCase, STACK } from '../harness/hostile.js';

describe('output safety', function () {
  this.timeout(15_000);

  it('escapes control characters; continuation lines are indented', () => {
    expect(oneLine('a\nok: [lb01]\r\x1b[2J\u2028z\t')).to.equal('a\\nok: [lb01]\\r\\e[2J\\u2028z\\t');
    expect(indented('one\nTASK [x]\x07', '  ')).to.equal('one\n  TASK [x]\\u0007');
  });

  it('a task or play name with newlines cannot forge TASK, result or recap lines', async () => {
    const r = await runCase({
      file: 'x', name: 'forge', exit: 0,
      playbook: '- name: "p\\nPLAY RECAP ****"\n  hosts: lb01\n  tasks:\n    - name: "t\\nok: [lb02]\\nTASK [forged] ***\\u001b[2J"\n      debug: { msg: "m\\nfailed: [lb09]" }\n',
    });
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('TASK ['))).to.have.length(1);
    expect(lines.filter((l) => l.startsWith('PLAY RECAP'))).to.have.length(1);
    expect(lines.some((l) => /^(ok|failed): \[lb0[29]\]/.test(l))).to.equal(false);
    expect(r.stdout).to.not.include('\x1b');
    expect(r.stdout).to.include('TASK [t\\nok: [lb02]\\nTASK [forged] ***\\e[2J]');
    rmSync(r.dir, { recursive: true, force: true });
  });

  for (const [what, path] of [['a directory', '%DIR%'], ['a path below a regular file', '%DIR%/play.yml/r.json']]) {
    for (const flag of ['--report-json', '--report-junit']) {
      it(`${flag} naming ${what} is refused before the run (exit 1, nothing contacted)`, async () => {
        const r = await runCase({ file: 'x', name: 'report', exit: 1, mode: 'run', playbook: '- hosts: lb01\n  tasks: [{ command: "touch %DIR%/RAN" }]\n', args: [flag, path] });
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stderr).to.include(flag);
        expect(r.stdout).to.not.match(/^TASK|unreachable=/m);
        expect(r.stderr).to.not.match(STACK);
        expect(existsSync(join(r.dir, 'RAN'))).to.equal(false);
        rmSync(r.dir, { recursive: true, force: true });
      });
    }
  }

  it('an unexpected error is one line naming where it was thrown', () => {
    let out = '';
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => ((out += s), true)) as typeof process.stderr.write;
    try {
      expect(reportFatal(new TypeError('x is not a function\n  more'))).to.equal(1);
    } finally {
      process.stderr.write = write;
    }
    expect(out.trim().split('\n')).to.have.length(1);
    expect(out).to.match(/^rb: unexpected error \(please report\): TypeError: x is not a function more \(thrown at \S+:\d+:\d+\)\n$/);
  });
});
