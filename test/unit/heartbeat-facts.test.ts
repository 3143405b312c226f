// heartbeat facts read from output captured on lab hosts (the facts command
// run by sh inside rb13, heartbeat never started, and inside rb11 with
// heartbeat running and holding its resource), plans on those real facts,
// malformed output, and the exact daemon commands.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import { answerCommand } from '../../modules/heartbeat/daemon.js';
import { heartbeatFactsCommand, parseDaemon, parseHeartbeatFacts, type HeartbeatFacts } from '../../modules/heartbeat/facts.js';
import heartbeat from '../../modules/heartbeat/index.js';
import type { HeartbeatParams } from '../../modules/heartbeat/params.js';
import { planHeartbeat } from '../../modules/heartbeat/plan.js';

const captured = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heartbeat', 'captured', name), 'utf8');
const target = { path: '/etc/ha.d', scripts: ['hbvip'] };

// The files the capture on rb11 was made with (ha.cf has udpport after its ucast line).
const HBVIP = readFacts('facts-running.out').scripts.hbvip.content!;
function rb11Params(over: Record<string, unknown> = {}): HeartbeatParams {
  const { value, problems } = validateFields(heartbeat.params, {
    ha_cf: { logfile: '/var/log/ha-log', logfacility: 'local0', ucast: 'eth0 198.18.0.22', keepalive: 1, deadtime: 5, warntime: 3, initdead: 10, udpport: 694, auto_failback: 'on', crm: 'no', node: ['rb11', 'rb12'] },
    authkeys: { key: 'testkey123' },
    resources: [{ node: 'rb11', resources: ['hbvip'] }],
    resource_scripts: { hbvip: HBVIP },
    ...over,
  }, '', {}, heartbeat.rules);
  expect(problems).to.deep.equal([]);
  return value as unknown as HeartbeatParams;
}

function readFacts(name: string): HeartbeatFacts {
  return parseHeartbeatFacts(target, captured(name));
}

describe('heartbeat facts', () => {
  it('reads a host where heartbeat never ran', () => {
    const f = readFacts('facts-fresh.out');
    expect([f.nodename, f.addresses, f.ha_cf, f.authkeys, f.haresources, f.scripts]).to.deep.equal([
      'rb13',
      ['127.0.0.1', '198.18.0.23'],
      { exists: false },
      { exists: false },
      { exists: false },
      { hbvip: { exists: false } },
    ]);
    expect(f.daemon).to.deep.equal({ running: false, params: {} });
    expect(f.available).to.include.members(['IPaddr', 'IPaddr2', 'heartbeat', 'ldirectord']);
  });

  it('reads a running heartbeat holding its resources, with the values it runs', () => {
    const f = readFacts('facts-running.out');
    expect(f.nodename).to.equal('rb11');
    expect(f.addresses).to.deep.equal(['127.0.0.1', '198.18.0.21', '198.18.0.150']);
    expect(f.daemon).to.deep.equal({
      running: true,
      pid: 105,
      started: 1795303781,
      params: { udpport: '694', logfacility: 'local0', keepalive: '1', deadtime: '5', warntime: '3', initdead: '10', auto_failback: 'on' },
      resources: 'local',
    });
    expect(f.haresources.mtime).to.equal(1795303780);
    expect(f.ha_cf.model!.late).to.deep.equal(['udpport']);
    expect(f.ha_cf.model!.values.node).to.deep.equal(['rb11', 'rb12']);
    expect([f.authkeys.mode, f.authkeys.owner, f.authkeys.model]).to.deep.equal(['0600', 'root', { auth: 1, keys: [{ index: 1, method: 'sha1', key: 'testkey123' }] }]);
    expect(f.haresources.model).to.deep.equal([{ node: 'rb11', resources: ['hbvip'] }]);
    expect(f.scripts.hbvip.mode).to.equal('0755');
    expect(f.scripts.hbvip.content).to.include('echo running');
  });

  it('plans, on those real facts, only what differs: the udpport line moves before the media, then a reload', () => {
    const plan = planHeartbeat(rb11Params(), readFacts('facts-running.out'), 'rb11');
    expect(plan.changes.map((c) => [c.kind, c.field, c.before, c.after])).to.deep.equal([
      ['set-directive', 'ha.cf order', 'udpport after a media line (heartbeat ignores it for that line)', 'before the media lines'],
      ['reload-heartbeat', 'config', 'pid 105', 'reloaded'],
    ]);
    expect(plan.warnings).to.deep.equal([]);
  });

  it('plans a start and every file on the fresh host, and refuses a host its node lines do not name', () => {
    const f = readFacts('facts-fresh.out');
    expect(() => planHeartbeat(rb11Params(), f, 'rb13')).to.throw('this host\'s node name is "rb13" (uname -n) and ha_cf.node does not list it (rb11, rb12)');
    const p = rb11Params();
    (p.ha_cf.node as string[]).push('rb13');
    const kinds = planHeartbeat(p, f, 'rb13').changes.map((c) => c.kind);
    expect(kinds[0]).to.equal('create-script');
    expect(kinds.filter((k) => k === 'create-file')).to.have.length(3);
    expect(kinds.at(-1)).to.equal('start-heartbeat');
  });

  it('refuses output it does not recognise', () => {
    const out = captured('facts-running.out');
    expect(() => parseHeartbeatFacts(target, out.slice(0, out.lastIndexOf('@@rb-part-')))).to.throw('expected 5 output parts');
    expect(() => parseDaemon('pid 12\nstarted soon\n')).to.throw('daemon line 2: started is not a number');
    expect(() => parseDaemon('heartbeat OK\n')).to.throw('daemon line 1: unexpected "heartbeat OK"');
    expect(() => parseDaemon('pid 12\ngroup hbvip yes\n')).to.throw('daemon line 2: a group line is key and 0/1 per resource');
    expect(() => parseHeartbeatFacts(target, out.replace('\nrb11\n', '\n\n'))).to.throw('`uname -n` printed no node name');
  });

  it('builds one command: files, node name, addresses, scripts heartbeat can find, the daemon', () => {
    const cmd = heartbeatFactsCommand({ path: '/etc/ha.d', scripts: ['start vip'] });
    expect(cmd).to.include("set -- /etc/ha.d/ha.cf /etc/ha.d/authkeys /etc/ha.d/haresources '/etc/ha.d/resource.d/start vip';");
    expect(cmd).to.include('for d in /etc/ha.d/resource.d /etc/init.d; do [ -d "$d" ] && ls -1 "$d"; done; true');
    expect(cmd).to.include('for k in udpport logfacility keepalive deadtime warntime initdead auto_failback; do v=$(timeout 5 cl_status hbparameter -p "$k" 2>/dev/null) && echo "param $k $v"; done');
    expect(cmd).to.include('[ -f /etc/ha.d/haresources ] && echo "mtime $(stat -c %Y /etc/ha.d/haresources)"; true');
    // The resources' own status scripts run only for `rollout: ha` (the module's haFacts), never for a plain run.
    expect(cmd).not.to.include('status 2>&1');
    expect(heartbeatFactsCommand({ path: '/etc/ha.d', scripts: [], groups: true })).to.include('"$s" $a status 2>&1 </dev/null');
  });

  it('waits for heartbeat to answer after a start, bounded', () => {
    expect(answerCommand(10)).to.equal(
      'n=0; until timeout 5 cl_status hbstatus >/dev/null 2>&1; do n=$((n+1)); [ $n -lt 20 ] || { echo "rb-fail: heartbeat runs but does not answer cl_status after 10 s" >&2; exit 1; }; sleep 0.5; done',
    );
  });
});
