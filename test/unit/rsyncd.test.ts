// rsyncd: parser, edits and renderer on seed 000's own files; facts parsed
// from output captured on lab hosts; every file rb writes read by the real
// rsync (`rsync --server --daemon`, the module's validator) on this machine.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import { validateCommand } from '../../modules/rsyncd/apply.js';
import { modelOf, parseRsyncd, renderDocument, renderModel, RsyncdSyntaxError } from '../../modules/rsyncd/conf.js';
import { daemonCommand, parseDaemonFacts } from '../../modules/lib/daemon-process.js';
import { diffModels, editDocument } from '../../modules/rsyncd/edit.js';
import { daemonSpec, parseRsyncdFacts, shellVar } from '../../modules/rsyncd/facts.js';
import { normaliseValue } from '../../modules/rsyncd/keys.js';
import { checkRsyncdParams, modelFromParams, rsyncdParams, type RsyncdParams } from '../../modules/rsyncd/params.js';
import { editDefaults, secretsContent } from '../../modules/rsyncd/plan.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'rsyncd');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

function params(raw: unknown): RsyncdParams {
  const { value, problems } = validateFields(rsyncdParams, raw, '', {}, checkRsyncdParams);
  expect(problems).to.deep.equal([]);
  return value as RsyncdParams;
}

