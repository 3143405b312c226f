// Property tests of the config renderers: random params, hostile characters
// included. Each is either refused by the module's schema, or rendered and read
// back — by rb's own parser, and for rsyncd.conf also by the real rsync daemon —
// as exactly the model that was rendered: no extra, missing or merged directive.

import { expect } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFields } from '../../core/schema/validate.js';
import type { Fields } from '../../core/schema/types.js';
import { modelOf as rsyncModelOf, parseRsyncd, renderModel as renderRsyncd } from '../../modules/rsyncd/conf.js';
import { checkRsyncdParams, modelFromParams as rsyncModel, rsyncdParams, type RsyncdParams } from '../../modules/rsyncd/params.js';
import { parseLdirectord } from '../../modules/lib/ldirectord-conf/config.js';
import { modelOf as ldModelOf, renderModel as renderLd } from '../../modules/lib/ldirectord-conf/model.js';
import { checkLdirectordParams, ldirectordParams, modelFromParams as ldModel } from '../../modules/ldirectord/params.js';
import { checkHeartbeatParams, heartbeatParams, type HeartbeatParams } from '../../modules/heartbeat/params.js';
import { render as renderHb, wanted as hbWanted } from '../../modules/heartbeat/model.js';
import { parseHaCf } from '../../modules/heartbeat/hacf.js';
import { parseHaresources } from '../../modules/heartbeat/haresources.js';
import { parseAuthkeys } from '../../modules/heartbeat/authkeys.js';
import { checkSersyncParams, sersyncParams, type SersyncParams } from '../../modules/sersync/params.js';
import { excludeExpressions, renderConfxml, renderLsyncd } from '../../modules/sersync/render.js';
import { parseConfxml } from '../../modules/sersync/confxml.js';

type Obj = Record<string, unknown>;

/** Seeded so a failure reproduces; the run count keeps CI fast. */
const RUNS = Number(process.env.RB_PROPERTY_RUNS ?? 300);
const opts = (seed: number) => ({ numRuns: RUNS, seed });

// Text that reaches config files: plain words plus every character that has a
// meaning in one of the formats or ends a line somewhere.
const HOSTILE = ['\\', '#', ';', '[', ']', '=', '&', '"', "'", ' ', '\t', '\n', '\r', '\u2028', '\u2029', '\u0085', '\u0000', '\u001b', '<', '>', '/', ':', ',', '$', '{'];
const char = fc.oneof({ weight: 14, arbitrary: fc.constantFrom(...'abcxyz019-_.'.split('')) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) });
const text = (max = 12) => fc.array(char, { minLength: 1, maxLength: max }).map((a) => a.join(''));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

function validated(fields: Fields, rules: (v: Obj) => Array<[string, string]>, value: Obj): Obj | undefined {
  const r = validateFields(fields, value, '', {}, rules);
  return r.problems.length ? undefined : (r.value as Obj);
}

/** Counts how many random cases the schema accepted: the property must exercise the renderer, not only the schema. */
class Tally {
  accepted = 0;
  refused = 0;
  check(what: string) {
    expect(this.accepted, `${what}: accepted cases`).to.be.greaterThan(RUNS / 10);
    expect(this.refused, `${what}: refused cases`).to.be.greaterThan(0);
  }
}

const strip = <T extends Obj>(o: T) => JSON.parse(JSON.stringify(o)) as T;

// --- rsyncd ---------------------------------------------------------------

const rsyncModule = fc.record({
  path: fc.oneof(fc.constant('/srv/data'), text().map((t) => `/srv/${t}`)),
  comment: maybe(text(16)),
  read_only: maybe(fc.boolean()),
  hosts_allow: maybe(fc.array(fc.oneof(fc.constantFrom('10.0.0.1', '192.168.1.0/24', '*'), text(8)), { minLength: 1, maxLength: 3 })),
  auth_users: maybe(fc.array(fc.constantFrom('bob', 'alice', '@staff'), { minLength: 1, maxLength: 2 })),
  extra: maybe(fc.dictionary(fc.oneof(fc.constantFrom('checksum choice', 'Some Key', 'x-y'), text(8)), text(10), { maxKeys: 2 })),
});
const rsyncParamsArb = fc.record({
  log_file: maybe(fc.oneof(fc.constant('/var/log/rsyncd.log'), text().map((t) => `/var/log/${t}`))),
  motd_file: maybe(text().map((t) => `/etc/${t}`)),
  extra: maybe(fc.dictionary(text(8), text(10), { maxKeys: 2 })),
  modules: fc.dictionary(fc.oneof(fc.constantFrom('html', 'backup', 'data set'), text(8)), rsyncModule, { minKeys: 1, maxKeys: 3 }),
});

