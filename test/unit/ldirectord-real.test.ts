// The files rb writes, read by the real ldirectord 4 installed here
// (`ldirectord FILE status` reads the whole file first: exit 3 = good and not
// running, 2 = refused with the line), and the IPVS table rb infers from them.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import { parseYaml } from '../../core/yaml.js';
import { ruleLines, serviceId } from '../../modules/lib/ipvs-table/model.js';
import { parseRules } from '../../modules/lib/ipvs-table/save-format.js';
import { validateCommand } from '../../modules/ldirectord/apply.js';
import { parseLdirectord } from '../../modules/lib/ldirectord-conf/config.js';
import { editDocument } from '../../modules/ldirectord/edit.js';
import { checkTable, impliedTable } from '../../modules/lib/ldirectord-conf/implied.js';
import { modelOf, renderModel } from '../../modules/lib/ldirectord-conf/model.js';
import { modelFromParams } from '../../modules/ldirectord/params.js';
import ldirectord from '../../modules/ldirectord/index.js';

const CASES = new URL('../modules/ldirectord/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/ldirectord/${name}`, import.meta.url), 'utf8');

describe('ldirectord reads what rb writes (real ldirectord)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'rb-ldirectord-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Exit code of `ldirectord FILE status`; logging goes to a file in the temp dir. */
  function status(name: string, text: string): { code: number; stderr: string } {
    const file = join(dir, name);
    writeFileSync(file, text.replace(/^logfile\s*=.*$/m, `logfile="${join(dir, 'ld.log')}"`));
    const r = spawnSync('ldirectord', [file, 'status'], { encoding: 'utf8' });
    return { code: r.status ?? -1, stderr: r.stderr };
  }

  const cases = readdirSync(CASES).filter((f) => f.endsWith('.yaml'));
  for (const c of cases) {
    const doc = parseYaml(readFileSync(new URL(c, CASES), 'utf8'), c) as { params: unknown; facts?: { content?: string }; expect: { error?: string } };
    if (doc.expect.error !== undefined) continue;
    it(`accepts the file rendered for ${c}, and the host's file edited for it`, () => {
      const { value, problems } = validateFields(ldirectord.params, doc.params, '', {}, ldirectord.rules);
      expect(problems).to.deep.equal([]);
      const want = modelFromParams(value);
      const rendered = status(`rendered-${c}.cf`, renderModel(want));
      expect(rendered, rendered.stderr).to.deep.include({ code: 3 });
      const content = doc.facts?.content;
      if (content === undefined) return;
      if (c === 'unreadable.yaml') {
        // rb cannot read this host file: it renders the whole file instead (checked above).
        expect(() => parseLdirectord(content, c)).to.throw();
        return;
      }
      const edited = editDocument(parseLdirectord(content, c), want);
      const r = status(`edited-${c}.cf`, edited);
      expect(r, `${edited}\n${r.stderr}`).to.deep.include({ code: 3 });
    });
  }

  it('refuses the files ldirectord refuses, through the validator rb installs with', () => {
    const file = join(dir, 'bad.cf');
    writeFileSync(file, 'connecttimeout=3\n');
    const r = spawnSync('sh', ['-c', validateCommand(file)], { encoding: 'utf8' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('line 1: connecttimeout directive deprecated in favour of negotiatetimeout');
    writeFileSync(file, 'virtual=1.2.3.4:80\n\treal=1.2.3.5:80 gate\n');
    expect(execFileSync('sh', ['-c', `${validateCommand(file)} && echo good`], { encoding: 'utf8' })).to.equal('good\n');
  });
});

describe('the IPVS table an ldirectord.cf implies', () => {
  it('seed 004: rr, persistent 600, DR real servers on the virtual port, 127.0.0.1 as fallback', () => {
    const implied = impliedTable(modelOf(parseLdirectord(fixture('seed004.cf'), 'seed004.cf')));
    expect(implied.unresolved).to.deep.equal([]);
    expect(implied.services.map((s) => ruleLines(s.service))).to.deep.equal([
      ['-A -t 192.168.57.200:80 -s rr -p 600', '-a -t 192.168.57.200:80 -r 192.168.57.101:80 -g -w 1', '-a -t 192.168.57.200:80 -r 192.168.57.102:80 -g -w 1'],
    ]);
    expect(implied.services[0].fallback).to.equal('127.0.0.1:80');
  });

  it('every construct: masq ports kept, fwmark with a range, udp by protocol, IPv6, defaults (wrr, weight 1)', () => {
    const implied = impliedTable(modelOf(parseLdirectord(fixture('every-construct.cf'), 'e')));
    expect(implied.services.map((s) => ruleLines(s.service))).to.deep.equal([
      ['-A -t 10.0.0.10:443 -s wlc -p 300 -M 255.255.255.0', '-a -t 10.0.0.10:443 -r 10.0.1.1:443 -m -w 5', '-a -t 10.0.0.10:443 -r 10.0.1.2:443 -m -w 1'],
      ['-A -f 3 -s sh', '-a -f 3 -r 10.0.1.5:0 -g -w 2', '-a -f 3 -r 10.0.1.6:0 -g -w 2', '-a -f 3 -r 10.0.1.7:0 -g -w 2'],
      ['-A -t [2001:db8::10]:80 -s wrr', '-a -t [2001:db8::10]:80 -r [2001:db8::1]:80 -g -w 1'],
      ['-A -u 10.0.0.11:53 -s wrr', '-a -u 10.0.0.11:53 -r 10.0.1.1:53 -g -w 1'],
    ]);
  });

  it('compares with a live table: down real servers are reported apart from mismatches', () => {
    const implied = impliedTable(modelOf(parseLdirectord(fixture('seed004.cf'), 's'))).services;
    const live = (text: string) => parseRules(text, 'live').services;
    expect(checkTable(implied, live('-A -t 192.168.57.200:80 -s rr -p 600\n-a -t 192.168.57.200:80 -r 127.0.0.1:80 -g -w 1\n'))).to.deep.equal({
      mismatches: [],
      down: ['tcp 192.168.57.200:80 -> 192.168.57.101:80', 'tcp 192.168.57.200:80 -> 192.168.57.102:80'],
    });
    const wrong = checkTable(implied, live('-A -t 192.168.57.200:80 -s wlc\n-a -t 192.168.57.200:80 -r 192.168.57.101:80 -m -w 1\n-A -t 10.9.9.9:80 -s rr\n'), ['tcp 10.9.9.9:80']);
    expect(wrong.mismatches).to.deep.equal([
      'tcp 192.168.57.200:80: scheduler wlc, the file says rr',
      'tcp 192.168.57.200:80: persistence not persistent, the file says 600 s',
      'tcp 192.168.57.200:80: real server 192.168.57.101:80 forwards by masq, the file says gate',
      'tcp 10.9.9.9:80 is still in the IPVS table though the file no longer has it',
    ]);
    expect(checkTable(implied, []).mismatches).to.deep.equal(['tcp 192.168.57.200:80 is not in the IPVS table']);
    expect(serviceId(implied[0].service.key)).to.equal('tcp 192.168.57.200:80');
  });

  it('says which virtuals it cannot map (host names, unknown port names)', () => {
    const m = modelOf(parseLdirectord('virtual=www.example.com:80\n\treal=10.0.0.1:80 gate\nvirtual=10.0.0.1:gopherx\n\treal=10.0.0.2 gate\n', 'u'));
    expect(impliedTable(m).unresolved).to.deep.equal(['virtual=www.example.com:80', 'virtual=10.0.0.1:gopherx']);
  });
});
