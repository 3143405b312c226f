// command's words expanded as Ansible's command module expands them
// (os.path.expanduser(os.path.expandvars(word)), captured from Python by
// test/fixtures/command/capture-expand.py): the line rb builds is run by sh in
// the same environment and must print exactly Python's words.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine } from '../../../modules/command/expand.js';
import { argv } from '../../../core/transport/shell.js';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'command', 'expand-expected.json'), 'utf8')) as {
  env: Record<string, string>;
  words: string[];
  expected: string[];
};

function run(line: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', line], { env: { ...fixture.env, PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe("command's words, expanded as Ansible's command module expands them", () => {
  it('every word of the fixture, through sh, is what Python made of it', () => {
    const got = run(commandLine(['printf', '%s\\0', ...fixture.words]));
    const table = fixture.words.map((w, i) => [w, got[i]]);
    expect(table).to.deep.equal(fixture.words.map((w, i) => [w, fixture.expected[i]]));
  });

  it('words without $ or a leading ~ stay the plain quoted line', () => {
    expect(commandLine(['ipvsadm', '-A', '-t', '198.18.0.100:80', '*.conf', 'a;b'])).to.equal(argv(['ipvsadm', '-A', '-t', '198.18.0.100:80', '*.conf', 'a;b']));
  });

  it('a line with an expanded word stays one group, so `cd DIR && LINE` guards all of it', () => {
    const line = commandLine(['echo', '$HOME']);
    expect(line.startsWith('{ ') && line.endsWith('; }')).to.equal(true);
    expect(run(`cd /nonexistent-dir 2>/dev/null && ${commandLine(['printf', '%s\\0', '$HOME'])}; printf 'after\\0'`)).to.deep.equal(['after']);
  });
});
