// Template features Ansible playbooks use (comment, urlsplit, ...): each
// expression rendered by rb equals what Ansible rendered for it, captured by
// test/fixtures/template/capture-features.sh into features-ansible.json.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderString } from '../../core/template/index.js';

const rows = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/template/features-ansible.json', import.meta.url)), 'utf8')) as Array<[string, unknown]>;
const vars = { url: 'HTTPS://User:Pw@Example.COM:8443/a/b.html?x=1&y=2#frag', text: 'line one\nline two' };

describe(`template features: Ansible parity (${rows.length} expressions)`, () => {
  for (const [expr, want] of rows) {
    it(expr, () => expect(renderString(`{{ ${expr} }}`, vars)).to.deep.equal(want));
  }
});
