// rollout: ha on playbooks/heartbeat-ldirectord.yml's two boxes, with a client
// polling VIP:80 every 50 ms from the controller. Registered inside the
// heartbeat + ldirectord end-to-end suite so it runs on that file's guest,
// after its own tests (which leave rb1's heartbeat stopped: the first step
// converges the pair again, rb1 active).
//
// The same change — heartbeat restarted on both boxes — by a plain parallel
// run and by a `rollout: ha` run; a graceful restart of the active box's
// heartbeat by hand is one failover (and, auto_failback on, its way back).
// The rollout must lose no more than that (parallel is measured beside it: with
// heartbeat's quick failover it is not always worse). A change heartbeat takes
// by reload (ha.cf's deadtime) must lose nothing, node by node; a new authkeys
// signing key goes to both boxes at once and must lose nothing either.

import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { labSh } from '../../harness/lab.js';
import { repoRoot, type RbResult } from '../../harness/rb.js';
import { changedOrder, figuresTable, rb, VIP } from './measure.js';
import { ensureRb1Active, measuredOnPair } from './heartbeat-pair.js';
import { describeStats, type PollStats } from './poller.js';

const PLAYBOOK = join(repoRoot(), 'playbooks', 'heartbeat-ldirectord.yml');
const INVENTORY = join(repoRoot(), 'inventory', 'lab', 'heartbeat-ldirectord');
// heartbeat's stop gives its resources up first (ldirectord, the VIP), slow under emulation: generous limits.
const RESTART = { name: 'heartbeat restarted', service: { name: 'heartbeat', state: 'restarted', pid_file: '/var/run/heartbeat.pid', process: 'heartbeat', timeout: 300 }, timeout: 600 };
const ROLLOUT = { mode: 'ha', gate: { timeout: 120, settle: 3, probe: '{{ vip }}:{{ vport }}' } };
const GROUP = 'heartbeat rb1 rb2';

/** The boxes' play with only its heartbeat task, changed by `edit`, in a file of its own. */
function heartbeatPlaybook(edit: (play: Record<string, any>) => void): string {
  const [play] = parse(readFileSync(PLAYBOOK, 'utf8')) as Array<Record<string, any>>;
  play.tasks = play.tasks.filter((t: Record<string, unknown>) => t.heartbeat);
  edit(play);
  const file = join(mkdtempSync(join(tmpdir(), 'rb-rollout-')), 'heartbeat.yml');
  writeFileSync(file, `${JSON.stringify([play], null, 2)}\n`);
  return file;
}

const rbh = (file: string, extra: string[] = []) => rb(file, INVENTORY, extra);
const measured = async (change: () => Promise<unknown>): Promise<PollStats> => {
  const m = await measuredOnPair(change);
  if (m.servedBy !== 'rb1') console.log(`      served by ${m.servedBy} at the end: heartbeat's failback to rb1 did not come within 120 s`);
  return m;
};

