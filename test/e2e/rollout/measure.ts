// Shared by the rollout end-to-end suites: the pair's steady state (the
// preferred node holds the VIP, the other does not, the VIP has answered for
// 3 s in a row) and a change measured by the polling client from one steady
// state to the next.

import { expect } from 'chai';
import { labExec } from '../../harness/lab.js';
import { rbRun, type RbResult } from '../../harness/rb.js';
import { get, Poller, type PollStats } from './poller.js';

export const VIP = '198.18.0.100';

export async function hasVip(host: string): Promise<boolean> {
  return (await labExec(host, `ip -o addr show dev eth0 | grep -q ' ${VIP}/'`)).code === 0;
}

export async function until(what: string, limitMs: number, ok: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Real servers of VIP:80 in the holder's IPVS table. */
export async function tableReals(host: string): Promise<number> {
  const r = await labExec(host, 'ipvsadm -Sn');
  return r.stdout.split('\n').filter((l) => l.startsWith(`-a -t ${VIP}:80 `)).length;
}

/**
 * `holder` has the VIP, `other` not, with `reals` real servers in its table when given (a balancer
 * the HA daemon starts, as heartbeat starts ldirectord, fills it some seconds after the VIP is up:
 * the box's own web server answers meanwhile), and VIP:80 has answered for 3 s in a row.
 */
export async function steady(holder: string, other: string, limitMs = 120_000, reals?: number): Promise<void> {
  await until(`VIP on ${holder} only`, limitMs, async () => (await hasVip(holder)) && !(await hasVip(other)));
  if (reals !== undefined) await until(`${reals} real servers in ${holder}'s table`, limitMs, async () => (await tableReals(holder)) === reals);
  let since = Date.now();
  await until('VIP:80 answering for 3 s', limitMs, async () => {
    if (!(await get(VIP, 80, 1000))) since = Date.now();
    return Date.now() - since >= 3000;
  });
}

/** Poll VIP:80 every 50 ms from a steady state, through `change`, until the pair is steady again. */
export async function measured(holder: string, other: string, change: () => Promise<unknown>, settleMs = 120_000, reals?: number): Promise<PollStats> {
  await steady(holder, other, 120_000, reals);
  const poller = new Poller({ host: VIP, port: 80, intervalMs: 50, maxMs: 900_000 });
  try {
    await change();
    await steady(holder, other, settleMs, reals);
  } catch (e) {
    await poller.stop();
    throw e;
  }
  return poller.stop();
}

export async function rb(file: string, inventory: string, extra: string[] = []): Promise<RbResult> {
  const r = await rbRun(['run', file, '-i', inventory, ...extra], { timeoutMs: 600_000 });
  expect(r.code, `rb ${r.args.join(' ')}\n${r.stdout}\n${r.stderr}`).to.equal(0);
  return r;
}

/** The hosts whose task `name` changed something, in the order their results came. */
export function changedOrder(r: RbResult, task: string): string[] {
  return r.report!.tasks.filter((t) => t.task === task && t.status === 'changed').map((t) => t.host);
}


const LABELS: Record<string, string> = {
  failover: 'one failover by hand',
  parallel: 'restart, plain parallel run',
  rollout: 'restart, rollout: ha',
  reloadParallel: 'reload, plain parallel run',
  reloadRollout: 'reload, rollout: ha',
  keyParallel: 'new key, plain parallel run',
  keyRollout: 'new key, rollout: ha',
};

/** The figures of one suite as a table to quote: failed requests and longest gap per case, and the seconds the suite took. */
export function figuresTable(title: string, figures: Record<string, PollStats>, seconds: number): string {
  const rows = Object.keys(LABELS)
    .filter((k) => figures[k])
    .map((k) => {
      const s = figures[k];
      return `      | ${LABELS[k].padEnd(28)} | ${`${s.failed} / ${s.requests}`.padStart(14)} | ${`${s.longestGapMs} ms`.padStart(11)} |`;
    });
  return [
    `      ${title} (client polling VIP:80 every 50 ms; these tests took ${seconds.toFixed(0)} s)`,
    `      | ${'case'.padEnd(28)} | ${'failed / sent'.padStart(14)} | ${'longest gap'.padStart(11)} |`,
    `      |${'-'.repeat(30)}|${'-'.repeat(16)}|${'-'.repeat(13)}|`,
    ...rows,
  ].join('\n');
}
