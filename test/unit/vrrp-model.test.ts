import { join } from 'node:path';
import { expect } from 'chai';
import { diffConfig } from '../../modules/vrrp/diff.js';
import { fromParams, fromTree, type KeepalivedConfig } from '../../modules/vrrp/model.js';
import { parseConf } from '../../modules/lib/keepalived-conf/parser.js';
import { HEADER, render } from '../../modules/vrrp/render.js';
import { FIXTURES, readConfig, validFixtureParams } from '../fixtures/vrrp/local.js';

const SEEDS = ['seed-001-web.conf', 'seed-001-mysql.conf', 'seed-002-fwmark.conf', 'seed-002-notify.conf'];
const ALL = join(FIXTURES, 'all-constructs', 'keepalived.conf');

function roundTrip(m: KeepalivedConfig): void {
  const text = render(m).text;
  const again = fromTree(parseConf(text, 'rendered'));
  expect(again, 'parse(render(m))').to.deep.equal(m);
  expect(render(again).text, 'rendering is stable').to.equal(text);
}

describe('vrrp model: round trip', () => {
  for (const seed of SEEDS) {
    it(`parse(render(m)) == m for ${seed}`, () => roundTrip(readConfig(join(FIXTURES, seed))));
  }

  it('parse(render(m)) == m for the every-construct config with its includes', () => roundTrip(readConfig(ALL)));

  for (const { name, params } of validFixtureParams()) {
    it(`parse(render(m)) == m for the params of ${name}`, () => roundTrip(fromParams(params)));
  }

  it('renders the header, then blocks in a fixed order', () => {
    const text = render(readConfig(join(FIXTURES, 'seed-002-notify.conf'))).text;
    expect(text.split('\n')[0]).to.equal(HEADER);
    expect(text.indexOf('global_defs {')).to.be.lessThan(text.indexOf('vrrp_instance VI_1 {'));
    expect(text).to.include('    notify_master "/etc/keepalived/bypass_ipvs.sh del 172.16.0.30"\n');
  });
});

describe('vrrp model: what the seeds say', () => {
  it('reads seed 001 web load balancing field by field, comments dropped', () => {
    const m = readConfig(join(FIXTURES, 'seed-001-web.conf'));
    expect(m.global_defs, 'an empty notification_email block is kept').to.deep.equal({ notification_email: [] });
    expect(diffConfig({ ...m, global_defs: undefined }, m), 'and compares as absent, as keepalived reads it').to.deep.equal([]);
    expect(m.instances).to.deep.equal([
      {
        name: 'VI_1',
        state: 'MASTER',
        interface: 'ens33',
        virtual_router_id: 51,
        priority: 100,
        advert_int: 1,
        authentication: { auth_type: 'PASS', auth_pass: '1111' },
        virtual_ipaddress: [{ address: '192.168.254.250/24' }],
      },
    ]);
    const check = { connect_timeout: 3, retry: 3, delay_before_retry: 3 };
    expect(m.virtual_servers).to.deep.equal([
      {
        ip: '192.168.254.250',
        port: 80,
        delay_loop: 3,
        lb_algo: 'rr',
        lb_kind: 'DR',
        protocol: 'TCP',
        real_servers: [
          { ip: '192.168.254.18', port: 80, weight: 1, TCP_CHECK: [check] },
          { ip: '192.168.254.19', port: 80, weight: 1, TCP_CHECK: [check] },
        ],
      },
    ]);
  });

  it('reads seed 001 mysql HA: vrrp_script, nopreempt, track_script', () => {
    const m = readConfig(join(FIXTURES, 'seed-001-mysql.conf'));
    expect(m.vrrp_scripts).to.deep.equal([{ name: 'chk_mysql', script: '/root/sh/check_mysql.sh', interval: 2 }]);
    expect(m.instances![0]).to.include({ name: 'HA_1', state: 'BACKUP', nopreempt: true, virtual_router_id: 151 });
    expect(m.instances![0].track_script).to.deep.equal(['chk_mysql']);
  });

  it('reads seed 002 fwmark as written, values keepalived would refuse included', () => {
    const vs = readConfig(join(FIXTURES, 'seed-002-fwmark.conf')).virtual_servers![0];
    expect(vs).to.include({ fwmark: 3, persistence_timeout: 0, protocol: 'TCP' });
    expect(vs.real_servers!.map((r) => `${r.ip}:${r.port}`)).to.deep.equal(['172.16.0.31:80', '172.16.0.32:80']);
  });
});

describe('vrrp model: every construct', () => {
  const m = readConfig(ALL);

  it('takes blocks from included files, nested includes too', () => {
    expect(m.vrrp_scripts!.map((s) => s.name)).to.deep.equal(['chk_web', 'chk_db']);
  });

  it('keeps unknown keywords verbatim at every level', () => {
    expect(m.extra).to.deep.equal(['track_file tf {\n    file /etc/hostname\n}']);
    expect(m.global_defs!.extra).to.deep.equal(['vrrp_check_unicast_src']);
    expect(m.instances![0].extra).to.deep.equal(['accept']);
  });

  it('replaces $NAME parameters as keepalived does', () => {
    expect(m.global_defs!.script_user).to.equal('root');
  });

  it('types static addresses, garp settings and SMTP checks', () => {
    expect(m.static_ipaddress).to.deep.equal([{ address: '192.0.2.200/32', dev: 'lo', scope: 'host' }]);
    expect(m.global_defs!.vrrp_garp_master_refresh).to.equal(60);
    expect(m.instances![0].garp_master_refresh).to.equal(10);
    expect(m.virtual_servers![0].real_servers![1].SMTP_CHECK).to.deep.equal([{ connect_timeout: 5 }]);
  });

  it('keeps a known keyword whose arguments it cannot model verbatim, never half-read', () => {
    expect(m.vrrp_scripts![1]).to.deep.equal({ name: 'chk_db', script: '/bin/true', interval: 5, extra: ['weight -20 reverse'] });
  });

  it('reads an unquoted command of several words as the command keepalived runs', () => {
    expect(m.instances![1].notify_master).to.equal('/bin/true root');
    expect(m.instances![1].extra).to.equal(undefined);
  });

  it('normalises what keepalived treats as equal', () => {
    const vi1 = m.instances![0];
    expect(vi1.virtual_ipaddress).to.deep.equal([
      { address: '192.0.2.100/32', dev: 'eth0', label: 'eth0:0' },
      { address: '192.0.2.101/32' },
      { address: '192.0.2.102/24', brd: '192.0.2.255', dev: 'eth0', scope: 'global', options: 'no_track' },
    ]);
    expect(vi1.unicast_peer).to.deep.equal(['192.0.2.3', '192.0.2.4 min_ttl 1 max_ttl 64']);
    expect(m.virtual_servers![0]).to.include({ lb_algo: 'wrr', lb_kind: 'DR' }, 'lvs_sched/lvs_method read as lb_algo/lb_kind');
    expect(m.global_defs!.notification_email).to.deep.equal(['ops@example.org', 'noc@example.org', 'admin@example.org']);
  });

  it('keeps quoted values whole and repeated checkers apart', () => {
    expect(m.global_defs!.router_id).to.equal('lab director');
    expect(m.instances![0].authentication!.auth_pass).to.equal('p#ss w0');
    expect(m.virtual_servers![0].real_servers![0].TCP_CHECK).to.have.length(2);
    expect(m.virtual_servers![0].real_servers![1].HTTP_GET![0].url!.map((u) => u.path)).to.deep.equal(['/health', '/index.html']);
  });
});
