// `rollout: ha` on this machine with small modules: a cluster whose HA change
// must reach its nodes at the same moment (HaMembership.pending together) is
// changed on both nodes in one wave, unless another task of the play would
// change something there or cannot be predicted; otherwise node by node.

import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybooks } from '../../core/engine/run.js';
import { describeOrder, planRollout, waveOf } from '../../core/engine/rollout/groups.js';
import { togetherReason } from '../../core/engine/rollout/together.js';
import type { Reporter, RunSummary } from '../../core/engine/types.js';
import { defineModule, type HaMembership, type ModuleDef, type ModuleRegistry } from '../../core/module.js';

const member = (held: boolean, pending?: HaMembership['pending']): HaMembership => ({
  group: 'pair',
  daemon: 'd',
  running: true,
  resources: ['vip'],
  held: held ? ['vip'] : [],
  ...(pending ? { pending } : {}),
});

describe('rollout: ha — clusters changed at once', () => {
  it('together only when every node says none or together, and one says together', () => {
    const t = { together: 'reload' };
    expect(togetherReason([[member(true, t)], [member(false, 'none')]])).to.equal('reload');
    expect(togetherReason([[member(true, 'none')], [member(false, 'none')]])).to.equal(undefined);
    expect(togetherReason([[member(true, t)], [member(false)]])).to.equal(undefined);
    expect(togetherReason([[member(true, t)], [member(false, { together: 'keys' })]])).to.equal('reload; keys');
    expect(togetherReason([])).to.equal(undefined);
  });

  it('a cluster going together is one wave, described as at once', () => {
    const plan = planRollout(['n1', 'n2', 'web'], new Map([['n1', [member(true)]], ['n2', [member(false)]]]));
    plan.clusters[0].together = 'reload';
    expect(waveOf(plan, 0, new Set())).to.deep.equal(['web', 'n2', 'n1']);
    expect(waveOf(plan, 1, new Set())).to.deep.equal([]);
    expect(describeOrder(plan.clusters[0])).to.equal('n2 and n1 (holds vip) at once: reload');
  });
});

const silent: Reporter = { playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn() {}, runEnd() {} };

describe('rollout: ha — waves on this machine', () => {
  let dir: string;
  let log: string;
  const warnings: string[] = [];

  // `ha`: h1 holds the VIP; its pending change is the param `pending`. `apply` logs its start and end around a pause.
  const ha = defineModule<{ pending: string }, string>({
    name: 'ha',
    summary: 'test HA daemon',
    params: { pending: { type: 'string', required: true } },
    supports: { check: true, diff: false, rollback: false },
    factsQuery: () => ({ command: 'echo plain', parse: (r) => r.stdout.trim() }),
    facts: async (ctx) => (await ctx.exec('echo plain')).stdout.trim(),
    // The rollout reads the groups from these facts, never from the task's own.
    haFacts: async (ctx) => (await ctx.exec('echo for-ha')).stdout.trim(),
    plan: () => ({ changes: [{ kind: 'reload', resource: 'd', before: 'a', after: 'b' }] }),
    apply: async (ctx) => {
      await ctx.exec(`echo "start ${ctx.host}" >> ${log}; sleep 0.3; echo "end ${ctx.host}" >> ${log}`);
    },
    haGroup: (p, f, host) => [
      f === 'for-ha' ? member(host === 'h1', p.pending === 'together' ? { together: 'a reload' } : p.pending === 'none' ? 'none' : undefined) : member(false),
    ],
  });
  // `other`: plans a change or nothing, as its param says.
  const other = defineModule<{ change: boolean }, string>({
    name: 'other',
    summary: 'test module',
    params: { change: { type: 'bool', required: true } },
    supports: { check: true, diff: false, rollback: false },
    factsQuery: () => ({ command: 'echo x', parse: (r) => r.stdout }),
    facts: async (ctx) => (await ctx.exec('echo x')).stdout,
    plan: (p) => ({ changes: p.change ? [{ kind: 'set', resource: 'other-file', before: 'a', after: 'b' }] : [] }),
    apply: async () => {},
  });
  const registry: ModuleRegistry = new Map<string, ModuleDef>([
    ['ha', ha],
    ['other', other],
  ]);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rb-together-'));
    log = join(dir, 'apply.log');
    warnings.length = 0;
    await writeFile(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    h1: { ansible_connection: local }\n    h2: { ansible_connection: local }\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function run(pending: string, otherTask?: string): Promise<{ summary: RunSummary; order: string[] }> {
    const tasks = [`    - { name: daemon, ha: { pending: ${pending} } }`, ...(otherTask ? [`    - ${otherTask}`] : [])];
    await writeFile(join(dir, 'play.yml'), `- hosts: all\n  rollout: { mode: ha, gate: { timeout: 5, settle: 0, interval: 0.1 } }\n  tasks:\n${tasks.join('\n')}\n`);
    const summary = await runPlaybooks({
      playbooks: [join(dir, 'play.yml')],
      inventories: [join(dir, 'inventory.yml')],
      registry,
      reporter: { ...silent, warn: (m: string) => warnings.push(m) },
      options: { check: false, diff: false, tags: [], skipTags: [], extraVars: {}, forks: 5, rollback: true, verbose: 0 },
    });
    return { summary, order: (await readFile(log, 'utf8')).trim().split('\n') };
  }
  const overlapped = (order: string[]) => order.slice(0, 2).every((l) => l.startsWith('start '));
  const discovered = (s: RunSummary) => s.results.find((r) => r.task.name === 'rollout: ha — HA groups and order')!.msg;

  it('a change both nodes must take at once runs on both in one wave, with no gate', async () => {
    const { summary, order } = await run('together', '{ name: same, other: { change: false } }');
    expect(overlapped(order), order.join(', ')).to.equal(true);
    expect(discovered(summary)).to.equal('pair: h2 and h1 (holds vip) at once: a reload');
    expect(summary.results.filter((r) => r.task.module === 'rollout').map((r) => r.task.name)).to.deep.equal(['rollout: ha — HA groups and order']);
  });

  it('node by node when a node waits on a change that goes node by node, or nothing asks for together', async () => {
    for (const pending of ['restart', 'none']) {
      await rm(log, { force: true });
      const { order } = await run(pending);
      expect(order, pending).to.deep.equal(['start h2', 'end h2', 'start h1', 'end h1']);
    }
  });

  it('node by node when another task would change the nodes, or cannot be predicted, saying which', async () => {
    const { order } = await run('together', '{ name: edits, other: { change: true } }');
    expect(order).to.deep.equal(['start h2', 'end h2', 'start h1', 'end h1']);
    expect(warnings.join('\n')).to.match(/pair goes node by node although its HA change could go at once: edits on h[12] changes other-file/);
    await rm(log, { force: true });
    warnings.length = 0;
    const looped = await run('together', '{ name: looped, other: { change: false }, loop: [1] }');
    expect(looped.order).to.deep.equal(['start h2', 'end h2', 'start h1', 'end h1']);
    expect(warnings.join('\n')).to.match(/looped on h[12] cannot be predicted/);
  });
});
