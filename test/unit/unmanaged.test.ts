// rb drift --unmanaged, the module side: from the params and facts a drift run
// already has, the IPVS services/real servers and the MARK rules no task declares.

import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import { modules } from '../../modules/index.js';
import { fromTree } from '../../modules/vrrp/model.js';
import { parseConf } from '../../modules/lib/keepalived-conf/parser.js';

async function declared(module: string, raw: Record<string, unknown>, facts: unknown, taskName = 't') {
  await modules.load([module]);
  const def = modules.get(module)!;
  const v = validateFields(def.params, raw);
  expect(v.problems, JSON.stringify(v.problems)).to.deep.equal([]);
  return { def, entry: { params: v.value, facts, taskName } };
}

describe('unmanaged state (rb drift --unmanaged)', () => {
  it('ipvs: a service and a real server no task names, in ipvsadm -Sn as the host prints it', async () => {
    const live = ['-A -t 198.18.0.100:80 -s rr', '-a -t 198.18.0.100:80 -r 198.18.0.12:80 -g -w 1', '-a -t 198.18.0.100:80 -r 198.18.0.19:80 -g -w 1', '-A -u 198.18.0.101:53 -s wlc', '-a -u 198.18.0.101:53 -r 198.18.0.13:53 -g -w 1', ''].join('\n');
    const { def, entry } = await declared('ipvs', { services: [{ protocol: 'tcp', address: '198.18.0.100', port: 80, scheduler: 'rr', real_servers: [{ address: '198.18.0.12' }] }] }, { live, thresholds: {} });
    expect(def.unmanaged!([entry])).to.deep.equal(['service tcp 198.18.0.100:80 real server 198.18.0.19:80', 'service udp 198.18.0.101:53 (real servers 198.18.0.13:53)']);
  });

  it('iptables_mark: MARK rules without a declared comment in a managed chain; other chains and targets are not rb\'s', async () => {
    const rules = [
      '-A PREROUTING -d 198.18.0.100/32 -p tcp -m tcp --dport 80 -m comment --comment "rb:mark web" -j MARK --set-xmark 0x3/0xffffffff',
      '-A PREROUTING -d 198.18.0.101/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x4/0xffffffff',
      '-A PREROUTING -s 10.0.0.0/8 -j ACCEPT',
      '-A OUTPUT -j MARK --set-xmark 0x9/0xffffffff',
    ];
    const { def, entry } = await declared('iptables_mark', { table: 'mangle', chain: 'PREROUTING', destination: '198.18.0.100', protocol: 'tcp', dport: 80, set_mark: 3 }, { rules, chains: ['PREROUTING', 'OUTPUT'], os: 'debian', files: {}, bootLoader: false }, 'mark web');
    expect(def.unmanaged!([entry])).to.deep.equal(['mangle -A PREROUTING -d 198.18.0.101/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x4/0xffffffff']);
  });

  it('vrrp: VRRP instances, virtual servers and real servers a running keepalived has that no vrrp task declares; nothing while it is stopped', async () => {
    const conf = [
      'vrrp_instance VI_1 {', ' state MASTER', ' interface eth0', ' virtual_router_id 51', ' priority 100', ' virtual_ipaddress {', '  198.18.0.100/32 dev eth0', ' }', '}',
      'vrrp_instance VI_9 {', ' state BACKUP', ' interface eth0', ' virtual_router_id 59', ' priority 50', ' virtual_ipaddress {', '  198.18.0.109/32 dev eth0', ' }', '}',
      'virtual_server 198.18.0.100 80 {', ' lb_algo rr', ' lb_kind DR', ' protocol TCP',
      ' real_server 198.18.0.13 80 {', '  weight 1', ' }', ' real_server 198.18.0.19 80 {', '  weight 1', ' }', '}',
      'virtual_server 198.18.0.109 443 {', ' lb_algo wlc', ' lb_kind DR', ' protocol TCP', ' real_server 198.18.0.14 443 {', '  weight 1', ' }', '}',
      'virtual_server fwmark 7 {', ' lb_algo rr', ' lb_kind DR', '}',
      '',
    ].join('\n');
    const config = fromTree(parseConf(conf, '/etc/keepalived/keepalived.conf'));
    const params = {
      instances: [{ name: 'VI_1', state: 'MASTER', interface: 'eth0', virtual_router_id: 51, priority: 100, virtual_ipaddress: ['198.18.0.100/32 dev eth0'] }],
      virtual_servers: [{ ip: '198.18.0.100', port: 80, lb_algo: 'rr', lb_kind: 'DR', protocol: 'TCP', real_servers: [{ ip: '198.18.0.13', port: 80, weight: 1 }] }],
    };
    const facts = { path: '/etc/keepalived/keepalived.conf', exists: true, config, included: [], running: true, pid: 1, masterOf: [] };
    const { def, entry } = await declared('vrrp', params, facts);
    expect(def.unmanaged!([entry])).to.deep.equal([
      'vrrp_instance VI_9 (eth0 vrid 59, 198.18.0.109/32)',
      'virtual_server 198.18.0.100:80 real_server 198.18.0.19:80',
      'virtual_server 198.18.0.109:443 (real_server 198.18.0.14:443)',
      'virtual_server fwmark 7',
    ]);
    expect(def.unmanaged!([{ ...entry, facts: { ...facts, running: false } }]), 'keepalived stopped').to.deep.equal([]);
    const all = await declared('vrrp', { ...params, instances: [...params.instances, { name: 'VI_9', interface: 'eth0', virtual_router_id: 59, priority: 50 }] }, facts);
    expect(def.unmanaged!([entry, all.entry]), 'a second task declaring VI_9').to.deep.equal(['virtual_server 198.18.0.100:80 real_server 198.18.0.19:80', 'virtual_server 198.18.0.109:443 (real_server 198.18.0.14:443)', 'virtual_server fwmark 7']);
  });
});
