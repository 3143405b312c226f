// Lookups compared with Ansible: test/fixtures/template/lookups/capture.sh
// evaluated every expression with ansible-playbook, playbook_dir = that folder.
// fileglob is compared as a set (Ansible lists in directory order, rb sorted).

import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderString } from '../../core/template/index.js';
import { clearSecrets, isSecretValue } from '../../core/vault/secrets.js';

const DIR = fileURLToPath(new URL('../fixtures/template/lookups', import.meta.url));
const rows = JSON.parse(readFileSync(join(DIR, 'ansible.json'), 'utf8')) as Array<[string, unknown]>;
const vars = { v1: 'first', v2: 'second', v3: '{{ v1 }}-x', playbook_dir: DIR };
const sorted = (v: unknown) => (typeof v === 'string' && v.includes(',') ? v.split(',').sort().join(',') : Array.isArray(v) ? [...v].sort() : v);

describe(`template lookups: Ansible parity (${rows.length} expressions)`, () => {
  for (const [expr, want0] of rows) {
    it(expr, () => {
      const want = JSON.parse(JSON.stringify(want0).split('@DIR@').join(DIR));
      const got = renderString(`{{ ${expr} }}`, vars);
      if (expr.includes('fileglob')) expect(sorted(got)).to.deep.equal(sorted(want));
      else expect(got).to.deep.equal(want);
    });
  }
});

describe('lookup password', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'rb-pw-'))));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    clearSecrets();
  });

  it('creates the password file 0600 once, reuses it, honours length and chars, and marks the value secret', () => {
    const file = join(dir, 'creds', 'vrrp');
    const pw = renderString(`{{ lookup('password', '${file} length=12 chars=digits') }}`, { playbook_dir: dir }) as string;
    expect(pw).to.match(/^[0-9]{12}$/);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readFileSync(file, 'utf8')).to.equal(`${pw}\n`);
    expect(renderString(`{{ lookup('password', '${file} length=30') }}`, { playbook_dir: dir })).to.equal(pw);
    expect(isSecretValue(pw)).to.equal(true);
    const tmp = renderString("{{ lookup('password', '/dev/null length=40 chars=ascii_lowercase') }}", {}) as string;
    expect(tmp).to.match(/^[a-z]{40}$/);
    expect(existsSync('/dev/null')).to.equal(true);
  });
});
