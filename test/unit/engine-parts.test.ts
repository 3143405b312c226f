import { expect } from 'chai';
import { parseRunArgs, parseExtraVars } from '../../core/cli/args.js';
import { exitCode } from '../../core/cli/exit-code.js';
import { batches } from '../../core/engine/batches.js';
import { selectedByTags } from '../../core/engine/tags.js';
import { emptyStats, type RunSummary } from '../../core/engine/types.js';
import { ConfigError } from '../../core/errors.js';

describe('run arguments', () => {
  it('reads Ansible-shaped flags', () => {
    const a = parseRunArgs(['pb.yml', '-i', 'inv', '--inventory=x', '--check', '-D', '-l', 'directors', '-t', 'a,b', '--skip-tags', 'c', '-e', 'x=1 y="two words"', '-e', '{"z": [1]}', '-f', '7', '-vv', '--no-rollback']);
    expect(a.playbooks).to.deep.equal(['pb.yml']);
    expect(a.inventories).to.deep.equal(['inv', 'x']);
    expect(a).to.include({ check: true, diff: true, limit: 'directors', forks: 7, verbose: 2, rollback: false });
    expect(a.tags).to.deep.equal(['a', 'b']);
    expect(a.skipTags).to.deep.equal(['c']);
    expect(a.extraVars).to.deep.equal({ x: '1', y: 'two words', z: [1] });
  });

  it('rejects unknown options and bad values with a clear message', () => {
    expect(() => parseRunArgs(['--chek'])).to.throw(ConfigError, 'unknown option --chek');
    expect(() => parseRunArgs(['-f', '0'])).to.throw(ConfigError, '-f: expected a positive integer, got "0"');
    expect(() => parseRunArgs(['-i'])).to.throw(ConfigError, '-i needs a value');
    expect(() => parseExtraVars('not a pair')).to.throw(ConfigError, 'expected key=value pairs');
    expect(() => parseExtraVars('@/nonexistent.yml')).to.throw(ConfigError, '/nonexistent.yml:1:1: cannot read /nonexistent.yml: ENOENT');
  });
});

describe('tags', () => {
  const cases: Array<[string[], string[], string[], boolean]> = [
    [[], [], [], true],
    [['never'], [], [], false],
    [['never', 'x'], ['x'], [], true],
    [['a'], ['b'], [], false],
    [['a'], ['a'], [], true],
    [['always'], ['b'], [], true],
    [['always'], ['b'], ['always'], false],
    [['a'], [], ['a'], false],
    [[], ['untagged'], [], true],
    [['a'], ['tagged'], [], true],
    [['a'], ['all'], [], true],
  ];
  for (const [task, tags, skip, want] of cases) {
    it(`task ${JSON.stringify(task)} with --tags ${JSON.stringify(tags)} --skip-tags ${JSON.stringify(skip)} → ${want}`, () => {
      expect(selectedByTags(task, tags, skip)).to.equal(want);
    });
  }
});

describe('serial batches', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  it('splits by numbers, percentages and lists whose last entry repeats', () => {
    expect(batches(hosts, [])).to.deep.equal([hosts]);
    expect(batches(hosts, [2])).to.deep.equal([['a', 'b'], ['c', 'd'], ['e']]);
    expect(batches(hosts, ['40%'])).to.deep.equal([['a', 'b'], ['c', 'd'], ['e']]);
    expect(batches(hosts, [1, '100%'])).to.deep.equal([['a'], ['b', 'c', 'd', 'e']]);
    expect(batches(hosts, ['10%'])).to.have.length(5);
  });
});

describe('exit codes', () => {
  const summary = (s: Partial<ReturnType<typeof emptyStats>>): RunSummary => ({ stats: { h: { ...emptyStats(), ...s } }, results: [], rollbacks: [], check: true, durationMs: 0 });
  it('run: 0 ok, 3 failed or unreachable', () => {
    expect(exitCode('run', summary({ ok: 3, changed: 1 }))).to.equal(0);
    expect(exitCode('run', summary({ failed: 1 }))).to.equal(3);
    expect(exitCode('run', summary({ unreachable: 1 }))).to.equal(3);
  });
  it('drift: 0 none, 2 drift, 1 error', () => {
    expect(exitCode('drift', summary({ ok: 3 }))).to.equal(0);
    expect(exitCode('drift', summary({ changed: 1 }))).to.equal(2);
    expect(exitCode('drift', summary({ changed: 1, unreachable: 1 }))).to.equal(1);
  });
});
