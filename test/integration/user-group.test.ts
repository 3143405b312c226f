// user and group on a real lab host: the first run changes, the second
// nothing, --check predicted the first run, tampering is drift; the accounts
// rb leaves (passwd, group, shadow hash, home directory) are the ones
// ansible-playbook leaves from the same playbook on the same fresh host; the
// password hash never reaches rb's output; a failed host is rolled back.

import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { converge } from '../harness/converge.js';
import { LAB_INVENTORY, labSh, resetHosts, useLab } from '../harness/lab.js';
import { rbRun } from '../harness/rb.js';
import { ansiblePlaybook, tempPlays } from '../harness/ansible-lab.js';

const HOST = 'rb3';
const HASH = '$6$rbsalt$R6kU0QXq1u8v0m0H3O8yq8cVf8n9Zr4m1g0Qk3v6Xj7p2s5t8w1y4B7e0H3k6N9q2T5w8Z1c4F7i0L3o6R9u2';
const { dir, play } = tempPlays(HOST, 'rb-accounts-');

/** What the accounts look like on the host: entries, memberships, the hash, the home directory. */
async function accounts(): Promise<string> {
  return labSh(
    HOST,
    'getent passwd lbadmin lbsvc || true; getent group lbops adm lbmon lbsvc || true; getent shadow lbadmin | cut -d: -f2; ' +
      'if [ -d /home/lbadmin ]; then stat -c "%a %U %G" /home/lbadmin; ls -A /home/lbadmin; else echo no-home; fi; ' +
      'test -e /var/lib/lbsvc && echo lbsvc-home || echo no-lbsvc-home',
  );
}

const present = [
  { name: 'ops group', 'ansible.builtin.group': { name: 'lbops', gid: 1490 } },
  { name: 'ha group', group: { name: 'lbmon', system: true } },
  {
    name: 'admin',
    'ansible.builtin.user': { name: 'lbadmin', uid: 1500, group: 'lbops', groups: 'adm,lbmon', append: true, shell: '/bin/bash', comment: 'LB admin', password: HASH },
  },
  { name: 'service account', user: { name: 'lbsvc', system: true, create_home: false, home: '/var/lib/lbsvc', shell: '/usr/sbin/nologin' } },
];

const absent = [
  { user: { name: 'lbadmin', state: 'absent', remove: true } },
  { user: { name: 'lbsvc', state: 'absent' } },
  { group: { name: 'lbops', state: 'absent' } },
];

describe('user and group on a lab host, compared with ansible-playbook', function () {
  this.timeout(300_000);
  useLab(4);
  beforeEach(() => resetHosts([HOST]));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await resetHosts([HOST]);
  });

  it('converges, is idempotent, reports drift, and leaves the accounts Ansible leaves', async () => {
    const r = await converge({ playbook: play(present), tamper: { host: HOST, cmd: 'usermod -s /bin/sh lbadmin && gpasswd -d lbadmin adm >/dev/null' } });
    expect(r.changes.map((c) => [c.module, c.kind, c.resource])).to.deep.equal([
      ['group', 'create-group', 'lbops'],
      ['group', 'create-group', 'lbmon'],
      ['user', 'create-user', 'lbadmin'],
      ['user', 'create-user', 'lbsvc'],
    ]);
    expect(r.drift!.changes.map((c) => [c.kind, c.before, c.after])).to.deep.equal([
      ['add-groups', ['lbmon'], ['adm', 'lbmon']],
      ['set-shell', '/bin/sh', '/bin/bash'],
    ]);
    await resetHosts([HOST]);
    const first = await rbRun(['run', play(present), '-i', LAB_INVENTORY, '--diff', '-v']);
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    // The hash is a secret: neither the output nor the report shows it.
    expect(first.stdout + first.stderr + JSON.stringify(first.report)).to.not.include(HASH.slice(8));
    const rb = await accounts();
    expect(rb).to.include(`lbadmin:x:1500:1490:LB admin:/home/lbadmin:/bin/bash\n`);
    expect(rb).to.include(`${HASH}\n`);
    expect(rb).to.match(/^lbsvc:x:\d{3}:\d+::\/var\/lib\/lbsvc:\/usr\/sbin\/nologin$/m);
    expect(rb).to.include('no-lbsvc-home');

    await resetHosts([HOST]);
    expect(await ansiblePlaybook(play(present))).to.match(/changed=4/);
    expect(await accounts()).to.equal(rb);
  });

  it('absent removes users (with their home when remove is set) and groups as Ansible does; a second run changes nothing', async () => {
    await rbRun(['run', play(present), '-i', LAB_INVENTORY]);
    const r = await converge({ playbook: play(absent) });
    expect(r.changes.map((c) => [c.kind, c.resource])).to.deep.equal([
      ['remove-user', 'lbadmin'],
      ['remove-user', 'lbsvc'],
      ['remove-group', 'lbops'],
    ]);
    const rb = await accounts();
    expect(rb).to.include('no-home');
    expect(rb).to.not.include('lbadmin:');

    await resetHosts([HOST]);
    await ansiblePlaybook(play(present));
    expect(await ansiblePlaybook(play(absent))).to.match(/changed=3/);
    expect(await accounts()).to.equal(rb);
  });

  it('register holds what Ansible registers (uid, group, home, shell, comment), for a created and an unchanged user', async () => {
    const look = [
      { user: { name: 'lbreg', uid: 1510, shell: '/bin/bash', comment: 'reg' }, register: 'made' },
      { user: { name: 'lbreg' }, register: 'same' },
      {
        copy: {
          dest: '/etc/rb-user.json',
          content: "{{ [made.name, made.uid, made.group, made.home, made.shell, made.comment, made.state, same.uid, same.home, same.shell, same.changed] | to_json }}\n",
        },
      },
    ];
    const r = await rbRun(['run', play(look), '-i', LAB_INVENTORY]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const rb = await labSh(HOST, 'cat /etc/rb-user.json');
    await resetHosts([HOST]);
    await ansiblePlaybook(play(look));
    expect(rb).to.equal(await labSh(HOST, 'cat /etc/rb-user.json'));
    expect(JSON.parse(rb)).to.deep.include.members(['lbreg', 1510, '/home/lbreg', '/bin/bash', 'reg', 'present', false]);
  });

  it('a user changed by hand is put back by usermod, and a failed host gets its accounts back', async () => {
    await rbRun(['run', play(present), '-i', LAB_INVENTORY]);
    const before = await accounts();
    const changed = [
      { user: { name: 'lbadmin', uid: 1600, shell: '/bin/sh', groups: [], comment: 'renamed', password: '$6$other$abcdefgh' } },
      { user: { name: 'lbnew', uid: 1700 } },
      { group: { name: 'lbops', gid: 1491 } },
      { command: '/bin/false' },
    ];
    const r = await rbRun(['run', play(changed), '-i', LAB_INVENTORY]);
    expect(r.code).to.not.equal(0);
    expect(r.report!.tasks.slice(0, 3).map((t) => t.status)).to.deep.equal(['changed', 'changed', 'changed']);
    expect(await accounts()).to.equal(before);
    expect(await labSh(HOST, 'getent passwd lbnew || echo gone; test -e /home/lbnew && echo home || echo no-home')).to.equal('gone\nno-home\n');
  });
});
