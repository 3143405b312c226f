import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../core/errors.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { testRegistry } from '../helpers/registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/playbooks/${name}`, import.meta.url));

async function problemsOf(file: string): Promise<string[]> {
  try {
    await loadPlaybooks([file], { registry: testRegistry });
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('playbook loading', () => {
  it('reports three different mistakes at once, each with file:line:col and field path', async () => {
    const file = fixture('three-mistakes.yml');
    const lines = await problemsOf(file);
    expect(lines).to.deep.equal([
      `${file}:7:16: tasks[0].kv.value: expected an integer, got string "high"`,
      `${file}:9:7: tasks[1].kvv: unknown module or task keyword "kvv" (did you mean "kv"?)`,
      `${file}:14:9: tasks[2].kv.vaule: unknown parameter (did you mean "value"?)`,
    ]);
  });

  it('loads plays, free-form and key=value args, prefixes, imports and handlers', async () => {
    const [book] = await loadPlaybooks([fixture('good.yml')], { registry: testRegistry });
    const play = book.plays[0];
    expect(play.hosts).to.equal('all');
    expect(play.tasks.map((t) => [t.module, t.args])).to.deep.equal([
      ['kv', { name: 'x', value: '{{ prio }}' }],
      ['say', { msg: 'hello' }],
      ['say', { msg: 'quoted value' }],
      ['kv', { name: 'q', value: '4' }],
      ['kv', { name: 'z', value: 3 }],
    ]);
    expect(play.tasks[4].tags).to.deep.equal(['extra']);
    expect(play.tasks[4].file).to.match(/tasks\/extra\.yml$/);
    expect(play.tasks[4].loc.line).to.equal(1);
    expect(play.handlers[0].listen).to.deep.equal(['reload things']);
  });

  it('names a missing file and a YAML syntax error with its position', async () => {
    expect((await problemsOf('/nonexistent/pb.yml'))[0]).to.contain('cannot read /nonexistent/pb.yml: ENOENT');
  });

  it('rejects unknown play keywords with a suggestion', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/rb-pb-`);
    await writeFile(`${dir}/p.yml`, '- hosts: all\n  task:\n    - say: hi\n  serial: fast\n');
    const lines = await problemsOf(`${dir}/p.yml`);
    expect(lines).to.deep.equal([
      `${dir}/p.yml:2:3: task: unknown play keyword (did you mean "tasks"?)`,
      `${dir}/p.yml:4:11: plays[0].serial: expected a positive integer or a percentage from 1% to 100% (or a list of them), got string "fast"`,
    ]);
  });
});
