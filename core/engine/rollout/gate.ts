// The health gate between two nodes of a rollout: every node of the cluster
// is looked at (its HA facts, read-only) until the cluster is healthy — the
// daemon runs on every node already changed, every resource (VIP) is held by
// exactly one node, and the probe address answers TCP when one is set — and
// has stayed so for `settle` seconds; or the gate's timeout passes.

import { connect } from 'node:net';
import type { RolloutGate } from '../../playbook/rollout.js';
import { parseProbe } from '../../playbook/rollout.js';
import { sh } from '../../transport/shell.js';
import type { Transport } from '../../transport/types.js';
import { unhealthy, type Cluster, type GroupView } from './groups.js';

export interface GateTarget {
  cluster: Cluster;
  /** Nodes changed so far: their daemon must run. */
  done: ReadonlySet<string>;
  /** The cluster's memberships as they are now, node by node (throws when a node cannot be read). */
  look(host: string): Promise<GroupView[]>;
  /** The rendered probe (`ADDRESS:PORT`) and where it runs from. */
  probe?: { address: string; from: 'controller' | Transport };
}

export interface GateResult {
  ok: boolean;
  /** What was wrong at the last look (empty when ok). */
  problems: string[];
  ms: number;
  looks: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runGate(t: GateTarget, gate: RolloutGate): Promise<GateResult> {
  const started = Date.now();
  let healthySince: number | undefined;
  let looks = 0;
  for (;;) {
    looks++;
    const problems = await lookOnce(t, gate);
    const now = Date.now();
    if (problems.length) healthySince = undefined;
    else healthySince ??= now;
    if (healthySince !== undefined && now - healthySince >= gate.settleS * 1000) return { ok: true, problems: [], ms: now - started, looks };
    if (now - started >= gate.timeoutS * 1000) {
      const why = problems.length ? problems : [`healthy for less than settle: ${gate.settleS} s`];
      return { ok: false, problems: why, ms: now - started, looks };
    }
    await sleep(Math.min(gate.intervalS * 1000, Math.max(0, started + gate.timeoutS * 1000 - Date.now())));
  }
}

async function lookOnce(t: GateTarget, gate: RolloutGate): Promise<string[]> {
  const views: GroupView[] = [];
  const problems: string[] = [];
  await Promise.all(
    t.cluster.order.map(async (h) => {
      try {
        views.push(...(await t.look(h)));
      } catch (e) {
        problems.push(`cannot read ${h}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
  );
  problems.push(...unhealthy(views, t.done));
  if (t.probe && !problems.length) {
    const why = await probe(t.probe.address, t.probe.from, gate.probeTimeoutS);
    if (why) problems.push(why);
  }
  return problems;
}

/** Undefined when `address` answers TCP, else why not. */
export async function probe(address: string, from: 'controller' | Transport, timeoutS: number): Promise<string | undefined> {
  const target = parseProbe(address);
  if (!target) return `probe ${JSON.stringify(address)} is not ADDRESS:PORT`;
  if (from === 'controller') {
    const err = await tcpConnect(target.host, target.port, timeoutS * 1000);
    return err && `${address} does not answer from the controller (${err})`;
  }
  // bash's /dev/tcp, else nc: whichever the probe host has.
  const cmd = sh`timeout ${timeoutS} bash -c ${`exec 3<>/dev/tcp/${target.host}/${target.port}`} 2>/dev/null || timeout ${timeoutS} nc -z -w ${timeoutS} ${target.host} ${target.port}`;
  try {
    const r = await from.exec(cmd, { timeoutMs: (timeoutS + 2) * 1000 });
    return r.code === 0 ? undefined : `${address} does not answer from ${from.host} (exit ${r.code})`;
  } catch (e) {
    return `cannot probe ${address} from ${from.host}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (err?: string) => {
      s.destroy();
      resolve(err);
    };
    s.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    s.once('connect', () => done());
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}