/** What the rsync daemon lists for `#list`: module name and comment (tab separated), the comment trimmed. */
function rsyncList(config: string, dir: string): { list: string[]; complaints: string[] } {
  const conf = join(dir, 'rsyncd.conf');
  const log = join(dir, 'log');
  writeFileSync(conf, config);
  rmSync(log, { force: true });
  const r = spawnSync('rsync', ['--server', '--daemon', `--config=${conf}`, `--log-file=${log}`, '.'], { input: '@RSYNCD: 30.0\n#list\n', encoding: 'latin1', timeout: 10_000 });
  const out = r.stdout.split('\n').filter((l) => l && !l.startsWith('@RSYNCD'));
  const logText = existsSync(log) ? readFileSync(log, 'latin1') : '';
  const complaints = logText.split('\n').filter((l) => /Unknown Parameter|IGNORING|Badly formed|Failed|rsync error|Unable to|Ignoring/.test(l));
  return { list: out.map((l) => l.replace(/\s+$/, '')), complaints };
}

describe('config properties: rsyncd.conf', function () {
  this.timeout(120_000);

  it('a schema-valid model renders to a file rb reads back as exactly that model', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(rsyncParamsArb, (raw) => {
        const p = validated(rsyncdParams, checkRsyncdParams, strip(raw));
        if (!p) return void tally.refused++;
        tally.accepted++;
        const model = rsyncModel(p as RsyncdParams);
        const file = renderRsyncd(model);
        expect(rsyncModelOf(parseRsyncd(file, 'rendered'))).to.deep.equal(model);
      }),
      opts(11),
    );
    tally.check('rsyncd');
  });

  it('the rsync daemon reads what rb renders: no complaint but unknown extra keys, every module listed with its comment', function () {
    const dir = mkdtempSync(join(tmpdir(), 'rb-rsync-prop-'));
    let ran = 0;
    try {
      fc.assert(
        fc.property(rsyncParamsArb, (raw) => {
          const p = validated(rsyncdParams, checkRsyncdParams, strip(raw)) as RsyncdParams | undefined;
          if (!p) return;
          ran++;
          const model = rsyncModel(p);
          const { list, complaints } = rsyncList(renderRsyncd(model), dir);
          const extraKeys = [...model.globals, ...model.modules.flatMap((m) => m.entries)].filter((e) => /^(checksum choice|some key|x-y)$|[^a-z ]/.test(e.key) || !['comment', 'path', 'read only', 'hosts allow', 'auth users', 'secrets file', 'log file', 'motd file'].includes(e.key)).map((e) => e.key);
          for (const c of complaints) expect(extraKeys.some((k) => c.toLowerCase().replace(/\s+/g, '').includes(`"${k.replace(/\s+/g, '')}"`)), c).to.equal(true);
          const want = model.modules.map((m) => `${m.name.padEnd(15)}\t${m.entries.find((e) => e.key === 'comment')?.value ?? ''}`.replace(/\s+$/, ''));
          expect(list).to.deep.equal(want.map((l) => Buffer.from(l, 'utf8').toString('latin1')));
        }),
        // The real daemon costs a process per case: a bounded share of the runs.
        { numRuns: Math.min(RUNS, 120), seed: 12 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(ran).to.be.greaterThan(5);
  });
});

// --- ldirectord -----------------------------------------------------------

const ldAddress = fc.constantFrom('192.0.2.10', '198.51.100.7', '10.0.0.2', '999.0.0.1', 'web1.example', '-x');
const ldVirtual = fc.record({
  virtual: fc.oneof(ldAddress.map((a) => `${a}:80`), fc.constantFrom('3', '[2001:db8::10]:443', '192.0.2.11:https')),
  real: fc.array(fc.oneof(ldAddress.map((a) => `${a}:80 gate`), fc.record({ address: ldAddress, method: fc.constantFrom('gate', 'masq'), weight: maybe(fc.nat(5)) })), { maxLength: 2 }),
  scheduler: maybe(fc.constantFrom('rr', 'wlc', 'sh', 'fast')),
  request: maybe(text(10)),
  receive: maybe(text(10)),
  checktype: maybe(fc.constantFrom('negotiate', 'connect', '3')),
  comment: maybe(text(10)),
  extra: maybe(fc.array(fc.oneof(fc.constantFrom('future_key = 1', 'virtual = 10.1.1.1:80', 'real = 10.1.1.2:80 gate'), text(12).map((t) => `k = ${t}`)), { maxLength: 2 })),
});
const ldParamsArb = fc.record({
  checktimeout: maybe(fc.integer({ min: 1, max: 60 })),
  logfile: maybe(text(12)),
  emailalert: maybe(text(10)),
  extra: maybe(fc.array(fc.oneof(fc.constantFrom('virtual = 10.9.9.9:80', 'supervised = yes'), text(12).map((t) => `k${t}`)), { maxLength: 2 })),
  virtuals: fc.uniqueArray(ldVirtual, { maxLength: 3, selector: (v) => v.virtual }),
});

describe('config properties: ldirectord.cf', function () {
  this.timeout(120_000);

  it('a schema-valid model renders to a file rb reads back as exactly that model', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(ldParamsArb, (raw) => {
        const p = validated(ldirectordParams, checkLdirectordParams, strip(raw));
        if (!p) return void tally.refused++;
        tally.accepted++;
        const model = ldModel(p);
        expect(ldModelOf(parseLdirectord(renderLd(model), 'rendered'))).to.deep.equal(model);
      }),
      opts(21),
    );
    tally.check('ldirectord');
  });
});

