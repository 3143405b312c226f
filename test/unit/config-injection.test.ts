// Values that would add, remove or join a directive in a config file rb writes
// are refused by the module's schema, with the field they came from.

import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import { checkRsyncdParams, rsyncdParams } from '../../modules/rsyncd/params.js';

type Obj = Record<string, unknown>;

function problems(fields: Parameters<typeof validateFields>[0], rules: ((v: Obj) => Array<[string, string]>) | undefined, value: Obj): string[] {
  return validateFields(fields, value, '', {}, rules).problems.map((p) => `${p.path}: ${p.message}`);
}

const rsyncd = (v: Obj) => problems(rsyncdParams, checkRsyncdParams, v);

describe('config injection: rsyncd', () => {
  it('a trailing backslash on a path, a text or a list item is refused', () => {
    expect(rsyncd({ modules: { m: { path: '/srv/m\\', auth_users: 'bob' } } }).join('\n')).to.match(/modules\.m\.path: .*continue onto the next line/);
    expect(rsyncd({ modules: { m: { path: '/srv/m', comment: 'x \\ ' } } }).join('\n')).to.match(/modules\.m\.comment/);
    expect(rsyncd({ modules: { m: { path: '/srv/m', hosts_allow: ['10.0.0.1\\'] } } }).join('\n')).to.match(/hosts_allow\[0\]/);
    expect(rsyncd({ log_file: '/var/log/r\\' }).join('\n')).to.match(/^log_file: /);
  });

  it('extra keys are parameter names, never sections, directives, comments or typed keys', () => {
    for (const key of ['[anon]', '&include /etc/x', '# x', '; x', 'a = b', 'path]\n[anon']) {
      expect(rsyncd({ modules: { m: { path: '/srv/m', extra: { [key]: 'v' } } } }).join('\n'), key).to.include('extra key');
      expect(rsyncd({ extra: { [key]: 'v' } }).join('\n'), key).to.include('extra: extra key');
    }
    expect(rsyncd({ modules: { m: { path: '/srv/m', extra: { 'Auth Users': 'eve' } } } }).join('\n')).to.include('auth users has its own parameter');
    expect(rsyncd({ modules: { m: { path: '/srv/m', extra: { 'Some  Future-Key': 'v', checksum_choice: 'md5' } } } })).to.deep.equal([]);
    expect(rsyncd({ modules: { m: { path: '/srv/m', extra: { 'Some Key': 'v', somekey: 'w' } } } }).join('\n')).to.include('given twice');
  });

  it('control characters and line separators are refused in values and names', () => {
    for (const ch of ['\u2028', '\u2029', '\u0085', '\u0001', '\r', '\u001b', '\u007f']) {
      expect(rsyncd({ modules: { m: { path: '/srv/m', comment: `a${ch}b` } } }), JSON.stringify(ch)).to.not.deep.equal([]);
      expect(rsyncd({ modules: { [`m${ch}x`]: { path: '/srv/m' } } }), JSON.stringify(ch)).to.not.deep.equal([]);
      expect(rsyncd({ secrets: { bob: `p${ch}w` } }), JSON.stringify(ch)).to.not.deep.equal([]);
      expect(rsyncd({ secrets: { [`b${ch}ob`]: 'pw' } }), JSON.stringify(ch)).to.not.deep.equal([]);
    }
    expect(rsyncd({ modules: { m: { path: '/srv/m', comment: 'tab\tinside is fine' } } })).to.deep.equal([]);
  });

  it('blanks at either end of a value are refused (rsync trims them)', () => {
    expect(rsyncd({ modules: { m: { path: '/srv/m', comment: ' x' } } }).join('\n')).to.include('modules.m.comment');
    expect(rsyncd({ modules: { m: { path: '/srv/m ' } } }).join('\n')).to.include('modules.m.path');
  });
});

import { checkHeartbeatParams, heartbeatParams } from '../../modules/heartbeat/params.js';

const hb = (over: Obj) =>
  problems(heartbeatParams, checkHeartbeatParams, {
    ha_cf: { node: ['ha1', 'ha2'], ucast: ['eth1 10.0.0.2'], crm: 'off' },
    authkeys: { method: 'sha1', key: 's3cret' },
    resources: [{ node: 'ha1', resources: ['10.0.0.100', 'ldirectord'] }],
    ...over,
  });

