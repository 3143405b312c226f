// The `environment` keyword: layers from the play, blocks, roles and the task,
// merged per host (the nearest wins); a bad layer is refused where it is written
// before any host is touched, and a templated one when it is rendered.

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { resolveEnvironment } from '../../core/playbook/environment.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { testRegistry } from '../helpers/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-env-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function load(text: string) {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  try {
    return { file, plays: (await loadPlaybooks([file], { registry: testRegistry }))[0].plays, problems: [] as string[] };
  } catch (e) {
    if (e instanceof ConfigError) return { file, plays: [], problems: e.message.split('\n') };
    throw e;
  }
}

const loc = { file: 'site.yml', line: 3, col: 5 };

describe('environment keyword', () => {
  it('a block passes its layer on below the layers above it; the task adds its own last', async () => {
    const { plays, problems } = await load(`
- hosts: all
  environment: { A: play }
  tasks:
    - block:
        - say: { msg: x }
          environment: { C: task }
      environment: "{{ proxy_env }}"
`);
    expect(problems).to.deep.equal([]);
    expect(plays[0].environment).to.deep.equal([{ A: 'play' }]);
    expect(plays[0].tasks[0].environment).to.deep.equal(['{{ proxy_env }}', { C: 'task' }]);
  });

  it('merges rendered layers in order: the nearest value wins; numbers and booleans become text as Ansible writes them', () => {
    const env = resolveEnvironment([{ A: 'play', B: 'play' }, '{{ proxy }}', { B: 'task', N: 8080, T: true }], { proxy: { http_proxy: 'http://p:3128', A: 'block' } }, loc, 'tasks[0].environment');
    expect(env).to.deep.equal({ A: 'block', B: 'task', http_proxy: 'http://p:3128', N: '8080', T: 'True' });
  });

  it('refuses, with file:line and path, a layer that is not a mapping, a bad variable name, a nested value', async () => {
    const { file, problems } = await load(`
- hosts: all
  environment: [ "A=1" ]
  tasks:
    - say: { msg: x }
      environment: { "BAD-NAME": x }
    - say: { msg: y }
      environment: { A: { nested: 1 } }
`);
    expect(problems).to.deep.equal([
      `${file}:3:16: environment: expected a mapping of variable names to values, got "A=1"`,
      `${file}:6:20: tasks[0].environment: "BAD-NAME" is not a valid environment variable name (letters, digits, _; not starting with a digit)`,
      `${file}:8:20: tasks[1].environment: A: expected a string, a number or a boolean, got {"nested":1}`,
    ]);
  });

  it('a templated layer that renders to something else than a mapping is an error naming the task', () => {
    expect(() => resolveEnvironment(['{{ proxy }}'], { proxy: 'http://p:3128' }, loc, 'tasks[0].environment')).to.throw(
      ConfigError,
      'site.yml:3:5: tasks[0].environment: expected a mapping of variable names to values, got "http://p:3128" (after rendering "{{ proxy }}")',
    );
  });
});
