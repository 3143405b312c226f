// `rollout: ha`: the play's HA groups changed one node at a time. The nodes of
// each cluster (groups from the modules' `haGroup` hook: same VRRP instance,
// same heartbeat node list) are ordered from the facts — nodes holding no VIP
// first, the holders last — and run in waves: wave i is the i-th node of every
// cluster (different clusters do not wait for each other), plus, in wave 0,
// the hosts that are in no group. Each wave runs the play's tasks and handlers
// as a batch; then each cluster that has nodes left must pass its health gate.
// A node that fails, or a gate that does not pass in time, stops its cluster
// before the next node (so the holder is never touched): the node is rolled
// back and the nodes left are reported as not changed. A cluster whose HA
// change must reach its nodes at the same moment (heartbeat's reload), while
// the rest of the play changes nothing there, is one wave (together.ts).

import type { HaMembership } from '../../module.js';
import { parseProbe, type Rollout } from '../../playbook/rollout.js';
import type { Play, Task } from '../../playbook/types.js';
import { renderValue } from '../../template/index.js';
import type { HostState } from '../host-state.js';
import { failHost, runBatch, type PlayRun } from '../play-runner.js';
import type { TaskResult } from '../types.js';
import { runGate } from './gate.js';
import { describeOrder, planRollout, waveOf, wavesOf, type Cluster, type GroupView } from './groups.js';
import { haSources, readMemberships, type HaSource } from './members.js';
import { decideTogether } from './together.js';

export async function runRollout(run: PlayRun, play: Play, rollout: Rollout, hosts: string[]): Promise<void> {
  const states = new Map(hosts.map((h) => [h, run.states.get(h)!]));
  const sources = new Map<string, HaSource[]>();
  const members = new Map<string, HaMembership[]>();
  const discover = pseudoTask(play, rollout, 'rollout: ha — HA groups and order');
  run.reporter.taskStart(discover, hosts, false);
  await Promise.all(
    hosts.map(async (h) => {
      const s = states.get(h)!;
      const src = haSources(run.env, play.tasks, s);
      sources.set(h, src);
      if (!src.length) return;
      try {
        members.set(h, await readMemberships(run.env, s, src));
      } catch (e) {
        report(run, discover, s, 'failed', `cannot read the host's HA state, so it is not changed: ${e instanceof Error ? e.message : String(e)}`);
        s.failed = true;
      }
    }),
  );
  const plan = planRollout(hosts.filter((h) => states.get(h)!.active), members);
  await Promise.all(
    plan.clusters.map(async (c) => {
      const d = await decideTogether({ env: run.env, options: run.options, play, nodes: c.order, states, sources, members });
      c.together = d.together;
      if (d.alone) run.reporter.warn(`rollout: ha: ${c.label} goes node by node although its HA change could go at once: ${d.alone}`);
    }),
  );
  for (const c of plan.clusters) report(run, discover, states.get(c.order[0])!, 'ok', `${c.label}: ${describeOrder(c)}`);
  if (plan.ungrouped.length) run.reporter.warn(`rollout: ha: ${plan.ungrouped.join(', ')} in no HA group: changed with the first wave`);
  await run.reporter.taskEnd(discover);
  // A check changes nothing, so there is nothing to gate: it shows the order and runs as one batch.
  if (run.options.check) {
    await runBatch(run, play, hosts.filter((h) => states.get(h)!.active));
    return;
  }

  const stopped = new Set<Cluster>();
  const done = new Map<Cluster, Set<string>>(plan.clusters.map((c) => [c, new Set()]));
  for (let i = 0; ; i++) {
    const wave = waveOf(plan, i, stopped).filter((h) => states.get(h)!.active);
    if (!wave.length && !plan.clusters.some((c) => !stopped.has(c) && wavesOf(c) > i)) break;
    if (wave.length) {
      const aborted = await runBatch(run, play, wave);
      if (aborted) return;
    }
    // A cluster changed at once has no node left to protect: it has no gate.
    const gates = plan.clusters.filter((c) => !stopped.has(c) && !c.together && c.order[i] !== undefined);
    await Promise.all(
      gates.map(async (c) => {
        const node = c.order[i];
        done.get(c)!.add(node);
        const s = states.get(node)!;
        if (!s.active) return stopAfterFailure(run, play, rollout, c, i, states, node);
        if (i === c.order.length - 1) return;
        await gateAfter(run, play, rollout, c, node, done.get(c)!, sources, states, i);
      }),
    );
    for (const c of gates) if (!states.get(c.order[i])!.active) stopped.add(c);
  }
}

