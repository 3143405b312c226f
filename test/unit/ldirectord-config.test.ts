import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { LdSyntaxError, parseLdirectord, renderDocument } from '../../modules/lib/ldirectord-conf/config.js';
import { diffModels, editDocument } from '../../modules/ldirectord/edit.js';
import { group, modelOf, normaliseReal, renderModel } from '../../modules/lib/ldirectord-conf/model.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ldirectord/${name}`, import.meta.url), 'utf8');
const FILES = ['seed004.cf', 'every-construct.cf', 'debian-example.cf'];

describe('ldirectord.cf reader', () => {
  for (const f of FILES) {
    it(`renders ${f} back byte for byte`, () => {
      expect(renderDocument(parseLdirectord(fixture(f), f))).to.equal(fixture(f));
    });
  }

  it('reads seed 004: globals, one virtual, its reals and options, commented alternatives left out', () => {
    const doc = parseLdirectord(fixture('seed004.cf'), 'seed004.cf');
    expect(doc.globals).to.deep.equal([
      { key: 'checktimeout', value: '3' },
      { key: 'checkinterval', value: '1' },
      { key: 'logfile', value: '/var/log/ldirectord.log' },
      { key: 'autoreload', value: 'yes' },
      { key: 'quiescent', value: 'no' },
    ]);
    expect(doc.sections).to.have.length(1);
    const g = group(doc.sections[0].options);
    expect(g.get('real')).to.deep.equal(['192.168.57.101:80 gate', '192.168.57.102:80 gate']);
    expect(g.get('request')).to.deep.equal(['healthcheck.html']);
    expect(g.get('scheduler')).to.deep.equal(['rr']);
    expect(doc.lines.filter((l) => l.kind === 'comment' && l.section === 0)).to.have.length(7);
  });

  it('reads sections the way ldirectord does: spaces or tabs, inline comments, column-0 comments inside, blank line ends', () => {
    const doc = parseLdirectord(fixture('every-construct.cf'), 'every-construct.cf');
    expect(doc.sections.map((s) => `${s.keyword}=${s.virtual}`)).to.deep.equal(['virtual=10.0.0.10:443', 'virtual=3', 'virtual6=[2001:db8::10]:80', 'virtual=10.0.0.11:53']);
    expect(group(doc.sections[0].options).get('real')).to.deep.equal(['10.0.1.1:443 masq 5', '10.0.1.2:443 masq']);
    expect(group(doc.sections[0].options).get('quiescent')).to.deep.equal(['yes']);
    expect(group(doc.sections[3].options).get('real')).to.deep.equal(['10.0.1.1:53 gate "www.example.com", "10.0.0.5"']);
    expect(group(doc.globals).get('fork')).to.deep.equal(['yes']);
  });

  it('refuses what ldirectord refuses, with file and line', () => {
    expect(() => parseLdirectord('checktimeout=3\n  quiescent=no\n', '/etc/ha.d/ldirectord.cf')).to.throw(LdSyntaxError, '/etc/ha.d/ldirectord.cf, line 2: an indented line outside a virtual section');
    expect(() => parseLdirectord('virtual=1.2.3.4:80\n\treal 1.2.3.5:80 gate\n', 'f')).to.throw('f, line 2: expected KEY = VALUE');
    // A blank line ends the section: the next indented line is outside any.
    expect(() => parseLdirectord('virtual=1.2.3.4:80\n\treal=1.2.3.5:80 gate\n\n\tscheduler=rr\n', 'f')).to.throw('line 4: an indented line outside');
  });
});

