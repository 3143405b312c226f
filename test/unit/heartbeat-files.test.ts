// ha.cf, authkeys and haresources read the way heartbeat reads them and
// written back canonically: seed 004's files, a file with every construct,
// round trips, and the params model meeting the parsed seed.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAuthkeys, renderAuthkeys, AuthkeysSyntaxError } from '../../modules/heartbeat/authkeys.js';
import { diffAuthkeys, diffHaCf, diffHaresources } from '../../modules/heartbeat/diff.js';
import { parseSeconds, secondsText } from '../../modules/heartbeat/directives.js';
import { haCfFromParams, parseHaCf, renderHaCf, writtenValues, HEADER } from '../../modules/heartbeat/hacf.js';
import { parseHaresources, renderHaresources, scriptOf } from '../../modules/heartbeat/haresources.js';
import { validateFields } from '../../core/schema/validate.js';
import heartbeat from '../../modules/heartbeat/index.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'heartbeat', name), 'utf8');

describe('heartbeat ha.cf', () => {
  it("reads seed 004's DR1 ha.cf", () => {
    expect(parseHaCf(fixture('seed004-dr1.ha.cf'))).to.deep.equal({
      values: {
        debugfile: '/var/log/ha-debug',
        logfile: '/var/log/ha-log',
        logfacility: 'local0',
        bcast: ['eth0'],
        ucast: ['eth0 192.168.57.102'],
        keepalive: 2,
        auto_failback: 'on',
        node: ['centos6-ocfs2-1', 'centos6-ocfs2-2'],
      },
      extra: [],
      late: [],
    });
  });

  it('reads every construct: trailing comments, tabs, commas, time units, aliases, late udpport, unmodelled lines', () => {
    const m = parseHaCf(fixture('every-construct.ha.cf'));
    expect(m.values).to.deep.equal({
      bcast: ['eth3', 'eth0', 'eth1', 'eth2'],
      use_logd: true,
      udpport: 694,
      keepalive: 0.5,
      deadtime: 30,
      warntime: 10,
      initdead: 60,
      mcast: ['eth0 225.0.0.1 694 1 0'],
      ucast: ['eth0 192.168.1.2'],
      auto_failback: 'off',
      node: ['ken3', 'kathy', 'pykel'],
      ping: ['10.10.10.254'],
      respawn: ['hacluster /usr/lib/heartbeat/ipfail'],
      apiauth: ['ipfail gid=haclient uid=hacluster'],
      crm: 'respawn',
      compression: 'bz2',
      realtime: true,
    });
    expect(m.extra).to.deep.equal(['env HA_FOO=bar']);
    expect(m.late).to.deep.equal(['use_logd', 'udpport']);
  });

  it('keeps a value it cannot read as written, so it shows as a difference', () => {
    const m = parseHaCf('keepalive soon\nauto_failback maybe\nudpport 69x\n');
    expect(m.values).to.deep.equal({ keepalive: 'soon', auto_failback: 'maybe', udpport: '69x' });
    expect(diffHaCf(m, haCfFromParams({ keepalive: 1 })).map((c) => c.field)).to.deep.equal(['ha.cf udpport', 'ha.cf keepalive', 'ha.cf auto_failback']);
  });

  it('writes udpport and use_logd before the media lines, one value per line, and reads back the same model', () => {
    const m = parseHaCf(fixture('every-construct.ha.cf'));
    const text = renderHaCf(m);
    const lines = text.split('\n');
    expect(lines[0]).to.equal(HEADER);
    expect(lines.indexOf('udpport 694')).to.be.below(lines.indexOf('bcast eth3'));
    expect(lines).to.include.members(['keepalive 500ms', 'warntime 10', 'use_logd on', 'node kathy', 'crm respawn', 'env HA_FOO=bar']);
    const again = parseHaCf(text);
    expect(again).to.deep.equal({ ...m, late: [] });
    expect(renderHaCf(again)).to.equal(text);
  });

  it('params describing seed 004 DR1 are the parsed file, order of set-like lists aside', () => {
    const { value, problems } = validateFields(heartbeat.params, {
      ha_cf: {
        debugfile: '/var/log/ha-debug',
        logfile: '/var/log/ha-log',
        logfacility: 'local0',
        bcast: 'eth0',
        ucast: [{ dev: 'eth0', peer: '192.168.57.102' }],
        keepalive: '2',
        auto_failback: true,
        node: ['centos6-ocfs2-2', 'centos6-ocfs2-1'],
      },
      authkeys: { key: '46b61a7f417d395c712d9ecf30665aaf' },
    }, '', {}, heartbeat.rules);
    expect(problems).to.deep.equal([]);
    const fromParams = haCfFromParams(value.ha_cf as Record<string, unknown>);
    expect(diffHaCf(parseHaCf(fixture('seed004-dr1.ha.cf')), fromParams)).to.deep.equal([]);
    expect(diffHaCf(parseHaCf(fixture('seed004-dr2.ha.cf')), fromParams)).to.deep.equal([
      { field: 'ha.cf ucast', before: ['eth0 192.168.57.101'], after: ['eth0 192.168.57.102'] },
    ]);
  });

  it('turns mcast objects into the line heartbeat reads', () => {
    expect(haCfFromParams({ mcast: [{ dev: 'eth1', group: '239.0.0.1', port: 694, ttl: 1, loop: 0 }] }).values.mcast).to.deep.equal(['eth1 239.0.0.1 694 1 0']);
  });

  it('finds the values as written, which is how cl_status reports them after a reload', () => {
    expect(writtenValues(fixture('every-construct.ha.cf'), ['keepalive', 'warntime', 'udpport', 'node'])).to.deep.equal({ udpport: '694', keepalive: '500ms', warntime: '10000ms', node: 'pykel' });
  });

  it('reads heartbeat time syntax', () => {
    expect(['2', '1.5', '2s', '500ms', '250000us', 'x', '2m'].map(parseSeconds)).to.deep.equal([2, 1.5, 2, 0.5, 0.25, undefined, undefined]);
    expect([2, 0.5, 1.25].map(secondsText)).to.deep.equal(['2', '500ms', '1250ms']);
  });
});