// --- heartbeat --------------------------------------------------------------

const hbParamsArb = fc.record({
  ha_cf: fc.record({
    node: fc.constant(['ha1', 'ha2']),
    ucast: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('eth1 10.0.0.2', 'eth2 ha2.example', '-eth1 10.0.0.2', 'eth1 999.0.0.2') }, { weight: 1, arbitrary: text(10).map((t) => `eth1 ${t}`) }), { minLength: 1, maxLength: 2 }),
    keepalive: maybe(fc.constantFrom(1, 2, '500ms')),
    logfacility: maybe(fc.oneof(fc.constant('local0'), text(8))),
    crm: fc.constant('off'),
    extra: maybe(fc.array(fc.oneof(fc.constant('env HA_LOGD=yes'), text(12).map((t) => `env ${t}`)), { maxLength: 2 })),
  }),
  authkeys: fc.record({ method: fc.constantFrom('sha1', 'md5'), key: fc.oneof({ weight: 3, arbitrary: fc.constant('s3cr3t-Key') }, { weight: 1, arbitrary: text(16) }), index: fc.integer({ min: 1, max: 15 }) }),
  resources: fc.array(
    fc.record({ node: fc.constantFrom('ha1', 'ha2'), resources: fc.array(fc.oneof(fc.constantFrom('192.0.2.10', 'ldirectord', 'IPaddr::192.0.2.11/24/eth0', '300.1.1.1'), text(10)), { minLength: 1, maxLength: 3 }) }),
    { maxLength: 3 },
  ),
});

describe('config properties: ha.cf, authkeys, haresources', function () {
  this.timeout(120_000);

  it('a schema-valid model renders to files rb reads back as exactly that model', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(hbParamsArb, (raw) => {
        const p = validated(heartbeatParams, checkHeartbeatParams, strip(raw)) as HeartbeatParams | undefined;
        if (!p) return void tally.refused++;
        tally.accepted++;
        const w = hbWanted(p);
        const files = renderHb(w);
        expect(parseHaCf(files.haCf)).to.deep.equal(w.haCf);
        expect(parseAuthkeys(files.authkeys)).to.deep.equal(w.authkeys);
        expect(parseHaresources(files.haresources!)).to.deep.equal(w.haresources);
      }),
      // Heartbeat params have many fields a hostile character breaks: more runs for as many accepted cases.
      { numRuns: RUNS * 3, seed: 31 },
    );
    tally.check('heartbeat');
  });
});

// --- sersync -----------------------------------------------------------------

const serParamsArb = fc.record({
  engine: fc.constant('sersync'),
  watch: fc.oneof(fc.constant('/var/www/html'), text(10).map((t) => `/data/${t}`)),
  remotes: fc.array(fc.record({ ip: fc.oneof(fc.constantFrom('192.168.1.12', '10.0.0.2'), text(8)), module: fc.oneof(fc.constant('html'), text(8)) }), { minLength: 1, maxLength: 2 }),
  exclude: maybe(fc.array(fc.oneof(fc.constantFrom('*.swp', 'cache/'), text(8)), { maxLength: 2 })),
  exclude_regex: maybe(fc.array(fc.oneof(fc.constantFrom('^cache/', '(tmp|swp)$', '^\\./logs/.*'), text(8)), { maxLength: 2 })),
  events: maybe(fc.record({ create_file: fc.boolean(), attrib: fc.boolean(), modify: fc.boolean() })),
  full_sync: maybe(fc.record({ interval: fc.integer({ min: 1, max: 1440 }) })),
  fail_log: maybe(fc.record({ path: fc.oneof(fc.constant('/tmp/rsync_fail_log.sh'), text(8).map((t) => `/var/log/${t}`)), interval: fc.integer({ min: 1, max: 600 }) })),
  auth: maybe(fc.record({ user: fc.oneof(fc.constant('rsync_backup'), text(8)), password_file: fc.constant('/etc/rsync.pass') })),
  timeout: maybe(fc.integer({ min: 1, max: 600 })),
});

