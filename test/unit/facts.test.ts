// Gathered facts: rb's parser on the output of its fact command captured on a
// lab host gives what Ansible's setup reported for the same host at the same
// moment (test/fixtures/facts/capture.sh), for every fact rb promises.

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectors, factVars, parseFacts, selectFacts } from '../../core/facts/index.js';
import { mayNeedFacts } from '../../core/engine/system-facts.js';
import type { Task } from '../../core/playbook/types.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'facts');
const raw = readFileSync(join(dir, 'rb1.out'), 'utf8');
const ansible = JSON.parse(readFileSync(join(dir, 'rb1.ansible.json'), 'utf8')) as Record<string, unknown>;
const facts = parseFacts(raw);

/** Facts rb promises equal to Ansible's, value and type. */
const EXACT = [
  'hostname', 'fqdn', 'nodename', 'domain', 'os_family', 'distribution', 'distribution_version', 'distribution_release',
  'distribution_major_version', 'distribution_minor_version', 'distribution_file_path', 'kernel', 'kernel_version', 'architecture', 'machine',
  'userspace_architecture', 'system', 'machine_id', 'processor', 'processor_count', 'processor_cores', 'processor_threads_per_core',
  'processor_vcpus', 'processor_nproc', 'memtotal_mb', 'swaptotal_mb', 'swapfree_mb', 'all_ipv4_addresses', 'all_ipv6_addresses',
  'default_ipv4', 'default_ipv6', 'dns', 'service_mgr', 'pkg_mgr', 'user_id', 'user_uid', 'user_gid', 'user_dir', 'user_shell',
  'user_gecos', 'real_user_id', 'effective_user_id', 'real_group_id', 'effective_group_id',
];

describe('gathered facts (compared with Ansible setup on a lab host)', () => {
  for (const k of EXACT) {
    it(`ansible_${k} is Ansible's`, () => {
      expect(ansible, `Ansible reported ansible_${k}`).to.have.property(`ansible_${k}`);
      expect(facts[k]).to.deep.equal(ansible[`ansible_${k}`]);
    });
  }

  it('lists the interfaces Ansible lists, each with its ipv4/ipv6/macaddress/mtu/active/type/promisc', () => {
    const names = ansible.ansible_interfaces as string[];
    expect([...(facts.interfaces as string[])].sort()).to.deep.equal([...names].sort());
    for (const n of names) {
      const { speed: _speed, module: _module, ...want } = ansible[`ansible_${n}`] as Record<string, unknown>;
      expect(facts[n], n).to.deep.equal(want);
    }
  });

  it('date_time has Ansible\'s keys and formats (taken a few seconds apart)', () => {
    const mine = facts.date_time as Record<string, string>;
    const theirs = ansible.ansible_date_time as Record<string, string>;
    expect(Object.keys(mine).sort()).to.deep.equal(Object.keys(theirs).sort());
    for (const k of ['date', 'year', 'month', 'day', 'tz', 'tz_dst', 'tz_offset', 'weekday', 'weekday_number', 'weeknumber']) expect(mine[k], k).to.equal(theirs[k]);
    for (const k of Object.keys(theirs)) expect(mine[k].length, `${k} format`).to.equal(theirs[k].length);
    expect(Math.abs(Number(mine.epoch) - Number(theirs.epoch))).to.be.lessThan(120);
  });

  it('memory and uptime within what changes between two reads', () => {
    expect(Math.abs((facts.memfree_mb as number) - (ansible.ansible_memfree_mb as number))).to.be.lessThan(2048);
    expect(Math.abs((facts.uptime_seconds as number) - (ansible.ansible_uptime_seconds as number))).to.be.lessThan(120);
    expect(Object.keys(facts.memory_mb as object).sort()).to.deep.equal(Object.keys(ansible.ansible_memory_mb as object).sort());
  });

  it('env holds the login environment', () => {
    expect((facts.env as Record<string, string>).HOME).to.equal('/root');
    expect((facts.env as Record<string, string>).PATH).to.contain('/usr/sbin');
  });

  it('refuses output cut short', () => {
    expect(() => parseFacts(raw.slice(0, raw.indexOf('@@rb-facts:env')))).to.throw(/cut short/);
  });

  it('gather_subset and filter select as Ansible does', () => {
    expect(Object.keys(selectFacts(facts, ['!all', '!min', 'network'], ['ansible_eth*'])).sort()).to.deep.equal(['eth0', 'eth1']);
    expect(selectFacts(facts, ['!all'])).to.not.have.property('eth0');
    expect(selectFacts(facts, ['!all'])).to.have.property('distribution', 'Debian');
    expect(selectFacts(facts, ['!all', '!min'])).to.deep.equal({});
    expect(selectFacts(facts, ['all', '!hardware'])).to.not.have.property('memtotal_mb');
    expect(selectFacts(facts, ['hardware'])).to.have.property('memtotal_mb');
    expect([...collectors(['!hardware'])]).to.include('network');
    expect(() => collectors(['nope'])).to.throw(/unknown subset "nope"/);
  });

  it('as variables: ansible_facts and ansible_<name>', () => {
    const v = factVars(facts);
    expect(v.ansible_default_ipv4).to.equal(facts.default_ipv4);
    expect((v.ansible_facts as Record<string, unknown>).os_family).to.equal('Debian');
  });

  it('a task that names a fact gathers before it renders; magic and connection variables do not', () => {
    const t = (args: Record<string, unknown>, extra: Partial<Task> = {}) => ({ module: 'debug', args, vars: {}, name: 'x', ...extra }) as unknown as Task;
    expect(mayNeedFacts(t({ msg: '{{ ansible_default_ipv4.address }}' }))).to.equal(true);
    expect(mayNeedFacts(t({ msg: "{{ hostvars[h]['ansible_eth0'].ipv4.address }}" }))).to.equal(true);
    expect(mayNeedFacts(t({ msg: 'x' }, { when: "ansible_facts['os_family'] == 'Debian'" } as Partial<Task>))).to.equal(true);
    expect(mayNeedFacts(t({ msg: "{{ ansible_play_hosts | join(',') }} {{ ansible_host }} {{ ansible_check_mode }}" }))).to.equal(false);
    expect(mayNeedFacts({ ...t({ src: "missing.conf.j2" }), module: "template" } as Task)).to.equal(true);
  });

  it('a template file reads facts when its text names one (or includes another file)', () => {
    const d = mkdtempSync(join(tmpdir(), 'rb-facts-tpl-'));
    try {
      mkdirSync(join(d, 'templates'));
      writeFileSync(join(d, 'templates', 'plain.j2'), 'port {{ port }}\n{{ ansible_managed }}\n');
      writeFileSync(join(d, 'templates', 'facts.j2'), 'bind {{ ansible_default_ipv4.address }}\n');
      writeFileSync(join(d, 'templates', 'incl.j2'), '{% include "x.j2" %}\n');
      const tpl = (src: string) => ({ module: 'template', args: { src, dest: '/x' }, vars: {}, name: 't', loc: { file: join(d, 'play.yml'), line: 1, col: 1 } }) as unknown as Task;
      expect(mayNeedFacts(tpl('plain.j2'), d)).to.equal(false);
      expect(mayNeedFacts(tpl('facts.j2'), d)).to.equal(true);
      expect(mayNeedFacts(tpl('incl.j2'), d)).to.equal(true);
      expect(mayNeedFacts(tpl('{{ name }}.j2'), d)).to.equal(true);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
