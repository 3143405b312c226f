// Pure parts of core/services: the facts parser on output captured on this
// machine (no systemd: sysv), and the scripts' structure. The scripts
// themselves run against real daemons in test/integration/builtin-helpers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseServiceFacts, serviceActionCommand, serviceEnableCommand, serviceFactsCommand } from '../../core/services/index.js';

const CAPTURED = readFileSync(join(import.meta.dirname, '../modules/service/captured/sysv-facts.txt'), 'utf8');
const TIMING = { timeoutMs: 10_000, settleMs: 300 };

describe('service facts', () => {
  it('parses captured sysv output: enabled by rc links, running by pid', () => {
    const f = parseServiceFacts(['rsync', 'rbtest', 'nosuch'], CAPTURED);
    expect(f.rsync).to.deep.equal({ exists: true, running: true, enabled: true, pid: 17071, manager: 'sysv' });
    expect(f.rbtest).to.deep.equal({ exists: true, running: true, enabled: false, pid: 17071, manager: 'sysv' });
    expect(f.nosuch).to.deep.equal({ exists: false, running: false, enabled: false, manager: 'sysv' });
  });

  it('refuses malformed output', () => {
    expect(() => parseServiceFacts(['a'], '@@rb 1\nexists\n')).to.throw(/no "manager" line/);
    expect(() => parseServiceFacts(['a'], 'manager sysv\n@@rb 1\nrunning yes\n')).to.throw(/line 3: unexpected "running yes"/);
    expect(() => parseServiceFacts(['a'], 'manager sysv\n@@rb 2\n')).to.throw(/record 2 for 1 services/);
  });

  it('quotes names and probes, and only falls back to pidof without a declared pid file', () => {
    const cmd = serviceFactsCommand([{ name: 'keepalived', pidFile: '/run/keepalived.pid', process: 'keepalived' }, { name: "we'ird" }]);
    expect(cmd).to.include("rb_name=keepalived; rb_script=''; rb_files=/run/keepalived.pid; rb_pidof=''; rb_proc=keepalived; rb_declared=1");
    expect(cmd).to.include(`rb_name='we'\\''ird'; rb_script=''; rb_files='/run/we'\\''ird.pid /var/run/we'\\''ird.pid'; rb_pidof='we'\\''ird'`);
  });
});

describe('service action scripts', () => {
  it('restart = stop and wait for the old pid, start, verify, new pid differs', () => {
    const s = serviceActionCommand({ name: 'keepalived' }, 'restart', TIMING);
    const tail = s.slice(s.indexOf('old=$(rb_pid)'));
    expect(tail.split('\n')).to.deep.equal([
      'old=$(rb_pid)',
      '[ -z "$old" ] || rb_stop',
      'rb_start',
      'new=$(rb_pid)',
      '[ -z "$old" ] || [ "$new" != "$old" ] || rb_fail "$rb_name kept pid $old across the restart"',
      'echo "pid $(rb_pid)"',
    ]);
    // Bounded waits: 10 s in 0.1 s steps; a started daemon must survive 0.3 s.
    expect(s).to.include('[ $n -lt 100 ]').and.include('sleep 0.3;');
  });

  it('never lets the init script hold the command through a pipe', () => {
    const s = serviceActionCommand({ name: 'x' }, 'start', TIMING);
    expect(s).to.include('rb_ctl "$1" >"$rb_log" 2>&1 </dev/null');
    expect(s).to.not.match(/\$\(rb_ctl/);
  });

  it('enables through whichever tool the host has', () => {
    expect(serviceEnableCommand({ name: 'rsync' }, false)).to.include('systemctl disable rsync;').and.include('update-rc.d rsync disable;').and.include('chkconfig rsync off;');
  });
});
