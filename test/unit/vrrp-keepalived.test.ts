// The rendered configs are checked by the real keepalived (installed here):
// every valid fixture and the every-construct config must pass `keepalived -t`,
// and what keepalived says about a bad one is mapped back to the field.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { explainValidation, validateCommand } from '../../modules/vrrp/apply.js';
import { fromTree } from '../../modules/vrrp/model.js';
import { parseConf } from '../../modules/lib/keepalived-conf/parser.js';
import { render } from '../../modules/vrrp/render.js';
import { fromParams } from '../../modules/vrrp/model.js';
import { FIXTURES, keepalivedTest, keepalivedTestFile, readConfig, validFixtureParams } from '../fixtures/vrrp/local.js';

describe('vrrp rendered configs under the real keepalived -t', () => {
  for (const { name, params } of validFixtureParams()) {
    it(`accepts the rendering of ${name}`, () => {
      const r = keepalivedTest(render(fromParams(params)).text);
      expect(r.output, 'keepalived -t output').to.equal('');
      expect(r.code).to.equal(0);
    });
  }

  it('accepts the every-construct config and its rendering alike', () => {
    const original = keepalivedTestFile(join(FIXTURES, 'all-constructs', 'keepalived.conf'));
    expect(original.code, `the hand-written file, includes read by keepalived: ${original.output}`).to.equal(0);
    const r = keepalivedTest(render(readConfig(join(FIXTURES, 'all-constructs', 'keepalived.conf'))).text);
    expect(r.output).to.equal('');
    expect(r.code).to.equal(0);
  });

  it('fails a fwmark real server with a port, as the rules say', () => {
    const bad = fromTree(parseConf(readFileSync(join(FIXTURES, 'seed-002-fwmark.conf'), 'utf8').replace(/enp0s3/g, 'eth0'), 'seed'));
    const rendered = render(bad);
    const r = keepalivedTest(rendered.text);
    expect(r.code).to.equal(5);
    const lines = explainValidation(r.output, rendered.lines, ['1111']);
    const n = rendered.text.split('\n').indexOf('    persistence_timeout 0') + 1;
    expect(lines).to.include.members([
      `line ${n} (virtual_server fwmark 3.persistence_timeout): number '0' outside range [1, 2678400]`,
      `line ${n} (virtual_server fwmark 3.persistence_timeout): persistence_timeout invalid`,
    ]);
    expect(lines.some((l) => /real server \[172\.16\.0\.31\]:none:80 has port specified/.test(l)), lines.join('\n')).to.equal(true);
  });

  it('maps an unknown keyword to its block and masks secrets in the messages', () => {
    const c = fromParams({
      instances: [
        {
          name: 'VI_1',
          interface: 'eth0',
          virtual_router_id: 51,
          authentication: { auth_type: 'PASS', auth_pass: 'zzsecret' },
          virtual_ipaddress: ['192.0.2.9'],
          extra: ['bogus_keyword zzsecret'],
        },
      ],
    });
    const rendered = render(c);
    const r = keepalivedTest(rendered.text);
    expect(r.code).to.equal(5);
    const n = rendered.text.split('\n').findIndex((l) => l.includes('bogus_keyword')) + 1;
    expect(explainValidation(r.output, rendered.lines, ['zzsecret'])).to.deep.equal([`line ${n} (vrrp_instance VI_1.bogus_keyword): Unknown keyword 'bogus_keyword'`]);
  });

  it('checks with -e, so a missing file is an error', () => {
    expect(validateCommand('/etc/keepalived/.rb-tmp-1')).to.equal('keepalived -t -e -f /etc/keepalived/.rb-tmp-1');
  });
});
