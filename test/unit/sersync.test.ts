// sersync: the two renderers (lsyncd.conf.lua, confxml.xml) pinned on seed
// 000's topology, the option translation, and facts parsed from output
// captured on lab hosts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import { daemonSpec, parseSersyncFacts } from '../../modules/sersync/facts.js';
import { globToRegex, lsyncdFlags, unsupportedLetters } from '../../modules/sersync/options.js';
import { checkSersyncParams, sersyncParams, type SersyncParams } from '../../modules/sersync/params.js';
import { luaString, renderConfxml, renderLsyncd } from '../../modules/sersync/render.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'sersync');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

function params(raw: unknown): SersyncParams {
  const { value, problems } = validateFields(sersyncParams, raw, '', {}, checkSersyncParams);
  expect(problems).to.deep.equal([]);
  return value as unknown as SersyncParams;
}

const SEED = {
  watch: '/var/www/html',
  remotes: [
    { ip: '192.168.1.12', name: 'html' },
    { ip: '192.168.1.13', name: 'html' },
    { ip: '192.168.1.14', name: 'backup' },
  ],
};

describe('sersync options', () => {
  it('-artuz becomes lsyncd fields; r and R are implied; D is passed through', () => {
    expect(lsyncdFlags('-artuz')).to.deep.equal({ fields: ['archive', 'times', 'update', 'compress'], extra: [] });
    expect(lsyncdFlags('-rlptgoDR')).to.deep.equal({ fields: ['links', 'perms', 'times', 'group', 'owner'], extra: ['-D'] });
    expect(unsupportedLetters('-artuzPe')).to.deep.equal(['P', 'e']);
  });

  it('exclude patterns become the regular expressions sersync matches', () => {
    expect(globToRegex('*.swp')).to.equal('.*\\.swp');
    expect(globToRegex('cache/?(x)')).to.equal('cache/.\\(x\\)');
  });

  it('Lua strings are escaped', () => {
    expect(luaString('a"b\\c\n')).to.equal('"a\\"b\\\\c\\010"');
  });
});

describe('sersync renderers', () => {
  it("lsyncd: one default.rsync sync per remote of seed 000's rl1", () => {
    const text = renderLsyncd(params(SEED));
    expect(text.match(/^sync \{$/gm)).to.have.length(3);
    expect(text).to.include('\ttarget = "192.168.1.14::backup",\n\tdelete = true,\n\tdelay = 1,\n\trsync = {\n\t\tarchive = true,\n\t\ttimes = true,\n\t\tupdate = true,\n\t\tcompress = true,\n\t},\n}\n');
  });

  it('lsyncd: auth, port, timeout, excludes, no initial sync', () => {
    const p = params({ ...SEED, remotes: [SEED.remotes[0]], auth: { user: 'pusher', password: 'x' }, port: 8730, timeout: 100, exclude: ['*.swp', '.git/'], initial_sync: false, delete: false, rsync_options: '-aD' });
    expect(renderLsyncd(p)).to.equal(
      [
        '-- lsyncd.conf.lua, written by rb (module sersync, engine lsyncd): pushes /var/www/html',
        '-- to 1 rsync daemon on every change (inotify + rsync), as sersync would.',
        'settings {',
        '\tlogfile = "/var/log/lsyncd/lsyncd.log",',
        '\tstatusFile = "/var/log/lsyncd/lsyncd.status",',
        '\tpidfile = "/var/run/lsyncd.pid",',
        '\tinsist = true,',
        '}',
        '',
        'sync {',
        '\tdefault.rsync,',
        '\tsource = "/var/www/html",',
        '\ttarget = "pusher@192.168.1.12::html",',
        '\tdelete = false,',
        '\tdelay = 1,',
        '\tinit = false,',
        '\texclude = { "*.swp", ".git/" },',
        '\trsync = {',
        '\t\tarchive = true,',
        '\t\tpassword_file = "/etc/rsync.pass",',
        '\t\ttimeout = 100,',
        '\t\t_extra = { "-D", "--port=8730" },',
        '\t},',
        '}',
        '',
      ].join('\n'),
    );
  });

  it("confxml.xml: the seed's <localpath> with its three <remote>s, rsync params, auth and filters", () => {
    const xml = renderConfxml(params({ ...SEED, exclude: ['*.swp'], auth: { user: 'rsync_backup', password_file: '/etc/rsync.password' } }));
    expect(xml).to.include(
      '\t<localpath watch="/var/www/html">\n\t    <remote ip="192.168.1.12" name="html"/>\n\t    <remote ip="192.168.1.13" name="html"/>\n\t    <remote ip="192.168.1.14" name="backup"/>\n\t</localpath>',
    );
    expect(xml).to.include('<commonParams params="-artuz"/>');
    expect(xml).to.include('<auth start="true" users="rsync_backup" passwordfile="/etc/rsync.password"/>');
    expect(xml).to.include('<delete start="true"/>');
    expect(xml).to.include('<filter start="true">\n\t<exclude expression=".*\\.swp"></exclude>\n    </filter>');
    expect(xml).to.include('<userDefinedPort start="false" port="873"/>');
    expect(xml.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\n')).to.equal(true);
  });

  it('sersync2 runs in the background with a full push first, on our file', () => {
    const p = params(SEED);
    expect(daemonSpec(p, 'sersync').start).to.deep.equal(['/usr/local/sersync/sersync2', '-d', '-r', '-o', '/usr/local/sersync/confxml.xml']);
    expect(daemonSpec({ ...p, initial_sync: false }, 'sersync', '/usr/bin/sersync2').start).to.deep.equal(['/usr/bin/sersync2', '-d', '-o', '/usr/local/sersync/confxml.xml']);
    expect(daemonSpec(p, 'lsyncd', '/usr/bin/lsyncd')).to.deep.include({ start: ['/usr/bin/lsyncd', '/etc/lsyncd/lsyncd.conf.lua'], comm: 'lsyncd', pidFile: '/var/run/lsyncd.pid' });
  });
});

describe('sersync facts (captured on lab hosts)', () => {
  const p = params(JSON.parse(read('params.json')));

  it('a fresh Debian host: lsyncd installed, no sersync2, nothing configured', () => {
    expect(parseSersyncFacts(p, read('fresh.stdout'))).to.deep.equal({
      bins: { lsyncd: '/usr/bin/lsyncd' },
      configs: { lsyncd: { path: '/etc/lsyncd/lsyncd.conf.lua', exists: false }, sersync: { path: '/usr/local/sersync/confxml.xml', exists: false } },
      watch: false,
      daemons: { lsyncd: { running: false }, sersync: { running: false } },
    });
  });

  it('a converged host: the file rb rendered, lsyncd running on it', () => {
    const f = parseSersyncFacts(p, read('converged.stdout'));
    expect(f.configs.lsyncd.content).to.equal(renderLsyncd(p));
    expect(f.daemons.lsyncd).to.deep.equal({ running: true, pid: 106, args: '/usr/bin/lsyncd /etc/lsyncd/lsyncd.conf.lua' });
  });

  it('malformed output is an error', () => {
    expect(() => parseSersyncFacts(p, read('converged.stdout').replace('lsyncd /usr/bin/lsyncd', 'lsyncd: not found'))).to.throw('engines: unexpected');
    expect(() => parseSersyncFacts(p, 'x')).to.throw('output parts');
  });
});