describe('ldirectord.cf semantics and minimal edits', () => {
  const seed = parseLdirectord(fixture('seed004.cf'), 'seed004.cf');

  it('normalises values the way ldirectord reads them', () => {
    expect(normaliseReal('10.0.0.1:80  gate 1')).to.equal('10.0.0.1:80 gate');
    expect(normaliseReal('10.0.0.1:80 GATE 2')).to.equal('10.0.0.1:80 gate 2');
    // add_real_server: request and receive are separated by a comma or a blank; blanks inside the quotes are kept.
    expect(normaliseReal('10.0.0.1:80 gate 1 "/a  b.html" "A"')).to.equal(normaliseReal('10.0.0.1:80   gate "/a  b.html", "A"'));
    expect(normaliseReal('10.0.0.1:80 gate 1 "/a  b.html" "A"')).to.equal('10.0.0.1:80 gate "/a  b.html", "A"');
    const spelled = parseLdirectord('logfile="/var/log/ldirectord.log"\nautoreload = YES\nvirtual=1.2.3.4:80\n    real=1.2.3.5:80 gate 1\n', 'a');
    const canonical = parseLdirectord('logfile = "/var/log/ldirectord.log"\nautoreload=yes\nvirtual=1.2.3.4:80\n\treal=1.2.3.5:80 gate\n', 'b');
    expect(diffModels(modelOf(spelled), modelOf(canonical))).to.deep.equal([]);
  });

  it('an unchanged model leaves the file exactly as it is', () => {
    expect(editDocument(seed, modelOf(seed))).to.equal(fixture('seed004.cf'));
  });

  it('changes one value in place, keeping comments and indentation', () => {
    const want = modelOf(seed);
    want.virtuals[0].options = want.virtuals[0].options.map((e) => (e.key === 'scheduler' ? { ...e, value: 'wrr' } : e));
    want.globals = want.globals.map((e) => (e.key === 'quiescent' ? { ...e, value: 'yes' } : e));
    expect(diffModels(modelOf(seed), want)).to.deep.equal([
      { op: 'set', field: 'quiescent', before: 'no', after: 'yes' },
      { op: 'set', field: 'virtual=192.168.57.200:80 scheduler', before: 'rr', after: 'wrr' },
    ]);
    const edited = editDocument(seed, want);
    expect(edited).to.equal(fixture('seed004.cf').replace('quiescent=no', 'quiescent=yes').replace('\tscheduler=rr\n', '\tscheduler=wrr\n'));
  });

  it('replaces a real server after the last one, adds a key, removes a key', () => {
    const want = modelOf(seed);
    const opts = want.virtuals[0].options.filter((e) => e.value !== '192.168.57.102:80 gate' && e.key !== 'persistent');
    opts.push({ key: 'real', value: '192.168.57.103:80 gate 2' }, { key: 'negotiatetimeout', value: '5' });
    want.virtuals[0].options = opts;
    expect(diffModels(modelOf(seed), want).map((d) => `${d.op} ${d.field} ${d.before ?? ''}→${d.after ?? ''}`)).to.deep.equal([
      'add-real virtual=192.168.57.200:80 real →192.168.57.103:80 gate 2',
      'remove-real virtual=192.168.57.200:80 real 192.168.57.102:80 gate→',
      'set virtual=192.168.57.200:80 negotiatetimeout →5',
      'set virtual=192.168.57.200:80 persistent 600→',
    ]);
    const lines = editDocument(seed, want).split('\n');
    expect(lines.slice(7, 10)).to.deep.equal(['\treal=192.168.57.101:80 gate', '\treal=192.168.57.103:80 gate 2', '\t#real=192.168.57.101:80 masq']);
    expect(lines).to.not.include('\tpersistent=600');
    expect(lines[lines.length - 2]).to.equal('\tnegotiatetimeout=5');
    expect(lines).to.include('\t#scheduler=wlc');
  });

  it('removes a whole section with its comments and appends a new one', () => {
    const doc = parseLdirectord(fixture('every-construct.cf'), 'e');
    const want = modelOf(doc);
    want.virtuals = want.virtuals.filter((v) => v.virtual !== '10.0.0.10:443');
    want.virtuals.push({ keyword: 'virtual', virtual: '10.0.0.12:80', options: [{ key: 'real', value: '10.0.1.1:80 gate' }, { key: 'request', value: 'a b' }] });
    const text = editDocument(doc, want);
    expect(text).to.not.include('10.0.0.10:443');
    expect(text).to.not.include('a column-0 comment');
    expect(text.endsWith('\nvirtual=10.0.0.12:80\n\treal=10.0.1.1:80 gate\n\trequest="a b"\n')).to.equal(true);
    expect(diffModels(modelOf(parseLdirectord(text, 'x')), want)).to.deep.equal([]);
  });

  it('renders a whole file for a host without one, and it reads back to the same model', () => {
    const m = modelOf(seed);
    const text = renderModel(m);
    expect(text.split('\n').slice(0, 3)).to.deep.equal(['# Managed by rb (ldirectord module): edits to values rb manages are reverted; comments are kept.', 'checktimeout=3', 'checkinterval=1']);
    expect(diffModels(modelOf(parseLdirectord(text, 'r')), m)).to.deep.equal([]);
  });
});