describe('config injection: heartbeat', () => {
  it('the base is valid', () => expect(hb({})).to.deep.equal([]));

  it('a haresources item ending in "\\" (it would merge two groups) is refused', () => {
    const out = hb({ resources: [{ node: 'ha1', resources: ['10.0.0.100', 'ldirectord\\'] }, { node: 'ha2', resources: ['apache'] }] });
    expect(out.join('\n')).to.match(/resources\[0\]\.resources\[1\]: .*continue onto the next line/);
  });

  it('control characters, U+2028 and U+0085 are refused in ha.cf, authkeys and haresources values', () => {
    for (const ch of ['\u2028', '\u0085', '\u0001']) {
      expect(hb({ ha_cf: { node: ['ha1', `ha2${ch}`], ucast: ['eth1 10.0.0.2'], crm: 'off' } }), JSON.stringify(ch)).to.not.deep.equal([]);
      expect(hb({ authkeys: { method: 'sha1', key: `a${ch}b` } }), JSON.stringify(ch)).to.not.deep.equal([]);
      expect(hb({ ha_cf: { node: ['ha1', 'ha2'], ucast: ['eth1 10.0.0.2'], crm: 'off', extra: [`env A=1${ch}`] } }), JSON.stringify(ch)).to.not.deep.equal([]);
    }
  });

  it('interface names with a leading "-" and addresses out of range are refused', () => {
    expect(hb({ ha_cf: { node: ['ha1', 'ha2'], ucast: ['-eth1 10.0.0.2'], crm: 'off' } }).join('\n')).to.include('ucast');
    expect(hb({ ha_cf: { node: ['ha1', 'ha2'], ucast: [{ dev: 'eth1', peer: '999.0.0.2' }], crm: 'off' } }).join('\n')).to.include('ucast[0]');
    expect(hb({ ha_cf: { node: ['ha1', 'ha2'], bcast: ['-x'], crm: 'off' } }).join('\n')).to.include('bcast');
    expect(hb({ ha_cf: { node: ['ha1', 'ha2'], mcast: ['eth0 239.0.0.300 694 1 0'], crm: 'off' } }).join('\n')).to.include('mcast');
    expect(hb({ ha_cf: { node: ['ha1', 'ha2'], ucast6: ['eth0 fe80::1::2'], crm: 'off' } }).join('\n')).to.include('ucast6');
    expect(hb({ resources: [{ node: 'ha1', resources: ['IPaddr::999.1.1.1/24/eth0'] }] }).join('\n')).to.include('999.1.1.1');
    expect(hb({ resources: [{ node: 'ha1', resources: ['10.0.0.256/24'] }] }).join('\n')).to.include('10.0.0.256');
    expect(hb({ resources: [{ node: 'ha1', resources: ['IPaddr2::2001:db8::10/64/eth0', 'Filesystem::/dev/sdb1::/data::ext4'] }] })).to.deep.equal([]);
  });
});

import { checkLdirectordParams, ldirectordParams, modelFromParams as ldModel } from '../../modules/ldirectord/params.js';
import { parseLdirectord } from '../../modules/lib/ldirectord-conf/config.js';
import { impliedTable } from '../../modules/lib/ldirectord-conf/implied.js';
import { modelOf as ldModelOf } from '../../modules/lib/ldirectord-conf/model.js';

const ld = (over: Obj, virtual: Obj = {}) =>
  problems(ldirectordParams, checkLdirectordParams, { virtuals: [{ virtual: '192.0.2.10:80', real: ['10.0.0.2:80 gate'], ...virtual }], ...over });

