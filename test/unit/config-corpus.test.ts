// Real-world-style configs (test/fixtures/<module>/real-world/, written to
// reproduce constructs found in public configs): each is read by rb, rendered
// from its model, and read again to the same model; where the real tool can
// read a file here (the rsync daemon), it answers the rendered file exactly as
// it answered the original.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelOf as rsyncModelOf, parseRsyncd, renderDocument as rsyncDocument, renderModel as renderRsyncd } from '../../modules/rsyncd/conf.js';
import { parseLdirectord } from '../../modules/lib/ldirectord-conf/config.js';
import { group, modelOf as ldModelOf, renderModel as renderLd, type Model as LdModel } from '../../modules/lib/ldirectord-conf/model.js';
import { impliedTable } from '../../modules/lib/ldirectord-conf/implied.js';
import { parseHaCf, renderHaCf } from '../../modules/heartbeat/hacf.js';
import { parseHaresources, renderHaresources } from '../../modules/heartbeat/haresources.js';
import { parseAuthkeys, renderAuthkeys } from '../../modules/heartbeat/authkeys.js';
import { confxmlMeaning, paramsFromConfxml, parseConfxml } from '../../modules/sersync/confxml.js';
import { renderConfxml } from '../../modules/sersync/render.js';
import { checkSersyncParams, sersyncParams, type SersyncParams } from '../../modules/sersync/params.js';
import { validateFields } from '../../core/schema/validate.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures');
const files = (module: string) => {
  const dir = join(ROOT, module, 'real-world');
  return readdirSync(dir).sort().map((f) => join(dir, f));
};
const read = (f: string) => readFileSync(f, 'utf8');
const name = (f: string) => f.slice(ROOT.length + 1);

/** The rsync daemon's answer to a module-list request on this file, and what it logged about the file. */
function rsyncVerdict(text: string, dir: string): { list: string; complaints: string[] } {
  const conf = join(dir, 'rsyncd.conf');
  const log = join(dir, 'log');
  writeFileSync(conf, text);
  rmSync(log, { force: true });
  const r = spawnSync('rsync', ['--server', '--daemon', `--config=${conf}`, `--log-file=${log}`, '.'], { input: '@RSYNCD: 30.0\n#list\n', encoding: 'latin1', timeout: 10_000 });
  const logText = existsSync(log) ? readFileSync(log, 'latin1') : '';
  const complaints = logText
    .split('\n')
    .filter((l) => /Unknown Parameter|IGNORING|Badly formed|Failed|rsync error|Unable to|Ignoring/.test(l))
    .map((l) => l.replace(/^[\d/]+ [\d:]+ \[\d+\] /, ''));
  return { list: r.stdout.replace(/^@RSYNCD: [^\n]*\n/, ''), complaints };
}

describe('real-world corpus: rsyncd.conf', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'rb-rsync-corpus-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has the files', () => expect(files('rsyncd').length).to.be.at.least(50));

  for (const f of files('rsyncd')) {
    it(`${name(f)}: parse(render(x)) = parse(x), the file is kept byte for byte, rsync answers the rendered file as the original`, () => {
      const text = read(f);
      const doc = parseRsyncd(text, f);
      expect(rsyncDocument(doc)).to.equal(text);
      const model = rsyncModelOf(doc);
      // rb does not follow &include/&merge: it keeps those lines, so a file with them is written by editing the document.
      const rendered = doc.directives.length ? rsyncDocument(doc) : renderRsyncd(model);
      expect(rsyncModelOf(parseRsyncd(rendered, 'rendered'))).to.deep.equal(model);
      const before = rsyncVerdict(text, dir);
      const after = rsyncVerdict(rendered, dir);
      // A line rsync skipped ("Ignoring badly formed line") is not written back by a render from the model.
      expect(after).to.deep.equal({ ...before, complaints: before.complaints.filter((c) => !/Ignoring badly formed line/.test(c) || doc.directives.length > 0) });
    });
  }

  it('a line without "=" is skipped, as rsync skips it, and the rest of the file is read', () => {
    const doc = parseRsyncd(read(join(ROOT, 'rsyncd', 'real-world', '05-stray-line.conf')), 'f');
    expect(doc.ignored.map((i) => i.text)).to.deep.equal(['this line has no equals sign']);
    expect(rsyncModelOf(doc).globals.map((e) => e.key)).to.deep.equal(['uid', 'gid', 'use chroot']);
  });
});

/** An ldirectord model as ldirectord means it: per section, key → the values in order. */
function ldMeaning(m: LdModel) {
  return { globals: [...group(m.globals)], virtuals: m.virtuals.map((v) => ({ keyword: v.keyword, virtual: v.virtual, options: [...group(v.options)] })) };
}

