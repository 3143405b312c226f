// The heartbeat pair's states for the rollout suite. Under emulation a restart
// of heartbeat (by hand, in parallel or rolled out) sometimes leaves the
// auto-failback to rb1 unfinished for minutes: the service itself is back on
// one box, but not the preferred one. A change is measured from rb1 active
// (repaired before the client starts, and said so) until one box holds the
// VIP, its ldirectord table holds both boxes and VIP:80 has answered for 3 s:
// what a client sees, whichever box serves.

import { labExec, labSh } from '../../harness/lab.js';
import { get, Poller, type PollStats } from './poller.js';
import { hasVip, steady, tableReals, until, VIP } from './measure.js';

const BOXES = ['rb1', 'rb2'] as const;
// ldirectord's table holds both boxes once it is settled.
const REALS = 2;

/** "rb1: VIP, 2 reals, rscstatus local; rb2: ..." with the end of each ha-log, for a failure's message. */
export async function pairState(): Promise<string> {
  const parts = await Promise.all(
    BOXES.map(async (h) => {
      const rsc = (await labExec(h, 'timeout 5 cl_status rscstatus 2>&1')).stdout.trim() || '?';
      const log = (await labExec(h, "tail -n 6 /var/log/ha-log 2>/dev/null | cut -c1-140")).stdout.trim().split('\n').join(' / ');
      return `${h}: ${(await hasVip(h)) ? 'VIP' : 'no VIP'}, ${await tableReals(h)} reals, rscstatus ${rsc}; ha-log: ${log}`;
    }),
  );
  return parts.join('\n        ');
}

/** rb1 active, steady; after `limitMs` rb2's heartbeat is restarted (it gives the group back) and waited for again. */
export async function ensureRb1Active(limitMs = 120_000): Promise<void> {
  try {
    await steady('rb1', 'rb2', limitMs, REALS);
  } catch {
    console.log(`      the pair did not come back to rb1 within ${limitMs / 1000} s:\n        ${await pairState()}\n      repaired: rb2's heartbeat restarted`);
    await labSh('rb2', 'service heartbeat restart >/dev/null 2>&1; true');
    await steady('rb1', 'rb2', 300_000, REALS);
  }
}

/** One box holds the VIP with both boxes in its table, and VIP:80 has answered for 3 s in a row. */
export async function served(limitMs: number): Promise<string> {
  let holder = '';
  await until('one box holding the VIP with a full table', limitMs, async () => {
    const holders = (await Promise.all(BOXES.map(async (h) => ((await hasVip(h)) ? h : '')))).filter(Boolean);
    holder = holders.length === 1 ? holders[0] : '';
    return holder !== '' && (await tableReals(holder)) === REALS;
  });
  let since = Date.now();
  await until('VIP:80 answering for 3 s', limitMs, async () => {
    if (!(await get(VIP, 80, 1000))) since = Date.now();
    return Date.now() - since >= 3000;
  });
  return holder;
}

/**
 * The client's view of `change`: from rb1 active and steady until the VIP is served again by one box
 * and, when heartbeat fails back to rb1 within `failbackMs` (auto_failback on: a restart of the active
 * box is a move away and a move back), until rb1 is steady again, that second move counted too.
 */
export async function measuredOnPair(change: () => Promise<unknown>, settleMs = 300_000, failbackMs = 120_000): Promise<PollStats & { servedBy: string }> {
  await ensureRb1Active();
  const poller = new Poller({ host: VIP, port: 80, intervalMs: 50, maxMs: 900_000 });
  let servedBy: string;
  try {
    await change();
    servedBy = await served(settleMs);
    if (servedBy !== 'rb1') {
      try {
        await steady('rb1', 'rb2', failbackMs, REALS);
        servedBy = 'rb1';
      } catch {
        // Served by rb2: counted up to here; the next case starts from rb1 again (ensureRb1Active).
      }
    }
  } catch (e) {
    await poller.stop();
    throw new Error(`${(e as Error).message}\n        ${await pairState()}`);
  }
  return { ...(await poller.stop()), servedBy };
}
