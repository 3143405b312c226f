// The engine acts on the capabilities a module declares (supports.check, diff,
// rollback, idempotent), not only prints them: small modules on this machine.

import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybooks } from '../../core/engine/run.js';
import type { Reporter, RunSummary } from '../../core/engine/types.js';
import { defineModule, type ModuleDef, type ModuleRegistry, type ModuleSupports } from '../../core/module.js';

const silent: Reporter = { playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn() {}, runEnd() {} };

/** Names of the modules whose rollback() ran. */
const rolledBack: string[] = [];

/** A module whose plan is one change with a text diff (or none), whose facts are one echo, and which can always undo. */
function probe(name: string, supports: ModuleSupports, plan: 'change' | 'empty' = 'change'): ModuleDef {
  return defineModule<Record<string, never>, string>({
    name,
    summary: `test module ${name}`,
    params: {},
    supports,
    factsQuery: () => ({ command: 'echo facts', parse: (r) => r.stdout }),
    facts: async (ctx) => (await ctx.exec('echo facts')).stdout,
    plan: () => (plan === 'change' ? { changes: [{ kind: 'set-x', resource: 'x', before: 'a', after: 'b', diff: '-a\n+b\n' }] } : { changes: [] }),
    apply: async () => {},
    // Defined even when not declared: the engine must go by the declaration.
    rollback: async () => {
      rolledBack.push(name);
    },
  });
}

const registry: ModuleRegistry = new Map<string, ModuleDef>([
  ['full', probe('full', { check: true, diff: true, rollback: true })],
  ['blind', probe('blind', { check: false, diff: true, rollback: true })],
  ['nodiff', probe('nodiff', { check: true, diff: false, rollback: true })],
  ['noundo', probe('noundo', { check: true, diff: true, rollback: false })],
  ['repeats', probe('repeats', { check: true, diff: false, rollback: false, idempotent: false }, 'empty')],
  ['fail', defineModule({ name: 'fail', summary: 'fails', params: {}, supports: { check: true, diff: false, rollback: false }, action: () => ({ failed: true, msg: 'boom' }) })],
]);

describe('engine: declared capabilities', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-caps-'));
    await writeFile(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    h1: { ansible_connection: local }\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function run(modules: string[], check: boolean): Promise<RunSummary> {
    await writeFile(join(dir, 'play.yml'), `- hosts: all\n  tasks:\n${modules.map((m) => `    - { name: ${m}, ${m}: {} }\n`).join('')}`);
    return runPlaybooks({
      playbooks: [join(dir, 'play.yml')],
      inventories: [join(dir, 'inventory.yml')],
      registry,
      reporter: silent,
      options: { check, diff: true, tags: [], skipTags: [], extraVars: {}, forks: 5, rollback: true, verbose: 0 },
    });
  }

  it('check mode: a module without check support is unknown and its facts are never gathered', async () => {
    const s = await run(['blind'], true);
    expect(s.results.map((r) => r.status)).to.deep.equal(['unknown']);
    expect(s.transport?.h1?.execs ?? 0).to.equal(0);
  });

  it('a module without diff support shows its changes but no text diff', async () => {
    const s = await run(['full', 'nodiff'], true);
    expect(s.results.map((r) => r.changes[0]!.diff)).to.deep.equal(['-a\n+b\n', undefined]);
    expect(s.results[1]!.changes[0]).to.include({ before: 'a', after: 'b' });
  });

  it('a non-idempotent module with an empty plan and no reason is unknown in check mode, never ok', async () => {
    const s = await run(['repeats'], true);
    expect(s.results.map((r) => r.status)).to.deep.equal(['unknown']);
  });

  it('rollback skips a module that declares it cannot roll back, and says so', async () => {
    rolledBack.length = 0;
    const s = await run(['full', 'noundo', 'fail'], false);
    expect(rolledBack).to.deep.equal(['full']);
    expect(s.rollbacks).to.have.length(1);
    expect(s.rollbacks[0]!.undone.map((u) => u.task)).to.deep.equal(['full']);
    expect(s.rollbacks[0]!.notRollbackable.join('\n')).to.include('noundo');
  });
});