describe('config injection and values: ldirectord', () => {
  it('the base is valid', () => expect(ld({})).to.deep.equal([]));

  it('extra lines never open a section or repeat a typed key', () => {
    expect(ld({ extra: ['virtual = 10.9.9.9:80'] }).join('\n')).to.include('would open a virtual section');
    expect(ld({ extra: ['virtual6=[::1]:80'] }).join('\n')).to.include('would open a virtual section');
    expect(ld({}, { extra: ['real = 10.0.0.66:80 gate'] }).join('\n')).to.include('has its own parameter');
    expect(ld({}, { extra: ['checktimeout = 3 # x'] }).join('\n')).to.include('extra');
    expect(ld({}, { extra: ['future_key = 3'] })).to.deep.equal([]);
  });

  it('control characters are refused everywhere', () => {
    for (const ch of ['\u2028', '\u0085', '\u0000']) {
      expect(ld({}, { request: `/x${ch}y` }), JSON.stringify(ch)).to.not.deep.equal([]);
      expect(ld({ logfile: `local0${ch}` }), JSON.stringify(ch)).to.not.deep.equal([]);
    }
  });

  it('schedulers, addresses and fallbacks the kernel or ldirectord refuse are refused', () => {
    expect(ld({}, { scheduler: 'fastest' }).join('\n')).to.include('scheduler');
    expect(ld({}, { scheduler: 'mh' })).to.deep.equal([]);
    expect(ld({}, { virtual: '999.0.2.10:80' }).join('\n')).to.include('999.0.2.10');
    expect(ld({}, { real: ['10.0.0.300:80 gate'] }).join('\n')).to.include('real');
    expect(ld({}, { real: [{ address: '10.0.0.2', method: 'gate' }, { address: '10.0.0.3->10.0.0.9', method: 'gate' }] })).to.deep.equal([]);
    expect(ld({}, { virtual: '[2001:db8::zz]:80', real: ['[2001:db8::2]:80 gate'] }).join('\n')).to.include('virtual');
    expect(ld({}, { virtual: '[2001:db8::10]:80', real: ['10.0.0.2:80 gate'] }).join('\n')).to.include('IPv6 real servers');
    expect(ld({}, { virtual: '[2001:db8::10]:80', real: ['[2001:db8::2]:80 gate'], fallback: '127.0.0.1:80 gate' }).join('\n')).to.include('fallback6');
    expect(ld({ fallback: '[::1]:80' }).join('\n')).to.include('fallback6');
  });

  it('a fallback of a virtual6 service is written as fallback6, which ldirectord reads', () => {
    const model = ldModel({ virtuals: [{ virtual: '[2001:db8::10]:80', real: ['[2001:db8::2]:80 gate'], fallback: '[::1]:80 gate' }] } as Obj);
    expect(model.virtuals[0].options.map((e) => e.key)).to.deep.equal(['real6', 'fallback6']);
  });
});

describe('ldirectord.cf read as ldirectord reads it', () => {
  it('a trailing comment on virtual= and numeric global lines is not part of the value', () => {
    const doc = parseLdirectord('checktimeout=10 # seconds\nvirtual=192.0.2.10:80 # web\n\treal=10.0.0.2:80 gate # rs1\nvirtual=3   # mark\n\treal=10.0.0.2:80 gate\n', 'f');
    expect(doc.globals).to.deep.equal([{ key: 'checktimeout', value: '10' }]);
    expect(doc.sections.map((s) => s.virtual)).to.deep.equal(['192.0.2.10:80', '3']);
  });

  it('a repeated key counts as ldirectord counts it: the last one', () => {
    const doc = parseLdirectord('virtual=192.0.2.10:80\n\treal=10.0.0.2:80 gate\n\tscheduler=rr\n\tscheduler=wlc\n', 'f');
    expect(impliedTable(ldModelOf(doc)).services[0].service.scheduler).to.equal('wlc');
  });
});

import { checkIpvsParams, ipvsParams } from '../../modules/ipvs/params.js';
import { ifaliasParams, ifaliasRules } from '../../modules/ifalias/params.js';
import { iptablesMarkParams, iptablesMarkRules } from '../../modules/iptables_mark/params.js';

