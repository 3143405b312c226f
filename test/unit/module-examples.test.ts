// Every module's `example` (shown by `rb modules NAME`) is a valid playbook
// fragment: loaded and validated against the module's schema like any playbook.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadPlaybooks } from '../../core/playbook/load.js';
import { modules } from '../../modules/index.js';

await modules.loadAll();

describe('module examples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-examples-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, def] of modules) {
    it(`${name}: its example loads and validates`, async () => {
      expect(def.example, `${name} has no example`).to.be.a('string');
      const tasks = def.example!.trim().split('\n').map((l) => `    ${l}`).join('\n');
      const file = join(dir, `${name}.yml`);
      writeFileSync(file, `- hosts: all\n  tasks:\n${tasks}\n`);
      const books = await loadPlaybooks([file], { registry: modules });
      const used = books.flatMap((b) => b.plays.flatMap((p) => p.tasks.map((t) => t.module)));
      expect(used.length, 'tasks in the example').to.be.greaterThan(0);
      expect([...new Set(used)]).to.deep.equal([name]);
    });
  }
});