async function gateAfter(run: PlayRun, play: Play, rollout: Rollout, c: Cluster, node: string, done: Set<string>, sources: Map<string, HaSource[]>, states: Map<string, HostState>, i: number): Promise<void> {
  const task = pseudoTask(play, rollout, `rollout: ha — health gate after ${node}`);
  run.reporter.taskStart(task, [node], false);
  const s = states.get(node)!;
  let probe: { address: string; from: 'controller' | import('../../transport/types.js').Transport } | undefined;
  let result: { ok: boolean; problems: string[]; ms: number };
  try {
    probe = gateProbe(run, rollout, s, sources.get(node)!);
    result = await runGate(
      {
        cluster: c,
        done,
        look: async (h) => {
          const ms = await readMemberships(run.env, states.get(h)!, sources.get(h)!);
          return ms.filter((m) => c.groups.includes(m.group)).map((membership): GroupView => ({ host: h, membership }));
        },
        probe,
      },
      rollout.gate,
    );
  } catch (e) {
    result = { ok: false, problems: [e instanceof Error ? e.message : String(e)], ms: 0 };
  }
  const next = c.order.slice(i + 1);
  if (result.ok) {
    report(run, task, s, 'ok', `${c.label} healthy after ${(result.ms / 1000).toFixed(1)} s${probe ? ` (${probe.address} answers)` : ''}: next ${next[0]}`);
  } else {
    const why = result.problems.join('; ');
    report(run, task, s, 'failed', `${c.label} not healthy within ${rollout.gate.timeoutS} s: ${why}`);
    await failHost(run, s, `rollout: ha health gate after ${node}: ${why}`);
    await stop(run, task, c, i, states, `the health gate after ${node} did not pass`);
  }
  await run.reporter.taskEnd(task);
}

function gateProbe(run: PlayRun, rollout: Rollout, s: HostState, src: HaSource[]): { address: string; from: 'controller' | import('../../transport/types.js').Transport } | undefined {
  const text = rollout.gate.probe;
  if (!text) return undefined;
  const address = String(renderValue(text, run.env.vars(s, src[0].task))).trim();
  if (!parseProbe(address)) throw new Error(`rollout.gate.probe renders to ${JSON.stringify(address)}, not ADDRESS:PORT`);
  const fromName = rollout.gate.probeFrom;
  if (fromName === 'controller') return { address, from: 'controller' };
  const from = run.states.get(fromName);
  if (!from) throw new Error(`rollout.gate.probe_from: no host named ${fromName} in the inventory`);
  return { address, from: run.env.transport(from) };
}

async function stopAfterFailure(run: PlayRun, play: Play, rollout: Rollout, c: Cluster, i: number, states: Map<string, HostState>, node: string): Promise<void> {
  const left = c.order.slice(i + 1).filter((h) => states.get(h)!.active);
  if (!left.length) return;
  const task = pseudoTask(play, rollout, `rollout: ha — ${c.label} stopped after ${node}`);
  run.reporter.taskStart(task, left, false);
  await stop(run, task, c, i, states, `${node} failed`);
  await run.reporter.taskEnd(task);
}

/** The cluster's nodes after `i` are not touched: they fail (later plays skip them) with the reason. */
async function stop(run: PlayRun, task: Task, c: Cluster, i: number, states: Map<string, HostState>, why: string): Promise<void> {
  for (const h of c.order.slice(i + 1)) {
    const s = states.get(h)!;
    if (!s.active) continue;
    s.failed = true;
    const holds = c.held.get(h)!;
    report(run, task, s, 'failed', `not changed: the rollout of ${c.label} stopped because ${why}${holds.length ? ` (${h} holds ${holds.join(', ')} and keeps it)` : ''}`);
  }
}

function report(run: PlayRun, task: Task, s: HostState, status: 'ok' | 'failed', msg: string): void {
  const r: TaskResult = { host: s.name, task, status, changes: [], warnings: [], data: { msg }, checked: false, handler: false, durationMs: 0, msg };
  run.results.push(r);
  run.reporter.hostResult(r);
}

let pseudoId = 1_000_000_000;

/** The rollout's own steps appear in reports as tasks of the play, located at its `rollout` keyword. */
function pseudoTask(play: Play, rollout: Rollout, name: string): Task {
  return {
    id: pseudoId++,
    name,
    module: 'rollout',
    moduleKey: 'rollout',
    args: {},
    loopVar: 'item',
    notify: [],
    tags: [],
    ignoreErrors: false,
    vars: {},
    noLog: false,
    listen: [],
    file: play.file,
    loc: rollout.loc,
    path: 'rollout',
    locate: () => rollout.loc,
  };
}