export function rolloutHeartbeatSuite(): void {
  describe('rollout: ha — heartbeat restarted on both boxes while a client polls the VIP', function () {
    this.timeout(1_200_000);
    const figures: Record<string, PollStats> = {};
    let t0 = Date.now();
    before(() => (t0 = Date.now()));
    after(() => console.log(figuresTable('heartbeat, playbooks/heartbeat-ldirectord.yml boxes rb1 + rb2', figures, (Date.now() - t0) / 1000)));

    it('the pair converges again, rb1 active, and the controller reaches the VIP', async () => {
      await rbh(PLAYBOOK);
      await ensureRb1Active(300_000);
    });

    it("one failover by hand: rb1's heartbeat gracefully restarted", async () => {
      figures.failover = await measured(() => labSh('rb1', 'service heartbeat restart >/dev/null 2>&1; true'));
      console.log(`      ${describeStats('heartbeat failover by hand', figures.failover)}`);
    });

    it('parallel: both boxes restarted at once', async () => {
      let run: RbResult | undefined;
      figures.parallel = await measured(async () => (run = await rbh(heartbeatPlaybook((p) => p.tasks.push(RESTART)))));
      expect(changedOrder(run!, RESTART.name).sort()).to.deep.equal(['rb1', 'rb2']);
      console.log(`      ${describeStats('heartbeat parallel restart', figures.parallel)}`);
    });

    it('rollout: ha restarts rb2 first, gates, then the active rb1; no more loss than one failover', async () => {
      const file = heartbeatPlaybook((p) => {
        p.rollout = ROLLOUT;
        p.tasks.push(RESTART);
      });
      let run: RbResult | undefined;
      figures.rollout = await measured(async () => (run = await rbh(file)));
      console.log(`      ${describeStats('heartbeat rollout: ha restart', figures.rollout)}`);
      const rollout = run!.report!.tasks.filter((t) => t.module === 'rollout');
      expect(rollout.map((t) => [t.host, t.task, t.status])).to.deep.equal([
        ['rb2', 'rollout: ha — HA groups and order', 'ok'],
        ['rb2', 'rollout: ha — health gate after rb2', 'ok'],
      ]);
      expect(rollout[0].msg).to.equal(`${GROUP}: rb2, then rb1 (holds rb1: startvip ldirectord)`);
      expect(rollout[1].msg).to.match(new RegExp(`^${GROUP} healthy after [\\d.]+ s \\(${VIP.replace(/\./g, '\\.')}:80 answers\\): next rb1$`));
      expect(changedOrder(run!, RESTART.name)).to.deep.equal(['rb2', 'rb1']);
      const f = figures.failover;
      expect(figures.rollout.longestGapMs, 'longest gap vs one failover by hand').to.be.at.most(f.longestGapMs + 2000);
      expect(figures.rollout.failed, 'failed requests vs one failover by hand').to.be.at.most(f.failed + 10);
    });

    // An ha.cf change makes heartbeat re-execute itself (see modules/heartbeat/daemon.ts), keeping its
    // resources: node by node, it must lose nothing.
    it('a change heartbeat takes by reload (ha.cf deadtime) loses nothing, rolled out node by node; and back, in parallel', async () => {
      let run: RbResult | undefined;
      const rolled = heartbeatPlaybook((p) => (p.rollout = ROLLOUT));
      figures.reloadRollout = await measured(async () => (run = await rbh(rolled, ['-e', 'heartbeat_deadtime=6'])));
      const kinds = run!.report!.tasks.filter((t) => t.status === 'changed').flatMap((t) => t.changes.filter((c) => /heartbeat$/.test(c.kind ?? '')).map((c) => `${t.host} ${c.kind}`));
      expect(kinds).to.deep.equal(['rb2 reload-heartbeat', 'rb1 reload-heartbeat']);
      const rollout = run!.report!.tasks.filter((t) => t.module === 'rollout');
      expect(rollout.map((t) => [t.task, t.status])).to.deep.equal([
        ['rollout: ha — HA groups and order', 'ok'],
        ['rollout: ha — health gate after rb2', 'ok'],
      ]);
      expect(rollout[0].msg).to.equal(`${GROUP}: rb2, then rb1 (holds rb1: startvip ldirectord)`);
      console.log(`      ${describeStats('heartbeat rollout: ha reload', figures.reloadRollout)}`);
      figures.reloadParallel = await measured(() => rbh(heartbeatPlaybook(() => undefined)));
      console.log(`      ${describeStats('heartbeat parallel reload', figures.reloadParallel)}`);
      expect(figures.reloadRollout.failed, 'requests failed during a rolled-out reload').to.equal(0);
    });

    // heartbeat drops what is signed with a key it does not hold: a new signing key goes to both boxes at once.
    it('a new authkeys key goes to both boxes at once under the rollout and loses nothing; and back, in parallel', async () => {
      let run: RbResult | undefined;
      const rolled = heartbeatPlaybook((p) => (p.rollout = ROLLOUT));
      figures.keyRollout = await measured(async () => (run = await rbh(rolled, ['-e', 'heartbeat_authkey=5f0c1d2e3a4b59687766554433221100'])));
      const rollout = run!.report!.tasks.filter((t) => t.module === 'rollout');
      expect(rollout.map((t) => [t.task, t.msg])).to.deep.equal([
        [
          'rollout: ha — HA groups and order',
          `${GROUP}: rb2 and rb1 (holds rb1: startvip ldirectord) at once: /etc/ha.d/authkeys signs with a key the peer does not hold yet: on both nodes at once, as heartbeat does not hear a node signing with a key it lacks`,
        ],
      ]);
      expect(changedOrder(run!, 'heartbeat owns the VIP and starts ldirectord on the active box').sort()).to.deep.equal(['rb1', 'rb2']);
      console.log(`      ${describeStats('heartbeat rollout: ha new key', figures.keyRollout)}`);
      figures.keyParallel = await measured(() => rbh(heartbeatPlaybook(() => undefined)));
      console.log(`      ${describeStats('heartbeat parallel new key', figures.keyParallel)}`);
      expect(figures.keyRollout.failed, 'requests failed during a rolled-out key change').to.equal(0);
    });
  });
}
