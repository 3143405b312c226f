import { expect } from 'chai';
import { diffConfig, MASK } from '../../modules/vrrp/diff.js';
import { fromTree } from '../../modules/vrrp/model.js';
import { parseConf } from '../../modules/lib/keepalived-conf/parser.js';

const conf = (text: string) => fromTree(parseConf(text, 'test.conf'));

const BASE = `
global_defs {
    router_id rb1
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    authentication {
        auth_type PASS
        auth_pass s3cret
    }
    virtual_ipaddress {
        172.16.0.30/32 dev eth0
        172.16.0.40
    }
}
virtual_server 172.16.0.30 80 {
    lb_algo rr
    real_server 172.16.0.31 80 {
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`;

describe('vrrp semantic diff', () => {
  it('ignores comments, spacing, block order and list order', () => {
    const other = `
! rewritten by hand
virtual_server 172.16.0.30 80 {   # the web service
  real_server 172.16.0.31 80 { TCP_CHECK {
      connect_timeout    3
  } }
  lb_algo rr
}
vrrp_instance VI_1
{
  virtual_ipaddress {
    172.16.0.40/32
    172.16.0.30 dev eth0
  }
  priority 100
  virtual_router_id 51
  interface eth0
  state MASTER
  authentication { auth_type PASS
    auth_pass "s3cret"
  }
}
global_defs { router_id rb1 }
`;
    expect(diffConfig(conf(BASE), conf(other))).to.deep.equal([]);
  });

  it('names a changed field by its block and keyword', () => {
    const d = diffConfig(conf(BASE), conf(BASE.replace('priority 100', 'priority 50')));
    expect(d).to.deep.equal([{ op: 'set', field: 'vrrp_instance VI_1.priority', keyword: 'priority', before: 100, after: 50 }]);
  });

  it('reports an added real server under its virtual server', () => {
    const more = BASE.replace('    real_server 172.16.0.31 80 {', '    real_server 172.16.0.32 80 {\n        weight 2\n    }\n    real_server 172.16.0.31 80 {');
    expect(diffConfig(conf(BASE), conf(more))).to.deep.equal([
      { op: 'add', field: 'virtual_server 172.16.0.30:80.real_server 172.16.0.32:80', keyword: 'real_server', after: { ip: '172.16.0.32', port: 80, weight: 2 } },
    ]);
  });

  it('masks secrets in changed fields and in added or removed blocks', () => {
    const changed = diffConfig(conf(BASE), conf(BASE.replace('auth_pass s3cret', 'auth_pass n3w')));
    expect(changed).to.deep.equal([{ op: 'set', field: 'vrrp_instance VI_1.authentication.auth_pass', keyword: 'auth_pass', before: MASK, after: MASK, secret: true }]);
    const removed = diffConfig(conf(BASE), conf('global_defs {\n router_id rb1\n}\n' + BASE.slice(BASE.indexOf('virtual_server'))));
    expect(removed).to.have.length(1);
    expect(removed[0]).to.include({ op: 'remove', field: 'vrrp_instance VI_1' });
    expect(JSON.stringify(removed)).not.to.include('s3cret');
    expect((removed[0].before as { authentication: unknown }).authentication).to.deep.equal({ auth_type: 'PASS', auth_pass: MASK });
  });

  it('shows a list change as the whole list before and after', () => {
    const d = diffConfig(conf(BASE), conf(BASE.replace('        172.16.0.40\n', '        172.16.0.40\n        172.16.0.50/32 label eth0:5\n')));
    expect(d).to.deep.equal([
      {
        op: 'set',
        field: 'vrrp_instance VI_1.virtual_ipaddress',
        keyword: 'virtual_ipaddress',
        before: ['172.16.0.30/32 dev eth0', '172.16.0.40/32'],
        after: ['172.16.0.30/32 dev eth0', '172.16.0.40/32', '172.16.0.50/32 label eth0:5'],
      },
    ]);
  });

  // Changes come in the order of the new config; removals first.
  it('pairs checkers by position and names them by index only when there are several', () => {
    const one = diffConfig(conf(BASE), conf(BASE.replace('connect_timeout 3', 'connect_timeout 5')));
    expect(one.map((c) => c.field)).to.deep.equal(['virtual_server 172.16.0.30:80.real_server 172.16.0.31:80.TCP_CHECK.connect_timeout']);
    const two = diffConfig(conf(BASE), conf(BASE.replace('        TCP_CHECK {', '        TCP_CHECK {\n            connect_port 81\n        }\n        TCP_CHECK {')));
    expect(two.map((c) => `${c.op} ${c.field}`)).to.deep.equal([
      'set virtual_server 172.16.0.30:80.real_server 172.16.0.31:80.TCP_CHECK[0].connect_port',
      'set virtual_server 172.16.0.30:80.real_server 172.16.0.31:80.TCP_CHECK[0].connect_timeout',
      'add virtual_server 172.16.0.30:80.real_server 172.16.0.31:80.TCP_CHECK[1]',
    ]);
  });

  it('tells fwmark services and url checks apart by their identity', () => {
    const a = conf('virtual_server fwmark 3 {\n real_server 10.0.0.1 {\n  HTTP_GET {\n   url {\n    path /a\n    status_code 200\n   }\n  }\n }\n}');
    const b = conf('virtual_server fwmark 3 {\n real_server 10.0.0.1 {\n  HTTP_GET {\n   url {\n    path /b\n   }\n   url {\n    path /a\n    status_code 200-299\n   }\n  }\n }\n}');
    expect(diffConfig(a, b).map((c) => `${c.op} ${c.field}`)).to.deep.equal([
      'add virtual_server fwmark 3.real_server 10.0.0.1.HTTP_GET.url /b',
      'set virtual_server fwmark 3.real_server 10.0.0.1.HTTP_GET.url /a.status_code',
    ]);
  });

  it('compares unknown keywords as text, grouped by keyword', () => {
    const a = conf('vrrp_instance VI_1 {\n debug 1\n accept\n}');
    const b = conf('vrrp_instance VI_1 {\n accept\n debug   2\n}');
    expect(diffConfig(a, b)).to.deep.equal([
      { op: 'set', field: 'vrrp_instance VI_1.debug', keyword: 'debug', before: 'debug 1', after: 'debug 2' },
    ]);
  });
});
