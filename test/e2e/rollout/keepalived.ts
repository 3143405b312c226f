// rollout: ha on playbooks/dr-keepalived.yml's directors, with a client
// polling VIP:80 every 50 ms from the controller. Registered inside the
// dr-keepalived end-to-end suite so it runs on that file's guest, converged
// (rb1 MASTER holding the VIP, rb2 BACKUP), after its own tests.
//
// The same change — keepalived restarted on both directors — is made by a
// plain parallel run and by a `rollout: ha` run; a graceful restart of the
// MASTER by hand gives what one failover (and its preempt back) costs. The
// rollout must lose no more than that, and less than the parallel run; a
// change keepalived takes by reload must lose nothing.

import { expect } from 'chai';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { labExec, labSh } from '../../harness/lab.js';
import { repoRoot, type RbResult } from '../../harness/rb.js';
import { changedOrder, figuresTable, hasVip, measured, rb, steady, until, VIP } from './measure.js';
import { describeStats, type PollStats } from './poller.js';
const INVENTORY = join(repoRoot(), 'inventory', 'lab', 'dr-keepalived');
const RESTART = { name: 'keepalived restarted', service: { name: 'keepalived', state: 'restarted', pid_file: '/run/keepalived.pid', process: 'keepalived' } };
const ROLLOUT = { mode: 'ha', gate: { timeout: 60, probe: '{{ vip }}:{{ vport }}' } };

/** The directors play of the playbook, changed by `edit`, in a file of its own. */
function directorsPlaybook(edit: (play: Record<string, any>) => void): string {
  const plays = parse(readFileSync(join(repoRoot(), 'playbooks', 'dr-keepalived.yml'), 'utf8')) as Array<Record<string, any>>;
  const play = plays.find((p) => p.hosts === 'directors')!;
  edit(play);
  const file = join(mkdtempSync(join(tmpdir(), 'rb-rollout-')), 'directors.yml');
  writeFileSync(file, `${JSON.stringify([play], null, 2)}\n`);
  return file;
}

const vrrpTask = (play: Record<string, any>) => play.tasks.find((t: Record<string, unknown>) => t.vrrp);

const rbk = (file: string) => rb(file, INVENTORY);

export function rolloutKeepalivedSuite(): void {
  describe('rollout: ha — keepalived restarted on both directors while a client polls the VIP', function () {
    this.timeout(900_000);
    const figures: Record<string, PollStats> = {};
    let t0 = Date.now();
    before(() => (t0 = Date.now()));
    after(() => console.log(figuresTable('keepalived, playbooks/dr-keepalived.yml directors rb1 + rb2', figures, (Date.now() - t0) / 1000)));

    it('the directors are converged (a no-op after the tests above) and the controller reaches the VIP', async () => {
      await rbk(join(repoRoot(), 'playbooks', 'dr-keepalived.yml'));
      await steady('rb1', 'rb2');
    });

    it('one failover by hand: the MASTER gracefully restarted, what any change of the holder costs', async () => {
      figures.failover = await measured('rb1', 'rb2', async () => {
        await labSh('rb1', 'kill -TERM "$(cat /run/keepalived.pid)"');
        await until('VIP on rb2', 15_000, () => hasVip('rb2'));
        await until('keepalived gone on rb1', 15_000, async () => (await labExec('rb1', 'test -e /run/keepalived.pid')).code !== 0);
        await labSh('rb1', 'service keepalived start >/dev/null 2>&1 || /etc/init.d/keepalived start >/dev/null 2>&1; true');
      });
      console.log(`      ${describeStats('failover by hand', figures.failover)}`);
    });

    it('parallel: both directors restarted at once', async () => {
      const file = directorsPlaybook((p) => p.tasks.push(RESTART));
      let run: RbResult | undefined;
      figures.parallel = await measured('rb1', 'rb2', async () => (run = await rbk(file)));
      expect(changedOrder(run!, RESTART.name).sort()).to.deep.equal(['rb1', 'rb2']);
      console.log(`      ${describeStats('parallel restart', figures.parallel)}`);
    });

    it('rollout: ha restarts rb2 first, gates, then the VIP holder rb1; it loses no more than one failover and less than parallel', async () => {
      const file = directorsPlaybook((p) => {
        p.rollout = ROLLOUT;
        p.tasks.push(RESTART);
      });
      let run: RbResult | undefined;
      figures.rollout = await measured('rb1', 'rb2', async () => (run = await rbk(file)));
      console.log(`      ${describeStats('rollout: ha restart', figures.rollout)}`);
      const rollout = run!.report!.tasks.filter((t) => t.module === 'rollout');
      expect(rollout.map((t) => [t.host, t.task, t.status])).to.deep.equal([
        ['rb2', 'rollout: ha — HA groups and order', 'ok'],
        ['rb2', 'rollout: ha — health gate after rb2', 'ok'],
      ]);
      expect(rollout[0].msg).to.equal(`vrrp eth0 vrid 51: rb2, then rb1 (holds ${VIP})`);
      expect(rollout[1].msg).to.match(new RegExp(`^vrrp eth0 vrid 51 healthy after [\\d.]+ s \\(${VIP.replace(/\./g, '\\.')}:80 answers\\): next rb1$`));
      expect(changedOrder(run!, RESTART.name)).to.deep.equal(['rb2', 'rb1']);
      const f = figures.failover;
      // One failover's worth: the requests a 50 ms client loses in the failover's gap, plus one in flight each side.
      expect(figures.rollout.longestGapMs, 'longest gap vs one failover by hand').to.be.at.most(f.longestGapMs + 1000);
      expect(figures.rollout.failed, 'failed requests vs one failover by hand').to.be.at.most(f.failed + 2);
      expect(figures.rollout.longestGapMs, 'rollout vs parallel').to.be.below(figures.parallel.longestGapMs);
    });

    it('a change keepalived takes by reload loses nothing, rolled out; and back, in parallel', async () => {
      const changed = directorsPlaybook((p) => {
        p.rollout = ROLLOUT;
        vrrpTask(p).vrrp.virtual_servers[0].delay_loop = 4;
      });
      let run: RbResult | undefined;
      figures.reloadRollout = await measured('rb1', 'rb2', async () => (run = await rbk(changed)));
      const kinds = run!.report!.tasks.filter((t) => t.status === 'changed').flatMap((t) => t.changes.map((c) => `${t.host} ${c.kind}`));
      expect(kinds.filter((k) => /keepalived$/.test(k)).sort()).to.deep.equal(['rb1 reload-keepalived', 'rb2 reload-keepalived']);
      const back = directorsPlaybook(() => undefined);
      console.log(`      ${describeStats('rollout: ha reload', figures.reloadRollout)}`);
      figures.reloadParallel = await measured('rb1', 'rb2', () => rbk(back));
      console.log(`      ${describeStats('parallel reload', figures.reloadParallel)}`);
      expect(figures.reloadRollout.failed, 'requests failed during a rolled-out reload').to.equal(0);
    });
  });
}
