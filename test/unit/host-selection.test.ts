// Play hosts and --limit: blank, malformed and matching-nothing patterns are
// located errors; slices are Ansible's (expected values in
// fixtures/inventory/expected/yaml-lb.patterns.json come from ansible itself).

import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectPlayHosts } from '../../core/engine/host-selection.js';
import { ConfigError } from '../../core/errors.js';
import { loadInventory } from '../../core/inventory/index.js';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { testRegistry } from '../helpers/registry.js';

const INVENTORY = fileURLToPath(new URL('../fixtures/inventory/yaml-lb/inventory.yml', import.meta.url));

async function select(hosts: string, limit?: string): Promise<string[] | string[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'rb-sel-'));
  await writeFile(join(dir, 'p.yml'), `- hosts: ${hosts}\n  tasks:\n    - say: hi\n`);
  try {
    const books = await loadPlaybooks([join(dir, 'p.yml')], { registry: testRegistry });
    const inv = await loadInventory([INVENTORY]);
    return selectPlayHosts(inv, books[0].plays, limit, {})[0].hosts;
  } catch (e) {
    if (e instanceof ConfigError) return [e.message.split('\n').map((l) => l.replace(dir, 'DIR'))];
    throw e;
  }
}

describe('play hosts and --limit', () => {
  for (const hosts of ['""', '" "', '"["', '[]', '"]"', '"~"', '"~["', '"lvs:"', '":lvs"', '"lvs,,web"', '"!"', '"!web:"', '"lvs["', '"lvs]"', '"web lvs"', '"~rs("']) {
    it(`hosts: ${hosts} is refused with its location`, async () => {
      const got = await select(hosts);
      expect(got).to.have.length(1);
      expect((got as string[][])[0][0]).to.match(/^DIR\/p\.yml:1:\d+: plays\[0\]\.hosts: /);
    });
  }

  it('a pattern that matches no host is an error, with a hint for [:N]', async () => {
    expect(await select('nomatch*')).to.deep.equal([['DIR/p.yml:1:10: plays[0].hosts: host pattern "nomatch*": no hosts matched']]);
    const [[msg]] = (await select('"realservers[:2]"')) as string[][];
    expect(msg).to.contain('no hosts matched').and.contain('is no subscript');
    expect(await select('empty_group')).to.deep.equal([['DIR/p.yml:1:10: plays[0].hosts: host pattern "empty_group": no hosts matched']]);
  });

  it('selects slices as Ansible does', async () => {
    expect(await select('"realservers[1:]"')).to.deep.equal(['rs02', 'rs03', 'rs04', 'rs05.example.com']);
    expect(await select('"realservers[-1]"')).to.deep.equal(['rs05.example.com']);
    expect(await select('"realservers[0:1]"')).to.deep.equal(['rs01', 'rs02']);
  });

  for (const limit of ['', ' ', '[', ']', '~', '~[', ',', ':', '!', 'nomatch*', 'lb01:', 'rs0[']) {
    it(`--limit ${JSON.stringify(limit)} is refused`, async () => {
      const got = await select('all', limit);
      expect(got).to.have.length(1);
      expect((got as string[][])[0][0]).to.match(/^--limit/);
    });
  }

  it('--limit filters and @FILE reads one pattern a line, errors at file:line:col', async () => {
    expect(await select('lvs', 'lb02')).to.deep.equal(['lb02']);
    const dir = await mkdtemp(join(tmpdir(), 'rb-lim-'));
    await writeFile(join(dir, 'site.retry'), 'lb01\n\nrs01\n');
    expect(await select('lvs:web', `@${dir}/site.retry`)).to.deep.equal(['lb01', 'rs01']);
    await writeFile(join(dir, 'bad.retry'), 'lb01\n  lb0[\n');
    const [[msg]] = (await select('all', `@${dir}/bad.retry`)) as string[][];
    expect(msg).to.equal(`${dir}/bad.retry:2:3: --limit @${dir}/bad.retry: host pattern "lb0[": "[" is never closed`);
    const [[missing]] = (await select('all', `@${dir}/none.retry`)) as string[][];
    expect(missing).to.contain('cannot read the limit file').and.contain('ENOENT');
    const [[none]] = (await select('web', 'lvs')) as string[][];
    expect(none).to.equal('--limit: --limit "lvs" leaves no host in any play');
  });
});
