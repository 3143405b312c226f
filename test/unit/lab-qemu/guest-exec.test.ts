import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestExecWords, pidRecordPath } from '../../../core/lab/qemu/guest-exec.js';

describe('lab qemu: exec in a guest host', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rb-gexec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Run the words as ssh's remote shell would, with bash on this machine. */
  function runWords(words: string[]) {
    const [cmd, ...args] = words;
    return spawnSync(cmd, args, { encoding: 'utf8' });
  }

  it('reads the lab host record the lab writes', () => {
    expect(pidRecordPath('rb2')).to.equal('/run/rblab/hosts/rb2/pid');
  });

  it('hands over to rb lab exec when the host has no record, passing the command word for word', () => {
    const r = runWords(guestExecWords(['echo', 'rb'], 'rb1', ['sh', '-c', "echo 'a b'; exit 3"], join(dir, 'missing')));
    expect(r.stdout).to.equal(`rb lab exec rb1 -- sh -c echo 'a b'; exit 3\n`);
  });

  it('hands over when the recorded start time is not the running process\'s', () => {
    const self = execFileSync('sh', ['-c', 'echo $PPID']).toString().trim(); // this test process: alive for sure
    writeFileSync(join(dir, 'pid'), `${self} 1\n`);
    const r = runWords(guestExecWords(['echo', 'rb'], 'rb1', ['true'], join(dir, 'pid')));
    expect(r.stdout).to.equal('rb lab exec rb1 -- true\n');
  });

  it('is valid bash', () => {
    const script = guestExecWords(['node', '/p/dist/core/cli/main.js'], 'rb1', [])[2];
    execFileSync('bash', ['-n'], { input: script });
    expect(script.split('\n').pop()).to.equal('exec node /p/dist/core/cli/main.js lab exec rb1 -- "$@"');
  });
});