const camel = (k: string) => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

describe('config properties: sersync confxml.xml', function () {
  this.timeout(120_000);

  it('a schema-valid model renders to a file rb reads back as exactly that model', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(serParamsArb, (raw) => {
        const p = validated(sersyncParams, checkSersyncParams, strip(raw)) as SersyncParams | undefined;
        if (!p) return void tally.refused++;
        tally.accepted++;
        const m = parseConfxml(renderConfxml(p));
        const ex = excludeExpressions(p);
        expect(m.watch).to.equal(p.watch);
        expect(m.remotes).to.deep.equal(p.remotes.map((r) => ({ ip: r.ip, name: r.module })));
        expect(m.filter).to.deep.equal({ start: ex.length > 0, excludes: ex });
        expect(m.events).to.deep.equal({ delete: p.delete, ...Object.fromEntries(Object.entries(p.events).map(([k, v]) => [camel(k), v])) });
        expect(m.crontab).to.deep.equal(p.full_sync ? { start: true, schedule: p.full_sync.interval, filter: { start: ex.length > 0, excludes: ex } } : { start: false, schedule: 600, filter: { start: false, excludes: [] } });
        expect(m.failLog).to.deep.equal({ path: p.fail_log.path, timeToExecute: p.fail_log.interval });
        expect(m.auth).to.deep.equal(p.auth ? { start: true, users: p.auth.user, passwordfile: p.auth.password_file } : { start: false, users: 'root', passwordfile: '/etc/rsync.pas' });
        expect(m.timeout).to.deep.equal({ start: p.timeout !== undefined, time: p.timeout ?? 100 });
      }),
      opts(41),
    );
    tally.check('sersync');
  });
});

// lsyncd has no config test, but started with `-log Exec` it prints, at once,
// the exclude list and the rsync command line it derived from the file. Every
// case sends only to 127.0.0.1 port 1 (refused), and is stopped after 1.2 s.
describe('config properties: lsyncd.conf.lua read by lsyncd', function () {
  this.timeout(120_000);

  it('lsyncd reads the excludes, target and delete rb wrote, with no error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-lsyncd-prop-'));
    let ran = 0;
    try {
      fc.assert(
        fc.property(
          fc.record({ module: fc.oneof(fc.constant('html'), text(8)), exclude: fc.array(fc.oneof(fc.constantFrom('*.swp', 'cache/', '.git'), text(8)), { maxLength: 3 }), delete: fc.boolean() }),
          (raw) => {
            const p = validated(sersyncParams, checkSersyncParams, {
              engine: 'lsyncd',
              watch: join(dir, 'src'),
              remotes: [{ ip: '127.0.0.1', module: raw.module }],
              exclude: raw.exclude,
              delete: raw.delete,
              port: 1,
              log_file: join(dir, 'lsyncd.log'),
              pid_file: join(dir, 'lsyncd.pid'),
            }) as SersyncParams | undefined;
            if (!p) return;
            ran++;
            rmSync(join(dir, 'src'), { recursive: true, force: true });
            spawnSync('mkdir', ['-p', join(dir, 'src')]);
            writeFileSync(join(dir, 'lsyncd.conf.lua'), renderLsyncd(p));
            const r = spawnSync('lsyncd', ['-nodaemon', '-log', 'Exec', join(dir, 'lsyncd.conf.lua')], { encoding: 'utf8', timeout: 1200 });
            const out = `${r.stdout}${r.stderr}`;
            expect(out, out).to.not.match(/Error|error preparing/);
            const start = /recursive startup rsync: \S+ -> (\S+) ?(excluding\n([\s\S]*?))?\n\d\d:\d\d:\d\d /.exec(out);
            expect(start, out).to.not.equal(null);
            expect(start![1]).to.equal(`127.0.0.1::${p.remotes[0].module}/`);
            const excludes = start![3] === undefined ? [] : start![3].split('\n');
            expect([...excludes].sort()).to.deep.equal([...new Set(p.exclude)].sort());
            expect(/\[--delete\]/.test(out)).to.equal(p.delete);
          },
        ),
        // lsyncd runs 1.2 s per case: a few cases only.
        { numRuns: Math.min(RUNS, 6), seed: 51 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(ran).to.be.greaterThan(2);
  });
});
