// vars_prompt in an unattended tool: the extra vars answer a prompt, else its
// default; a prompt with neither, or one that would encrypt, is refused where
// it is written before any host is touched.

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { testRegistry } from '../helpers/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-prompt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function load(text: string, extraVars: Record<string, unknown> = {}) {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  try {
    return { file, vars: (await loadPlaybooks([file], { registry: testRegistry, extraVars }))[0].plays[0].vars, problems: [] as string[] };
  } catch (e) {
    if (e instanceof ConfigError) return { file, vars: {}, problems: e.message.split('\n') };
    throw e;
  }
}

const PLAY = `
- hosts: all
  vars:
    release: from-vars
  vars_prompt:
    - name: release
      prompt: Which release?
      default: "2.1"
    - name: token
      prompt: Token?
      private: true
  tasks: []
`;

describe('vars_prompt', () => {
  it('an extra var answers the prompt; a default answers when there is none, over the play vars', async () => {
    const r = await load(PLAY, { token: 't' });
    expect(r.problems).to.deep.equal([]);
    expect(r.vars.release).to.equal('2.1');
    const r2 = await load(PLAY, { token: 't', release: '3.0' });
    expect(r2.vars.release).to.equal('from-vars'); // the extra var itself wins at run time, over every play var
  });

  it('a prompt without default nor extra var is refused, naming how to give it', async () => {
    const r = await load(PLAY);
    expect(r.problems).to.deep.equal([`${r.file}:9:7: vars_prompt[1]: token: rb never prompts; give it with -e token=... (or a default: in the prompt)`]);
  });

  it('encrypt is refused', async () => {
    const r = await load(`
- hosts: all
  vars_prompt:
    - name: pw
      prompt: Password?
      encrypt: sha512_crypt
  tasks: []
`, { pw: 'x' });
    expect(r.problems[0]).to.match(/vars_prompt\[0\]\.encrypt: encrypt is not supported/);
  });
});