describe('heartbeat authkeys', () => {
  it("reads and writes seed 004's authkeys", () => {
    const text = fixture('seed004.authkeys');
    const m = parseAuthkeys(text);
    expect(m).to.deep.equal({ auth: 1, keys: [{ index: 1, method: 'sha1', key: '46b61a7f417d395c712d9ecf30665aaf' }] });
    expect(renderAuthkeys(m)).to.equal(text);
  });

  it('reads several keys and crc without a secret', () => {
    expect(parseAuthkeys('# rotation\nauth 2\n1 md5 old\n2 CRC\n')).to.deep.equal({ auth: 2, keys: [{ index: 1, method: 'md5', key: 'old' }, { index: 2, method: 'crc' }] });
  });

  it('refuses a malformed file without printing the secret', () => {
    const bad = 'auth 1\n1 sha1 T0p S3cr3t K3y\n';
    expect(() => parseAuthkeys(bad)).to.throw(AuthkeysSyntaxError, 'line 2: expected "N METHOD [SECRET]" (got 5 words)');
    expect(() => parseAuthkeys(bad)).to.throw().that.satisfies((e: Error) => !/T0p|S3cr3t|K3y/.test(e.message));
    expect(() => parseAuthkeys('auth one\n')).to.throw('line 1: expected "auth N"');
  });

  it('masks the secret in the diff, also of keys rb removes', () => {
    const d = diffAuthkeys(parseAuthkeys('auth 1\n1 sha1 old\n3 md5 other\n'), { auth: 1, keys: [{ index: 1, method: 'sha1', key: 'new' }] });
    expect(d).to.deep.equal([
      { field: 'authkeys key', before: '********', after: '********', secret: true },
      { field: 'authkeys key 3', before: 'md5 ********', after: undefined },
    ]);
    expect(JSON.stringify(d)).not.to.match(/old|new|other/);
  });
});

describe('heartbeat haresources', () => {
  it("reads seed 004's haresources", () => {
    expect(parseHaresources(fixture('seed004.haresources'))).to.deep.equal([{ node: 'centos6-ocfs2-1', resources: ['startvip', 'ldirectord'] }]);
  });

  it('reads comments, continued lines and upper-case node names as ResourceManager does', () => {
    const text = '# groups\nNode1 10.0.0.1 \\\n   Filesystem::/dev/sda1::/data::ext3   httpd # web\n\nnode2 IPaddr::10.0.0.2/24/eth0\n';
    const groups = parseHaresources(text);
    expect(groups).to.deep.equal([
      { node: 'node1', resources: ['10.0.0.1', 'Filesystem::/dev/sda1::/data::ext3', 'httpd'] },
      { node: 'node2', resources: ['IPaddr::10.0.0.2/24/eth0'] },
    ]);
    expect(parseHaresources(renderHaresources(groups))).to.deep.equal(groups);
    expect(groups[0].resources.map(scriptOf)).to.deep.equal(['IPaddr', 'Filesystem', 'httpd']);
  });

  it('diffs groups by node; the order of resources counts (start order)', () => {
    const a = parseHaresources('n1 vip web\nn2 db\n');
    expect(diffHaresources(a, parseHaresources('n1 web vip\n'))).to.deep.equal([
      { field: 'haresources n1', before: 'vip web', after: 'web vip', restart: true },
      { field: 'haresources n2', before: 'db', after: undefined, restart: true },
    ]);
  });
});