describe('module values the kernel refuses: ipvs, ifalias, iptables_mark', () => {
  const ipvs = (svc: Obj) => problems(ipvsParams, checkIpvsParams, { services: [{ address: '192.0.2.10', port: 80, real_servers: [{ address: '10.0.0.2' }], ...svc }] });
  const ifa = (v: Obj) => problems(ifaliasParams, ifaliasRules, { address: '192.0.2.10/32', interface: 'lo', ...v });
  const mark = (v: Obj) => problems(iptablesMarkParams, iptablesMarkRules, { destination: '192.0.2.10', protocol: 'tcp', dport: '80', set_mark: 1, ...v });

  it('the bases are valid', () => {
    expect(ipvs({})).to.deep.equal([]);
    expect(ifa({})).to.deep.equal([]);
    expect(mark({})).to.deep.equal([]);
  });

  it('ipvs: only the schedulers the kernel has; addresses in range; well-formed IPv6', () => {
    expect(ipvs({ scheduler: 'fastest' }).join('\n')).to.include('scheduler');
    for (const s of ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']) expect(ipvs({ scheduler: s }), s).to.deep.equal([]);
    expect(ipvs({ address: '999.0.2.10' }).join('\n')).to.include('address');
    expect(ipvs({ address: '2001:db8::1::2', real_servers: [] }).join('\n')).to.include('address');
    expect(ipvs({ address: '::', real_servers: [{ address: '2001:db8::2' }] })).to.deep.equal([]);
    expect(ipvs({ real_servers: [{ address: '10.0.0.256' }] }).join('\n')).to.include('real_servers[0].address');
    expect(ipvs({ real_servers: [{ address: '10.0.0.2', forward: 'fast' }] }).join('\n')).to.include('forward');
  });

  it('ifalias: interface names with blanks or a leading "-" are refused', () => {
    for (const name of ['-lo', 'eth 0', 'eth0\u2028', 'a'.repeat(16), '..']) expect(ifa({ interface: name }).join('\n'), name).to.include('interface');
    expect(ifa({ interface: 'eth0', label: '-eth0:1' }).join('\n')).to.include('label');
    expect(ifa({ address: '999.0.2.10' }).join('\n')).to.include('address');
    expect(ifa({ address: '2001:db8::1::2/64' }).join('\n')).to.include('address');
  });

  it('iptables_mark: chains and interfaces starting with "-" are refused', () => {
    expect(mark({ chain: '-F' }).join('\n')).to.include('chain');
    expect(mark({ chain: '--flush' }).join('\n')).to.include('chain');
    expect(mark({ in_interface: '-eth0' }).join('\n')).to.include('in_interface');
    expect(mark({ in_interface: '! -eth0' }).join('\n')).to.include('in_interface');
    expect(mark({ in_interface: '! eth+' })).to.deep.equal([]);
    expect(mark({ destination: '999.0.2.10' }).join('\n')).to.include('destination');
  });
});

import { authkeysFromParams, parseAuthkeys, renderAuthkeys } from '../../modules/heartbeat/authkeys.js';
import { diffAuthkeys } from '../../modules/heartbeat/diff.js';

describe('heartbeat authkeys with several keys (key rotation)', () => {
  const params = { method: 'sha1', key: 'new-secret', index: 2, also_accept: [{ index: 1, method: 'md5', key: 'old-secret' }] };

  it('the signing key and the keys still accepted are written, and read back equal', () => {
    const want = authkeysFromParams(params);
    expect(renderAuthkeys(want)).to.equal('auth 2\n2 sha1 new-secret\n1 md5 old-secret\n');
    expect(parseAuthkeys(renderAuthkeys(want))).to.deep.equal(want);
    expect(hb({ authkeys: params })).to.deep.equal([]);
  });

  it('a file with both keys is converged; dropping the old key is one masked change', () => {
    const file = parseAuthkeys('auth 2\n1 md5 old-secret\n2 sha1 new-secret\n');
    expect(diffAuthkeys(file, authkeysFromParams(params))).to.deep.equal([]);
    const done = diffAuthkeys(file, authkeysFromParams({ ...params, also_accept: [] }));
    expect(done).to.deep.equal([{ field: 'authkeys key 1', before: 'md5 ********', after: undefined }]);
    expect(JSON.stringify(diffAuthkeys(parseAuthkeys('auth 2\n2 sha1 new-secret\n'), authkeysFromParams(params)))).to.not.include('old-secret');
  });

  it('a key number given twice is refused', () => {
    expect(hb({ authkeys: { ...params, also_accept: [{ index: 2, method: 'md5', key: 'x' }] } }).join('\n')).to.include('given twice');
  });
});