describe('real-world corpus: ldirectord.cf', () => {
  it('has the files', () => expect(files('ldirectord').length).to.be.at.least(50));

  for (const f of files('ldirectord')) {
    it(`${name(f)}: parse(render(x)) = parse(x), and the IPVS table it implies is the same`, () => {
      const model = ldModelOf(parseLdirectord(read(f), f));
      const again = ldModelOf(parseLdirectord(renderLd(model), 'rendered'));
      expect(ldMeaning(again)).to.deep.equal(ldMeaning(model));
      expect(impliedTable(again)).to.deep.equal(impliedTable(model));
    });
  }

  it('trailing comments and repeated keys are read as ldirectord reads them', () => {
    const m = ldModelOf(parseLdirectord(read(join(ROOT, 'ldirectord', 'real-world', '02-trailing-comments.cf')), 'f'));
    expect(m.globals).to.deep.equal([{ key: 'checktimeout', value: '5' }, { key: 'checkinterval', value: '3' }, { key: 'quiescent', value: 'no' }]);
    expect(m.virtuals[0].virtual).to.equal('10.0.0.100:443');
    const rep = impliedTable(ldModelOf(parseLdirectord(read(join(ROOT, 'ldirectord', 'real-world', '05-repeated-keys.cf')), 'f')));
    expect(rep.services[0].service.scheduler).to.equal('lc');
    const v6 = impliedTable(ldModelOf(parseLdirectord(read(join(ROOT, 'ldirectord', 'real-world', '04-ipv6.cf')), 'f')));
    expect(v6.services[0].fallback).to.equal('[::1]:80');
  });
});

describe('real-world corpus: ha.cf, haresources, authkeys', () => {
  const sets = readdirSync(join(ROOT, 'heartbeat', 'real-world')).filter((d) => statSync(join(ROOT, 'heartbeat', 'real-world', d)).isDirectory());
  it('has the files', () => expect(sets.length * 3).to.be.at.least(50));

  for (const set of sets) {
    const at = (f: string) => read(join(ROOT, 'heartbeat', 'real-world', set, f));
    it(`heartbeat/real-world/${set}: parse(render(x)) = parse(x) for ha.cf, haresources and authkeys`, () => {
      const ha = parseHaCf(at('ha.cf'));
      expect(parseHaCf(renderHaCf(ha))).to.deep.equal(ha);
      const groups = parseHaresources(at('haresources'));
      expect(parseHaresources(renderHaresources(groups))).to.deep.equal(groups);
      const keys = parseAuthkeys(at('authkeys'));
      expect(parseAuthkeys(renderAuthkeys(keys))).to.deep.equal(keys);
    });
  }

  it('a continued haresources line is one group; several authkeys keys are all kept (key rotation)', () => {
    const dir = join(ROOT, 'heartbeat', 'real-world', '02-bcast-rotation');
    expect(parseHaresources(read(join(dir, 'haresources')))).to.deep.equal([
      { node: 'alpha', resources: ['192.168.0.50', 'Filesystem::/dev/drbd0::/data::ext4', 'httpd'] },
      { node: 'beta', resources: ['192.168.0.51', 'mysqld'] },
    ]);
    expect(parseAuthkeys(read(join(dir, 'authkeys')))).to.deep.equal({ auth: 2, keys: [{ index: 1, method: 'md5', key: 'old-secret-one' }, { index: 2, method: 'sha1', key: 'new-secret-two' }] });
  });
});

describe('real-world corpus: sersync confxml.xml', () => {
  it('has the files', () => expect(files('sersync').length).to.be.at.least(50));

  for (const f of files('sersync')) {
    it(`${name(f)}: its params are valid, and the file rb renders from them means what the original means`, () => {
      const model = parseConfxml(read(f), f);
      const v = validateFields(sersyncParams, paramsFromConfxml(model), '', {}, checkSersyncParams);
      expect(v.problems).to.deep.equal([]);
      const again = parseConfxml(renderConfxml(v.value as unknown as SersyncParams));
      expect(confxmlMeaning(again)).to.deep.equal(confxmlMeaning(model));
    });
  }

  it('userDefinedPort on at 873 means what off means (sersync then runs rsync on its default port)', () => {
    const on873 = parseConfxml(read(join(ROOT, 'sersync', 'real-world', '51-port-873-explicit.xml')));
    expect(on873.port).to.deep.equal({ start: true, port: 873 });
    expect(confxmlMeaning(on873).port).to.deep.equal({ start: false });
    const on874 = parseConfxml(read(join(ROOT, 'sersync', 'real-world', '07-user-defined-port.xml')));
    expect(confxmlMeaning(on874).port).to.deep.equal({ start: true, port: 8730 });
  });
});
