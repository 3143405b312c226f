// rb against ansible-playbook on the role/control-flow/spelling corpus of
// test/fixtures/ansible: the same --list-tasks/--list-hosts/--list-tags/
// --syntax-check output, and the same files left by a real run on this
// machine (connection: local). Ansible's side was captured by
// test/fixtures/ansible/capture.sh.

import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRunArgs } from '../../core/cli/args.js';
import { listCommand } from '../../core/cli/list.js';
import { runPlaybooks } from '../../core/engine/run.js';
import type { Reporter } from '../../core/engine/types.js';
import { modules } from '../../modules/index.js';

const corpus = fileURLToPath(new URL('../fixtures/ansible/', import.meta.url));
const silent: Reporter = { playStart() {}, taskStart() {}, hostResult() {}, taskEnd() {}, rollback() {}, warn() {}, runEnd() {} };

const CASES = [
  { name: 'roles-site', dir: 'roles-site', args: ['site.yml'] },
  { name: 'control-flow', dir: '.', args: ['-i', 'control-flow/inventory', 'control-flow/site.yml'] },
  { name: 'spellings', dir: '.', args: ['-i', 'spellings/inventory', 'spellings/site.yml'] },
  { name: 'operators', dir: '.', args: ['-i', 'operators/inventory', 'operators/site.yml'] },
];

/** Run `fn` in `dir` (ansible.cfg is found there, as Ansible finds it). */
async function inDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

async function listing(dir: string, argv: string[]): Promise<string> {
  return inDir(dir, async () => {
    const args = parseRunArgs(argv);
    let out = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      await listCommand(args, modules);
    } finally {
      process.stdout.write = write;
    }
    return out;
  });
}

function tree(root: string, at = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(join(root, at)).sort()) {
    const rel = at ? `${at}/${n}` : n;
    if (statSync(join(root, rel)).isDirectory()) Object.assign(out, tree(root, rel));
    else out[rel] = readFileSync(join(root, rel), 'utf8');
  }
  return out;
}

/** Ansible prints a play's hosts from a set: their order is not meaningful. */
function hostsSorted(text: string): string {
  return text.replace(/(hosts \(\d+\):\n)((?: {6}\S+\n)+)/g, (_, head: string, list: string) => head + list.split('\n').filter(Boolean).sort().join('\n') + '\n');
}

describe('Ansible parity: role-based corpus against ansible-playbook 2.14', function () {
  this.timeout(60_000);
  for (const c of CASES) {
    const expected = join(corpus, 'expected', c.name);
    for (const file of readdirSync(join(expected, 'listings'))) {
      const flags = file.replace(/\.txt$/, '').split('_').map((f) => f.replace(/\+/g, ','));
      it(`${c.name}: ${flags.join(' ')} prints what ansible-playbook prints`, async () => {
        const got = await listing(join(corpus, c.dir), [...c.args, ...flags, '-e', 'out_dir=/nonexistent']);
        expect(hostsSorted(got)).to.equal(hostsSorted(readFileSync(join(expected, 'listings', file), 'utf8')));
      });
    }
    it(`${c.name}: a run leaves the same files, with the same content, as ansible-playbook's`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'rb-parity-'));
      try {
        const summary = await inDir(join(corpus, c.dir), async () => {
          const args = parseRunArgs([...c.args, '-e', `out_dir=${out}`]);
          return runPlaybooks({ playbooks: args.playbooks, inventories: args.inventories, registry: modules, reporter: silent, options: { ...args, rollback: true } });
        });
        for (const s of Object.values(summary.stats)) expect(s.failed, JSON.stringify(summary.stats)).to.equal(0);
        expect(tree(out)).to.deep.equal(tree(join(expected, 'files')));
        if (c.name === 'control-flow') {
          // PLAY RECAP of ansible-playbook: h1 rescued=1, h2 rescued=2 (its inner failure too).
          expect([summary.stats.h1.rescued, summary.stats.h2.rescued]).to.deep.equal([1, 2]);
        }
        if (c.name === 'operators') {
          expect([summary.stats.h1.rescued, summary.stats.h2.rescued]).to.deep.equal([1, 1]);
          // module_defaults gave copy its mode, as Ansible's run left it (0600).
          expect((statSync(join(out, 'h1-defaults.txt')).mode & 0o777).toString(8)).to.equal('600');
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
});
