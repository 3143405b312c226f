// Built-in modules on real lab hosts over SSH, through the rb CLI: files
// (copy, template, file, lineinfile, command creates) converge and show drift;
// a package is removed inside a host; Debian's own rsync init script and
// keepalived are started, restarted and verified by the service module.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labExec, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';

// rb8/rb9: hosts no other test file rebuilds.
const HOST = 'rb8';
const PEER = 'rb9';
const ADDR = '198.18.0.18';
const dir = mkdtempSync(join(tmpdir(), 'rb-builtin-lab-'));
mkdirSync(join(dir, 'templates'));
let n = 0;

function play(tasks: object[], vars: object = {}): string {
  const file = join(dir, `play${++n}.yml`);
  writeFileSync(file, `${JSON.stringify([{ name: 'builtin', hosts: HOST, vars, tasks }], null, 2)}\n`);
  return file;
}

const pidOf = async (file: string) => (await labSh(HOST, `cat ${file}`)).trim();

describe('built-in modules on lab hosts', function () {
  this.timeout(180_000);
  useLab(9);
  before(() => resetHosts([HOST, PEER]));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts([HOST, PEER]);
  });

  it('copy, template, file, lineinfile and command creates converge; an edited page is drift of that file only', async () => {
    writeFileSync(join(dir, 'templates/rsyncd.conf.j2'), 'address = {{ addr }}\n{% for m in modules %}[{{ m }}]\npath = /srv/{{ m }}\n{% endfor %}');
    const r = await converge({
      playbook: play(
        [
          { name: 'web root', file: { path: '/srv/www', state: 'directory', mode: '0755' } },
          { name: 'page', copy: { dest: '/srv/www/index.html', content: '{{ inventory_hostname }}\n', mode: '0644' } },
          { name: 'rsyncd.conf', template: { src: 'rsyncd.conf.j2', dest: '/etc/rsyncd.conf' } },
          { name: 'forwarding', lineinfile: { path: '/etc/sysctl.conf', regexp: '^#?net\\.ipv4\\.ip_forward', line: 'net.ipv4.ip_forward=1' } },
          { name: 'marker', command: 'touch /srv/www/.built', args: { creates: '/srv/www/.built' } },
        ],
        { addr: ADDR, modules: ['www', 'data'] },
      ),
      tamper: { host: HOST, cmd: 'echo defaced > /srv/www/index.html' },
    });
    // set-line's field names the line number, which depends on Debian's sysctl.conf.
    expect(r.changes.map((c) => [c.module, c.kind, c.resource, c.kind === 'set-line' ? /^line \d+$/.test(String(c.field)) : c.field])).to.deep.equal([
      ['file', 'create-directory', '/srv/www', 'state'],
      ['copy', 'create-file', '/srv/www/index.html', 'content'],
      ['copy', 'create-file', '/srv/www/index.html', 'mode'],
      ['template', 'create-file', '/etc/rsyncd.conf', 'content'],
      ['lineinfile', 'set-line', '/etc/sysctl.conf', true],
      ['lineinfile', 'write-file', '/etc/sysctl.conf', 'content'],
      ['command', 'run-command', 'touch /srv/www/.built', undefined],
    ]);
    expect(await labSh(HOST, 'cat /etc/rsyncd.conf')).to.equal(`address = ${ADDR}\n[www]\npath = /srv/www\n[data]\npath = /srv/data\n`);
    expect(await labSh(HOST, 'grep -c "^net.ipv4.ip_forward=1$" /etc/sysctl.conf')).to.equal('1\n');
    expect(r.drift!.changes.map((c) => [c.task, c.kind, c.field])).to.deep.equal([['page', 'write-file', 'content']]);
    const repair = await rbRun(r.run.args.filter((a, i, all) => a !== '--report-json' && all[i - 1] !== '--report-json'));
    expect(repair.code, repair.stdout).to.equal(0);
    expect(await labSh(HOST, 'cat /srv/www/index.html')).to.equal(`${HOST}\n`);
  });

  it('blockinfile converges a marked block in /etc/hosts; a line edited inside it is drift of that block only', async () => {
    const block = '198.18.0.11 rs1\n198.18.0.12 rs2\n';
    const r = await converge({
      playbook: play([{ name: 'real servers', blockinfile: { path: '/etc/hosts', marker: '# {mark} rb real servers', block } }]),
      tamper: { host: HOST, cmd: "sed -i 's/^198.18.0.12 rs2$/198.18.0.99 rs2/' /etc/hosts" },
    });
    expect(r.changes.map((c) => [c.kind, c.resource, c.field, c.kind === 'set-block' ? c.after : undefined])).to.deep.equal([
      ['set-block', '/etc/hosts', 'block # BEGIN rb real servers', '198.18.0.11 rs1\n198.18.0.12 rs2'],
      ['write-file', '/etc/hosts', 'content', undefined],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.kind === 'set-block' ? [c.before, c.after] : c.field])).to.deep.equal([
      ['set-block', ['198.18.0.11 rs1\n198.18.0.99 rs2', '198.18.0.11 rs1\n198.18.0.12 rs2']],
      ['write-file', 'content'],
    ]);
    const repair = await rbRun(r.run.args.filter((a, i, all) => a !== '--report-json' && all[i - 1] !== '--report-json'));
    expect(repair.code, repair.stdout).to.equal(0);
    expect(await labSh(HOST, 'sed -n "/# BEGIN rb real servers/,/# END rb real servers/p" /etc/hosts')).to.equal(`# BEGIN rb real servers\n${block}# END rb real servers\n`);
  });

  it('environment (play and task, merged) reaches the commands a task runs over SSH, and become_user runs them as that user', async () => {
    const file = join(dir, 'environment.yml');
    writeFileSync(file, `${JSON.stringify([{
      name: 'environment', hosts: HOST, gather_facts: false, environment: { RB_SITE: 'site', RB_SHARED: 'play' },
      tasks: [
        { name: 'as nobody', shell: 'echo "$RB_SITE $RB_SHARED $RB_TASK $(id -un)"', become: true, become_user: 'nobody', environment: { RB_SHARED: 'task', RB_TASK: '{{ inventory_hostname }}' }, register: 'seen', changed_when: false },
        { name: 'as root', command: 'id -un', register: 'root', changed_when: false },
        { name: 'keep them', copy: { dest: '/root/rb-env.txt', content: '{{ seen.stdout }}\n{{ root.stdout }}\n' } },
      ],
    }], null, 2)}\n`);
    const r = await rbRun(['run', file, '-i', LAB_INVENTORY]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await labSh(HOST, 'cat /root/rb-env.txt')).to.equal(`site task ${HOST} nobody\nroot\n`);
  });

  // cpio is one of the lab's own packages (rb lab deps): installed on the machine, harmless to remove in one host.
  it('package absent removes an installed package inside the host only', async () => {
    const r = await converge({ playbook: play([{ name: 'no cpio', package: { name: 'cpio', state: 'absent' } }]) });
    expect(r.changes.map((c) => [c.kind, c.resource, c.after])).to.deep.equal([['remove-package', 'cpio', undefined]]);
    const status = (h: string) => labExec(h, "dpkg-query -W -f='${Status}' cpio");
    expect((await status(HOST)).stdout).to.not.match(/ installed$/);
    expect((await status(PEER)).stdout).to.equal('install ok installed');
  });

  it("service starts Debian's rsync daemon, disables it at boot, and a stopped daemon is drift; a peer can list its modules", async () => {
    const setup = [
      { name: 'conf', copy: { dest: '/etc/rsyncd.conf', content: `address = ${ADDR}\n[data]\npath = /srv\n` } },
      { name: 'enable in defaults', lineinfile: { path: '/etc/default/rsync', regexp: '^RSYNC_ENABLE=', line: 'RSYNC_ENABLE=true' } },
      // Enabled in the image (rc2.d/S01rsync): disabling is the change update-rc.d makes.
      { name: 'rsync daemon', service: { name: 'rsync', state: 'started', enabled: false, pid_file: '/var/run/rsync.pid', process: 'rsync' } },
    ];
    const r = await converge({ playbook: play(setup), tamper: { host: HOST, cmd: '/etc/init.d/rsync stop >/dev/null' } });
    expect(r.changes.filter((c) => c.module === 'service').map((c) => [c.kind, c.before, c.after])).to.deep.equal([
      ['start-service', 'stopped', 'running'],
      ['disable-service', true, false],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.before, c.after])).to.deep.equal([['start-service', 'stopped', 'running']]);
    await rbRun(['run', play(setup), '-i', LAB_INVENTORY]);
    expect(await labSh(PEER, `rsync rsync://${ADDR}/`)).to.match(/^data\b/m);
    expect(await labSh(HOST, 'ls /etc/rc2.d')).to.match(/^K\d\drsync$/m).and.not.match(/^S\d\drsync$/m);
  });

  it('restarted keepalived really restarts (new pid, running) every time; stopped leaves no process', async () => {
    const conf = [
      'vrrp_instance RBTEST {',
      '  state BACKUP',
      '  interface eth0',
      '  virtual_router_id 201',
      '  priority 50',
      '  advert_int 1',
      '  virtual_ipaddress {',
      '    198.18.0.201/32 dev eth0',
      '  }',
      '}',
      '',
    ].join('\n');
    const tasks = [
      { name: 'conf', copy: { dest: '/etc/keepalived/keepalived.conf', content: conf, validate: 'keepalived -t -f %s' } },
      { name: 'keepalived', service: { name: 'keepalived', state: 'started', pid_file: '/run/keepalived.pid', process: 'keepalived' } },
    ];
    const up = await rbRun(['run', play(tasks), '-i', LAB_INVENTORY]);
    expect(up.code, up.stdout).to.equal(0);
    const pids = [await pidOf('/run/keepalived.pid')];
    const restart = play([{ name: 'restart', service: { name: 'keepalived', state: 'restarted', pid_file: '/run/keepalived.pid', process: 'keepalived' } }]);
    for (let i = 0; i < 3; i++) {
      const r = await rbRun(['run', restart, '-i', LAB_INVENTORY]);
      expect(r.code, r.stdout).to.equal(0);
      expect(r.report!.tasks.map((t) => [t.task, t.status])).to.deep.equal([['restart', 'changed']]);
      pids.push(await pidOf('/run/keepalived.pid'));
      expect((await labExec(HOST, `kill -0 ${pids[pids.length - 1]}`)).code, `keepalived alive after restart ${i + 1}`).to.equal(0);
    }
    expect(new Set(pids).size, `pids ${pids.join(' ')}`).to.equal(4);
    const stop = await rbRun(['run', play([{ name: 'stop', service: { name: 'keepalived', state: 'stopped', pid_file: '/run/keepalived.pid', process: 'keepalived' } }]), '-i', LAB_INVENTORY]);
    expect(stop.code, stop.stdout).to.equal(0);
    expect((await labExec(HOST, 'pidof keepalived')).code).to.equal(1);
  });

  it('wait_for sees the peer port open from inside the host, and times out on a closed one', async () => {
    await labSh(PEER, `printf 'address = 198.18.0.19\\n[x]\\npath = /tmp\\n' > /etc/rsyncd.conf && rsync --daemon --config=/etc/rsyncd.conf`);
    const ok = await rbRun(['run', play([{ name: 'peer rsync', wait_for: { host: '198.18.0.19', port: 873, timeout: 10 } }]), '-i', LAB_INVENTORY]);
    expect(ok.code, ok.stdout).to.equal(0);
    const closed = await rbRun(['run', play([{ name: 'closed', wait_for: { host: '198.18.0.19', port: 874, timeout: 1 } }]), '-i', LAB_INVENTORY]);
    expect(closed.code).to.equal(3);
    expect(closed.report!.tasks[0].msg).to.include('timed out after 1 s waiting for port 874 on 198.18.0.19 to be open');
  });
});