/** The module's validator, run by sh on this machine against the real rsync. */
function rsyncAccepts(text: string | Buffer, env: NodeJS.ProcessEnv = process.env): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-rsyncd-'));
  try {
    const file = join(dir, 'rsyncd.conf');
    writeFileSync(file, text);
    const r = spawnSync('sh', ['-c', validateCommand(file)], { encoding: 'utf8', env });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('rsyncd validator and non-ASCII bytes', function () {
  this.timeout(20_000);
  it('a complaint that holds non-ASCII bytes is seen in a UTF-8 locale too (the log is read as text)', () => {
    // A Latin-1 byte is invalid UTF-8: grep in a UTF-8 locale calls such a log binary and prints no line.
    const r = rsyncAccepts(Buffer.from('[m]\npath = /tmp\nbogus\u00e9 = 1\n', 'latin1'), { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' });
    expect(r.ok).to.equal(false);
    expect(r.out).to.include('Unknown Parameter');
  });
});

describe('rsyncd.conf parser', () => {
  for (const f of ['seed000-rsync.conf', 'seed000-html.conf', 'seed000-backup.conf']) {
    it(`${f} renders back byte for byte`, () => {
      expect(renderDocument(parseRsyncd(read(f), f))).to.equal(read(f));
    });
  }

  it("reads seed 000's globals and [data] (list=yes without spaces, netmask lists)", () => {
    const m = modelOf(parseRsyncd(read('seed000-rsync.conf'), 'rsync.conf'));
    expect(m.globals.map((e) => `${e.key}=${e.value}`)).to.deep.equal([
      'port=873', 'uid=root', 'gid=root', 'use chroot=yes', 'read only=no', 'max connections=5', 'timeout=300', 'log file=/var/log/rsync.log', 'pid file=/var/run/rsync.pid',
    ]);
    expect(m.modules).to.deep.equal([
      {
        name: 'data',
        entries: [
          { key: 'path', value: '/data' },
          { key: 'list', value: 'yes' },
          { key: 'ignore errors', value: 'yes' },
          { key: 'hosts allow', value: '192.168.1.0/255.255.255.0 10.0.1.0/255.255.255.0' },
          { key: 'hosts deny', value: '*' },
        ],
      },
    ]);
  });

  it('folds key spelling as rsync does (`ignore  errors`, `HostsAllow`) and keeps the last value of a key', () => {
    const m = modelOf(parseRsyncd('[b]\nignore  errors = yes\nHostsAllow = a\nhosts allow = b\n', 'x'));
    expect(m.modules[0].entries).to.deep.equal([
      { key: 'ignore errors', value: 'yes' },
      { key: 'hosts allow', value: 'b' },
    ]);
  });

  it('[global] goes back to the global settings; continued lines are one value', () => {
    const doc = parseRsyncd('[a]\npath = /a\n[global]\nport = 874\nhosts deny = x \\\n  y\n', 'x');
    expect(modelOf(doc).globals).to.deep.equal([
      { key: 'port', value: '874' },
      { key: 'hosts deny', value: 'x   y' },
    ]);
    expect(renderDocument(doc)).to.equal('[a]\npath = /a\n[global]\nport = 874\nhosts deny = x \\\n  y\n');
  });

  it('a malformed file fails with the file and line', () => {
    expect(() => parseRsyncd(read('malformed.conf'), 'malformed.conf')).to.throw(RsyncdSyntaxError, 'malformed.conf, line 2: bad module header "[data"');
    expect(() => parseRsyncd('= /data\n', 'f')).to.throw('f, line 1: expected "name = value"');
  });

  it('a line without "=" is skipped as rsync skips it ("Ignoring badly formed line"), the rest is read', () => {
    const text = 'uid = nobody\nfoo bar\n[m]\n  stray words\n  path = /srv/m\n';
    const doc = parseRsyncd(text, 'f');
    expect(doc.ignored).to.deep.equal([{ line: 2, text: 'foo bar' }, { line: 4, text: 'stray words' }]);
    expect(modelOf(doc)).to.deep.equal({ globals: [{ key: 'uid', value: 'nobody' }], modules: [{ name: 'm', entries: [{ key: 'path', value: '/srv/m' }] }] });
    expect(renderDocument(doc)).to.equal(text);
  });
});

describe('rsyncd.conf values and edits', () => {
  it('compares values by meaning', () => {
    expect(normaliseValue('read only', 'False')).to.equal('no');
    expect(normaliseValue('hosts allow', ' a,b  c ')).to.equal('a b c');
    expect(normaliseValue('auth users', ', joe:deny, @Some Group:ro')).to.equal(', joe:deny, @Some Group:ro');
    expect(normaliseValue('max connections', '05')).to.equal('5');
    expect(normaliseValue('comment', ' web  root ')).to.equal('web  root');
  });

  it('an unchanged model leaves the file byte for byte; a change touches only its line and keeps comments', () => {
    const text = read('seed000-html.conf');
    const doc = parseRsyncd(text, 'html.conf');
    expect(editDocument(doc, modelOf(doc))).to.equal(text);
    const want = modelOf(doc);
    want.modules[0].entries = want.modules[0].entries.map((e) => (e.key === 'hosts allow' ? { ...e, value: '198.18.0.24' } : e));
    want.modules[0].entries.push({ key: 'read only', value: 'no' });
    expect(editDocument(doc, want)).to.equal(
      '# rl2 and rl3: the web root, written only by rl1 (seed 000)\n[html]\npath = /var/www/html\nlist = yes\nignore errors = yes\n\nhosts allow = 198.18.0.24\nhosts deny = *\nread only = no\n',
    );
    expect(diffModels(modelOf(doc), want)).to.deep.equal([
      { op: 'set', field: '[html].hosts allow', before: '192.168.1.11', after: '198.18.0.24' },
      { op: 'set', field: '[html].read only', before: undefined, after: 'no' },
    ]);
  });

  it('a removed module takes its lines; a new one goes at the end', () => {
    const doc = parseRsyncd('port = 873\n\n[old]\n# gone\npath = /old\n\n[keep]\npath = /keep\n', 'x');
    const out = editDocument(doc, { globals: [{ key: 'port', value: '873' }], modules: [{ name: 'keep', entries: [{ key: 'path', value: '/keep' }] }, { name: 'new', entries: [{ key: 'path', value: '/new' }] }] });
    expect(out).to.equal('port = 873\n\n[keep]\npath = /keep\n\n[new]\npath = /new\n');
  });

  it('params render the seed\'s file; its secrets file is user:password lines', () => {
    const p = params({ port: 873, uid: 'root', modules: { html: { path: '/var/www/html', list: true, hosts_allow: ['192.168.1.11'], hosts_deny: '*', auth_users: 'rl1' } }, secrets: { rl1: 'pw', a: 'b' } });
    expect(renderModel(modelFromParams(p))).to.equal(
      '# rsyncd.conf, written by rb (module rsyncd). The daemon re-reads this file on\n# every connection; address, port and pid file are read when it starts.\n' +
        'port = 873\npid file = /var/run/rsyncd.pid\nuid = root\n\n[html]\npath = /var/www/html\nlist = yes\nauth users = rl1\nhosts allow = 192.168.1.11\nhosts deny = *\nsecrets file = /etc/rsyncd.secrets\n',
    );
    expect(secretsContent(p.secrets!)).to.equal('a:b\nrl1:pw\n');
    const asText = params({ modules: { data: { path: '/data', hosts_allow: '192.168.1.0/255.255.255.0 10.0.1.0/255.255.255.0' } } });
    const asList = params({ modules: { data: { path: '/data', hosts_allow: ['192.168.1.0/255.255.255.0', '10.0.1.0/255.255.255.0'] } } });
    expect(renderModel(modelFromParams(asText))).to.equal(renderModel(modelFromParams(asList)));
  });

  it("edits Debian's /etc/default/rsync in place", () => {
    const text = '# start?\nRSYNC_ENABLE=false\n\n# RSYNC_CONFIG_FILE=\nRSYNC_OPTS=\'\'\n';
    expect(editDefaults(text, { RSYNC_ENABLE: 'true', RSYNC_CONFIG_FILE: '/etc/rsync/rsync.conf' })).to.equal(
      "# start?\nRSYNC_ENABLE=true\n\nRSYNC_CONFIG_FILE=/etc/rsync/rsync.conf\nRSYNC_OPTS=''\n",
    );
    expect(shellVar("RSYNC_ENABLE='true'\n", 'RSYNC_ENABLE')).to.equal('true');
  });
});

describe('rsyncd files read by the real rsync', function () {
  this.timeout(20_000);
  before(function () {
    if (spawnSync('rsync', ['--version']).status !== 0) throw new Error('rsync is not installed here (the lab packages include it)');
  });

  it("accepts seed 000's files and what rb renders from params", () => {
    for (const f of ['seed000-rsync.conf', 'seed000-html.conf', 'seed000-backup.conf']) expect(rsyncAccepts(read(f)), f).to.deep.include({ ok: true });
    const p = params(JSON.parse(read('params.json')));
    expect(rsyncAccepts(renderModel(modelFromParams(p)))).to.deep.include({ ok: true });
  });

  it('refuses an unknown key, a bad boolean and a bad header, saying which', () => {
    const unknown = rsyncAccepts('bogus key = 1\n[data]\npath = /data\n');
    expect(unknown.ok).to.equal(false);
    expect(unknown.out).to.include('Unknown Parameter encountered: "bogus key"');
    const bool = rsyncAccepts('[data]\npath = /data\nlist = maybe\n');
    expect(bool).to.deep.equal({ ok: false, out: 'Badly formed boolean in configuration file: "maybe".\n' });
    expect(rsyncAccepts(read('malformed.conf')).out).to.include('Badly formed line in config file: data');
  });

  it('the validator is one shell script with the temp file quoted', () => {
    expect(validateCommand("/etc/.rb-tmp-x'y").split('\n')[1]).to.equal(
      `rb_vout=$(printf '@RSYNCD: 30.0\\n#list\\n' | rsync --server --daemon --config='/etc/.rb-tmp-x'\\''y' --log-file="$rb_vlog" . 2>&1)`,
    );
    expect(execFileSync('sh', ['-n', '-c', validateCommand('/x')]).toString()).to.equal('');
  });
});

describe('rsyncd facts (captured on lab hosts)', () => {
  const p = params(JSON.parse(read('params.json')));

  it('a fresh host: no file, Debian defaults with RSYNC_ENABLE=false, no paths, no daemon', () => {
    const f = parseRsyncdFacts(p, read('fresh.stdout'));
    expect(f.config.exists).to.equal(false);
    expect(f.defaults.enable).to.equal('false');
    expect(f.paths).to.deep.equal({ '/data': false, '/backup': false });
    expect(f.daemon).to.deep.equal({ running: false });
    expect(f.rsync).to.equal(true);
  });

  it('a converged host: the file parses, the secrets file is 0600 and known only by its hash, the daemon runs on our config', () => {
    const f = parseRsyncdFacts(p, read('converged.stdout'));
    expect(f.config.parseError).to.equal(undefined);
    expect(f.secrets).to.deep.include({ exists: true, mode: '0600', owner: 'root' });
    expect(f.secrets).to.not.have.property('content');
    expect(f.daemon).to.deep.equal({ running: true, pid: 110, args: 'rsync --daemon --config=/etc/rsyncd.conf' });
  });

  it('truncated output is an error, not an empty host', () => {
    const text = read('converged.stdout');
    expect(() => parseRsyncdFacts(p, text.slice(0, text.length / 2))).to.throw('output parts');
    expect(() => parseDaemonFacts('garbage\n')).to.throw('daemon facts: unexpected');
  });

  it('starts the daemon with --config and verifies it on the process table', () => {
    const cmd = daemonCommand(daemonSpec(p), 'start');
    expect(cmd).to.include("rb_comm=rsync; rb_match=/etc/rsyncd.conf; rb_pidfile=/var/run/rsyncd.pid");
    expect(cmd).to.include('rsync --daemon --config=/etc/rsyncd.conf >"$tmp" 2>&1 </dev/null');
    expect(execFileSync('sh', ['-n', '-c', daemonCommand(daemonSpec(p), 'restart')]).toString()).to.equal('');
  });
});
