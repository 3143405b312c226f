// Safe live operations on real lab hosts over SSH: secrets never leak (every
// secret-bearing param of every module and every no_log value, through every
// reporter at -vv --diff, check and apply, a failure with its rollback, the
// report files and the run journal); one run per host at a time (host locks);
// handlers that survive a failed run; rb rollback RUN; SIGINT stops between tasks.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ParamSpec } from '../../core/schema/types.js';
import { moduleNames, modules } from '../../modules/index.js';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbCliPath, rbRun, repoRoot, type RbResult } from '../harness/rb.js';

const A = 'rb9';
const B = 'rb10';
const dir = mkdtempSync(join(tmpdir(), 'rb-live-'));
const journal = join(dir, 'journal');
const env = { RB_JOURNAL_DIR: journal };
let n = 0;

function playbook(plays: object[]): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify(plays, null, 2)}\n`);
  return file;
}

const run = (args: string[]) => rbRun(args, { env, timeoutMs: 120_000 });
function ran(r: RbResult, code: number): RbResult {
  expect(r.code, `rb ${r.args.join(' ')}\n${r.stdout}\n${r.stderr}`).to.equal(code);
  return r;
}

/** Paths of params a schema marks secret. */
function secretPaths(fields: Record<string, ParamSpec>, at = ''): string[] {
  const out: string[] = [];
  const walk = (s: ParamSpec, p: string): void => {
    if (s.secret) out.push(p);
    else if (s.type === 'object') for (const [k, f] of Object.entries(s.fields)) walk(f, `${p}.${k}`);
    else if (s.type === 'list') walk(s.items, `${p}[]`);
    else if (s.type === 'map') walk(s.values, `${p}{}`);
    else if (s.type === 'oneOf') s.options.forEach((o) => walk(o, p));
  };
  for (const [k, f] of Object.entries(fields)) walk(f, `${at}${k}`);
  return out;
}

describe('live safety on lab hosts: secrets, host locks, pending handlers, signals', function () {
  this.timeout(300_000);
  useLab(16);

  before(async function () {
    this.timeout(180_000);
    await resetHosts([A, B]);
  });

  it('no secret reaches output, reports or the journal: every secret param of every module, no_log values, check, apply, failure, rollback, changed secrets', async () => {
    const S = {
      vrrp_pass: 'Vq8kR2zP',
      hb_key: 'hbKey-73c9',
      rsync_secret: 'rsyncSecret-91a',
      sersync_pass: 'sersyncPw-82b',
      ld_passwd: 'ldPasswd-64d',
      ld_secret: 'ldSecret-55e',
      nolog_cmd: 'nologCmd-46f',
      nolog_debug: 'nologDebug-37g',
      nolog_item: 'nologItem-28h',
      nolog_copy: 'nologCopy-10j',
      nolog_fail: 'nologFail-19i',
      user_pw: '$6$liveSalt$UserHashOld4k',
    };
    // Every module with a secret param is in the playbook below: a new one fails this test until it is.
    await modules.load(moduleNames);
    const withSecrets = moduleNames.filter((m) => secretPaths(modules.get(m)!.params).length);
    const used = ['vrrp', 'heartbeat', 'rsyncd', 'sersync', 'ldirectord', 'user'];
    expect(withSecrets.filter((m) => !used.includes(m)), 'modules with secret params the test does not cover').to.deep.equal([]);

    const tasks = [
      { name: 'data dir', file: { path: '/srv/live', state: 'directory' } },
      {
        name: 'keepalived',
        vrrp: {
          state: 'stopped',
          instances: [{ name: 'VI_9', state: 'BACKUP', interface: 'eth0', virtual_router_id: 93, priority: 100, advert_int: 1, authentication: { auth_type: 'PASS', auth_pass: '{{ vrrp_pass }}' }, virtual_ipaddress: ['198.18.0.209/32 dev eth0'] }],
        },
      },
      {
        name: 'heartbeat',
        heartbeat: {
          state: 'stopped',
          ha_cf: { logfile: '/var/log/ha-log', udpport: 694, keepalive: 1, deadtime: 5, initdead: 10, ucast: [{ dev: 'eth0', peer: '198.18.0.19' }], auto_failback: 'on', crm: 'off', node: [A, B] },
          authkeys: { method: 'sha1', key: '{{ hb_key }}' },
          resources: [{ node: A, resources: ['hbvip'] }],
          resource_scripts: { hbvip: '#!/bin/sh\nexit 0\n' },
        },
      },
      { name: 'rsyncd', rsyncd: { state: 'stopped', address: '{{ ansible_host }}', uid: 'root', gid: 'root', secrets: { pusher: '{{ rsync_secret }}' }, modules: { live: { path: '/srv/live', auth_users: 'pusher' } } } },
      { name: 'sersync', sersync: { state: 'stopped', watch: '/srv/live', remotes: [{ ip: '198.18.0.20', module: 'live' }], auth: { user: 'pusher', password: '{{ sersync_pass }}' } } },
      {
        name: 'ldirectord',
        ldirectord: {
          managed_by: 'heartbeat',
          virtuals: [
            { virtual: '198.18.0.211:3306', real: ['198.18.0.12:3306 gate'], service: 'mysql', login: 'monitor', passwd: '{{ ld_passwd }}', database: 'live', request: 'SELECT 1', checktype: 'negotiate', scheduler: 'rr', protocol: 'tcp' },
            { virtual: '198.18.0.212:1812', real: ['198.18.0.12:1812 gate'], service: 'radius', secret: '{{ ld_secret }}', checktype: 'negotiate', scheduler: 'rr', protocol: 'udp' },
          ],
        },
      },
      { name: 'account', user: { name: 'rblive', password: '{{ user_pw }}' } },
      { name: 'no_log command', shell: 'echo {{ nolog_cmd }}; echo {{ nolog_cmd }} >&2', no_log: true },
      { name: 'no_log debug', debug: { msg: 'the value is {{ nolog_debug }}' }, no_log: true },
      { name: 'no_log loop', shell: 'echo {{ item }}', loop: ['{{ nolog_item }}'], no_log: true },
      { name: 'no_log file', copy: { dest: '/etc/rb-live-nolog.txt', content: 'token={{ nolog_copy }}\n' }, no_log: true },
      { name: 'breaks', shell: 'echo {{ nolog_fail }}; echo {{ nolog_fail }} >&2; exit 1', no_log: true, when: 'fail | default(false) | bool' },
    ];
    const book = playbook([{ name: 'secrets', hosts: `${A}:${B}`, vars: S, tasks }]);
    const reports = join(dir, 'reports');
    const out = (k: string) => ['--report-json', join(reports, `${k}.json`), '--report-junit', join(reports, `${k}.xml`), '--report-prometheus', join(reports, `${k}.prom`)];
    const seen: RbResult[] = [];
    const base = [book, '-i', LAB_INVENTORY, '-vv', '--diff'];
    seen.push(ran(await run(['check', ...base, ...out('check')]), 0));
    const failed = ran(await run(['run', ...base, '-e', 'fail=true', ...out('fail')]), 3);
    expect(failed.stdout).to.include('ROLLBACK [rb9]');
    seen.push(failed);
    seen.push(ran(await run(['run', ...base, '--output', 'tty', ...out('apply')]), 0));
    // The secrets on the hosts are the planted ones, in private files.
    expect(await labSh(A, 'cat /etc/rsyncd.secrets /etc/rsync.pass /etc/ha.d/authkeys /etc/keepalived/keepalived.conf /etc/ha.d/ldirectord.cf')).to.include(S.rsync_secret).and.include(S.sersync_pass).and.include(S.hb_key).and.include(S.vrrp_pass).and.include(S.ld_passwd);
    expect(await labSh(A, 'getent shadow rblive | cut -d: -f2')).to.equal(`${S.user_pw}\n`);
    expect(await labSh(A, 'stat -c %a /etc/rsyncd.secrets /etc/rsync.pass /etc/ha.d/authkeys')).to.equal('600\n600\n600\n');
    // New secrets: line edits and per-field diffs hold the old and the new value.
    const NEW = { user_pw: '$6$liveSalt$UserHashNew7q', vrrp_pass: 'Wq8kR2zQ', hb_key: 'hbKey-NEW2', rsync_secret: 'rsyncSecret-NEW2', sersync_pass: 'sersyncPw-NEW2', ld_passwd: 'ldPasswd-NEW2', ld_secret: 'ldSecret-NEW2' };
    const extra = ['-e', JSON.stringify(NEW)];
    seen.push(ran(await run(['check', ...base, ...extra, ...out('check2')]), 0));
    seen.push(ran(await run(['run', ...base, ...extra, ...out('apply2')]), 0));
    seen.push(ran(await run(['drift', ...base, ...out('drift')]), 2));
    seen.push(ran(await rbRun(['runs'], { env, noReport: true }), 0));

    const texts: Array<[string, string]> = seen.map((r) => [`rb ${r.args.join(' ')}`, `${r.stdout}\n${r.stderr}`]);
    for (const f of readdirSync(reports)) texts.push([`report ${f}`, readFileSync(join(reports, f), 'utf8')]);
    const records = readdirSync(journal);
    expect(records.length).to.be.at.least(3);
    for (const f of records) texts.push([`journal ${f}`, readFileSync(join(journal, f), 'utf8')]);
    const leaks: string[] = [];
    for (const secret of [...Object.values(S), ...Object.values(NEW)]) for (const [where, text] of texts) if (text.includes(secret)) leaks.push(`${secret} in ${where}`);
    expect(leaks).to.deep.equal([]);
    // The journal is its owner's only.
    expect(statSync(journal).mode & 0o777).to.equal(0o700);
    for (const f of records) expect(statSync(join(journal, f)).mode & 0o777, f).to.equal(0o600);
    // Masked, not missing: the outputs still say what changed.
    expect(texts.map((t) => t[1]).join('\n')).to.include('********');
  });

  it('host locks: a second run waits --lock-timeout and fails naming the first; a stale lock is broken; a no-op run takes none and stays at one exec', async () => {
    const slow = playbook([{ name: 'slow', hosts: A, tasks: [{ name: 'hold', shell: 'sleep 3' }] }]);
    const first = run(['run', slow, '-i', LAB_INVENTORY]);
    await new Promise((r) => setTimeout(r, 1500));
    const second = ran(await run(['run', slow, '-i', LAB_INVENTORY, '--lock-timeout', '0.5']), 3);
    const one = ran(await first, 0);
    const firstId = (one.report as unknown as { runId: string }).runId;
    expect(second.stdout).to.match(new RegExp(`locked by run ${firstId} by \\S+@${hostname()} \\(pid \\d+, since [^)]+\\); waited 0\\.5 s`));
    expect(await labSh(A, 'ls /run/rb.lock 2>&1 || true')).to.include('No such file');

    // A holder whose host has rebooted since: broken and reported.
    await labSh(A, `printf 'run=old-run\\ncontroller=elsewhere\\nuser=ops\\npid=1\\nstarted=2026-01-01T00:00:00Z\\nboot=not-this-boot\\n' > /run/rb.lock`);
    const change = playbook([{ name: 'change', hosts: A, tasks: [{ name: 'touch', shell: 'touch /tmp/rb-live-lock' }] }]);
    const broke = ran(await run(['run', change, '-i', LAB_INVENTORY]), 0);
    expect(broke.stdout).to.include('broke a stale lock of run old-run by ops@elsewhere').and.include('the host rebooted since it was taken');

    // A live holder from another controller is never broken; --check never waits for it.
    await labSh(A, `printf 'run=live-run\\ncontroller=elsewhere\\nuser=ops\\npid=1\\nstarted=2026-01-01T00:00:00Z\\nboot=%s\\n' "$(cat /proc/sys/kernel/random/boot_id)" > /run/rb.lock`);
    ran(await run(['run', change, '-i', LAB_INVENTORY, '--lock-timeout', '0.3']), 3);
    const t0 = Date.now();
    ran(await run(['check', change, '-i', LAB_INVENTORY, '--lock-timeout', '30']), 0);
    expect(Date.now() - t0).to.be.below(20_000);
    expect(await labSh(A, 'cat /run/rb.lock')).to.include('run=live-run');
    await labSh(A, 'rm -f /run/rb.lock');

    const noop = playbook([{ name: 'noop', hosts: A, tasks: [{ name: 'dir', file: { path: '/srv/live-noop', state: 'directory' } }] }]);
    ran(await run(['run', noop, '-i', LAB_INVENTORY]), 0);
    const again = ran(await run(['run', noop, '-i', LAB_INVENTORY]), 0);
    expect((again.report as unknown as { transport: Record<string, { execs: number }> }).transport[A].execs).to.equal(1);
  });

  it('a notified handler a failed run never ran fires first on the next run, once, saying from which run', async () => {
    await labSh(A, 'rm -f /etc/rb-live-pending.conf /tmp/rb-live-handler.log');
    const book = playbook([
      {
        name: 'pending',
        hosts: A,
        tasks: [
          { name: 'conf', copy: { dest: '/etc/rb-live-pending.conf', content: 'v1\n' }, notify: 'restart' },
          { name: 'breaks', command: 'false', when: 'fail | default(false) | bool' },
        ],
        handlers: [{ name: 'restart', shell: 'echo restarted >> /tmp/rb-live-handler.log' }],
      },
    ]);
    const failed = ran(await run(['run', book, '-i', LAB_INVENTORY, '--no-rollback', '-e', 'fail=true']), 3);
    const failedId = (failed.report as unknown as { runId: string }).runId;
    expect(await labSh(A, 'cat /tmp/rb-live-handler.log 2>/dev/null || true')).to.equal('');
    const next = ran(await run(['run', book, '-i', LAB_INVENTORY]), 0);
    expect(next.stdout).to.include(`${A}: pending from run ${failedId}: restart`);
    expect(next.report!.tasks.map((t) => `${t.handler ? 'handler ' : ''}${t.task}=${t.status}`)).to.deep.equal(['handler restart=changed', 'conf=ok', 'breaks=skipped']);
    ran(await run(['run', book, '-i', LAB_INVENTORY]), 0);
    expect(await labSh(A, 'cat /tmp/rb-live-handler.log')).to.equal('restarted\n');
    const runs = ran(await rbRun(['runs'], { env, noReport: true }), 0);
    expect(runs.stdout).to.match(new RegExp(`${failedId} .* handlers pending`));
  });

  it('rb rollback RUN: --check changes nothing, the run is undone newest first with its handlers, a host changed since is refused unless --force', async () => {
    await labSh(A, "printf 'old\\n' > /etc/rb-live-undo.conf; rm -f /etc/rb-live-undo.new /tmp/rb-live-undo.log");
    const book = playbook([
      {
        name: 'undo',
        hosts: A,
        tasks: [
          { name: 'conf', copy: { dest: '/etc/rb-live-undo.conf', content: 'new\n' }, notify: 'reload' },
          { name: 'new file', copy: { dest: '/etc/rb-live-undo.new', content: 'x\n' } },
        ],
        handlers: [{ name: 'reload', shell: 'cat /etc/rb-live-undo.conf >> /tmp/rb-live-undo.log' }],
      },
    ]);
    const first = ran(await run(['run', book, '-i', LAB_INVENTORY]), 0);
    const id = (first.report as unknown as { runId: string }).runId;
    const state = () => labSh(A, 'cat /etc/rb-live-undo.conf; ls /etc/rb-live-undo.new 2>/dev/null; cat /tmp/rb-live-undo.log');
    expect(await state()).to.equal('new\n/etc/rb-live-undo.new\nnew\n');
    const check = ran(await rbRun(['rollback', id, '--check', '--diff'], { env, noReport: true }), 0);
    expect(check.stdout).to.match(/would restore: new file \(copy\)[\s\S]*would restore: conf \(copy\)[\s\S]*would run handler: reload/);
    expect(await state()).to.equal('new\n/etc/rb-live-undo.new\nnew\n');

    await labSh(A, "printf 'by hand\\n' > /etc/rb-live-undo.conf");
    const refused = ran(await rbRun(['rollback', id], { env, noReport: true }), 3);
    expect(refused.stdout).to.include(`REFUSED [${A}]: changed since run ${id}`).and.include('conf');
    await labSh(A, "printf 'new\\n' > /etc/rb-live-undo.conf");

    const done = ran(await rbRun(['rollback', id], { env, noReport: true }), 0);
    expect(done.stdout).to.include('restored: conf (copy)').and.include('handler reload: changed');
    // The old file is back, the new one gone, and the handler saw the old configuration.
    expect(await state()).to.equal('old\nnew\nold\n');
    expect(await labSh(A, 'ls /run/rb.lock 2>&1 || true')).to.include('No such file');
  });

  it('rb drift --unmanaged: a MARK rule no task declares in a chain rb manages is drift (exit 2), found with no extra exec', async () => {
    await labSh(A, 'iptables -t mangle -F PREROUTING');
    const book = playbook([{ name: 'marks', hosts: A, tasks: [{ name: 'mark web', iptables_mark: { table: 'mangle', chain: 'PREROUTING', destination: '198.18.0.100', protocol: 'tcp', dport: 80, set_mark: 3, persist: 'none' } }] }]);
    ran(await run(['run', book, '-i', LAB_INVENTORY]), 0);
    ran(await run(['drift', book, '-i', LAB_INVENTORY, '--unmanaged']), 0);
    await labSh(A, 'iptables -t mangle -A PREROUTING -d 198.18.0.101/32 -p tcp --dport 443 -j MARK --set-mark 4; iptables -t mangle -A OUTPUT -j MARK --set-mark 9');
    ran(await run(['drift', book, '-i', LAB_INVENTORY]), 0);
    const found = ran(await run(['drift', book, '-i', LAB_INVENTORY, '--unmanaged']), 2);
    expect(found.stdout.trim().split('\n').filter((l) => l.startsWith('UNMANAGED'))).to.deep.equal([
      `UNMANAGED ${A}: iptables_mark: mangle -A PREROUTING -d 198.18.0.101/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x4/0xffffffff`,
    ]);
    const report = found.report as unknown as { drift: boolean; unmanaged: Record<string, string[]>; transport: Record<string, { execs: number }> };
    expect(report.drift).to.equal(true);
    expect(Object.keys(report.unmanaged)).to.deep.equal([A]);
    expect(report.transport[A].execs).to.equal(1);
    await labSh(A, 'iptables -t mangle -F PREROUTING; iptables -t mangle -F OUTPUT');
  });

  it('rb drift --unmanaged: a VRRP instance added by hand to a running keepalived is reported, with no extra exec; stopped, nothing runs', async () => {
    // No IPVS in the lab's kernel: keepalived here runs VRRP only (virtual servers are proven by unit tests and on the IPVS guest).
    const conf = '/etc/keepalived/keepalived.conf';
    const vrrp = { instances: [{ name: 'VI_LS', state: 'MASTER', interface: 'eth0', virtual_router_id: 81, priority: 100, advert_int: 1, virtual_ipaddress: ['198.18.0.181/32 dev eth0'] }] };
    const book = playbook([{ name: 'keepalived', hosts: A, tasks: [{ name: 'keepalived', vrrp }] }]);
    ran(await run(['run', book, '-i', LAB_INVENTORY]), 0);
    ran(await run(['drift', book, '-i', LAB_INVENTORY, '--unmanaged']), 0);
    const added = ['vrrp_instance VI_HAND {', '  state BACKUP', '  interface eth0', '  virtual_router_id 82', '  priority 50', '  virtual_ipaddress {', '    198.18.0.182/32 dev eth0', '  }', '}'].join('\n');
    await labSh(A, `printf '%s\\n' '${added}' >> ${conf} && kill -HUP "$(cat /run/keepalived.pid)"`);
    const found = ran(await run(['drift', book, '-i', LAB_INVENTORY, '--unmanaged']), 2);
    expect(found.stdout.trim().split('\n').filter((l) => l.startsWith('UNMANAGED')), found.stdout).to.deep.equal([`UNMANAGED ${A}: vrrp: vrrp_instance VI_HAND (eth0 vrid 82, 198.18.0.182/32)`]);
    const report = found.report as unknown as { unmanaged: Record<string, string[]>; transport: Record<string, { execs: number }> };
    expect(Object.keys(report.unmanaged)).to.deep.equal([A]);
    expect(report.transport[A].execs, 'no extra exec').to.equal(1);
    await labSh(A, 'kill -TERM "$(cat /run/keepalived.pid)"; for i in $(seq 50); do [ -e /run/keepalived.pid ] || break; sleep 0.1; done');
    const stopped = await run(['drift', book, '-i', LAB_INVENTORY, '--unmanaged']);
    expect(stopped.stdout.split('\n').filter((l) => l.startsWith('UNMANAGED')), 'keepalived stopped').to.deep.equal([]);
    await labSh(A, `rm -f ${conf}`);
  });

  it('SIGINT: the running task finishes, no new task starts, handlers are kept, exit 130; a second SIGINT stops at once naming what may be half-done', async () => {
    await labSh(A, 'rm -f /tmp/rb-live-never /tmp/rb-live-slow');
    const book = playbook([
      {
        name: 'interrupted',
        hosts: A,
        tasks: [
          { name: 'slow', shell: 'sleep 2; touch /tmp/rb-live-slow', notify: 'h' },
          { name: 'never', shell: 'touch /tmp/rb-live-never' },
        ],
        handlers: [{ name: 'h', shell: 'touch /tmp/rb-live-never' }],
      },
    ]);
    const report = join(dir, 'sigint.json');
    const once = await interrupt(['run', book, '-i', LAB_INVENTORY, '--report-json', report], 1);
    expect(once.code, once.stderr).to.equal(130);
    expect(once.stderr).to.include('SIGINT: stopping after the running task');
    expect(await labSh(A, 'ls /tmp/rb-live-slow /tmp/rb-live-never 2>&1 || true')).to.include('/tmp/rb-live-slow').and.include("cannot access '/tmp/rb-live-never'");
    const j = JSON.parse(readFileSync(report, 'utf8')) as { interrupted: string; runId: string };
    expect(j.interrupted).to.equal('SIGINT');
    const rec = JSON.parse(readFileSync(join(journal, `${j.runId}.json`), 'utf8')) as { hosts: Record<string, { pendingHandlers: Array<{ handlers: string[] }> }> };
    expect(rec.hosts[A].pendingHandlers.map((p) => p.handlers)).to.deep.equal([['h']]);

    const twice = await interrupt(['run', book, '-i', LAB_INVENTORY], 2);
    expect(twice.code).to.equal(130);
    expect(twice.stderr).to.include(`stopped at once by a second SIGINT. These may be half-done (check them, then run again): ${A}: slow`);
  });
});

/** Start rb, send SIGINT `times` times once the slow task has started; its exit code and stderr. */
function interrupt(args: string[], times: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [rbCliPath(), ...args], { cwd: repoRoot(), env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!sent && stdout.includes('TASK [slow]')) {
        sent = true;
        setTimeout(() => {
          for (let i = 0; i < times; i++) setTimeout(() => child.kill('SIGINT'), i * 200);
        }, 500);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
