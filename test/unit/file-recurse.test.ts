// file with recurse: rb's plan over the trees Ansible's file module was run on
// (test/fixtures/file-recurse/capture.sh), applied to the listing, must give
// the listing Ansible left; planned again from Ansible's result, the listing
// Ansible's second run left (nothing changes but for modes copying a class). The tree command's own output (find on this machine) is read back.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Change } from '../../core/module.js';
import { planFile, type FileFacts, type FileParams } from '../../modules/file.js';
import { parseTree, treeCommand, type TreeEntry } from '../../modules/lib/file-tree.js';

const DIR = join(import.meta.dirname, '../fixtures/file-recurse');
const ROOT = '/srv/tree';

interface Row {
  type: string;
  mode: string;
  owner: string;
  group: string;
  path: string;
}

function readListing(text: string): Row[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [type, mode, owner, group, ...rest] = l.split(' ');
      return { type, mode: mode.padStart(4, '0'), owner, group, path: rest.join(' ') };
    });
}

const KIND: Record<string, TreeEntry['type']> = { d: 'directory', f: 'file', l: 'link' };

function factsOf(rows: Row[]): FileFacts {
  const top = rows.find((r) => r.path === '.')!;
  return {
    path: ROOT,
    exists: true,
    type: 'directory',
    mode: top.mode,
    owner: top.owner,
    group: top.group,
    tree: rows.filter((r) => r.path !== '.').map((r) => ({ path: r.path, type: KIND[r.type] ?? 'other', mode: r.mode, owner: r.owner, group: r.group })),
  };
}

/** The listing after the plan's changes, done to the model the way the commands do them on the host. */
function applied(rows: Row[], changes: Change[]): Row[] {
  const out = rows.map((r) => ({ ...r }));
  const set = (path: string, field: string, value: string) => {
    const row = out.find((r) => r.path === path)!;
    (row as unknown as Record<string, string>)[field] = value;
  };
  for (const c of changes) {
    const paths = c.kind.startsWith('set-tree-') ? (c.data as { paths: string[] }).paths : c.resource === ROOT ? ['.'] : [];
    expect(paths.length, `${c.kind} ${c.resource}`).to.be.greaterThan(0);
    for (const p of paths) set(p, c.field!, String(c.after));
  }
  return out;
}

function params(args: string): FileParams {
  const kv: Record<string, string> = {};
  for (const a of args.split(/\s+/).filter(Boolean)) kv[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  return { path: ROOT, state: 'directory', recurse: true, force: false, mode: kv.mode, owner: kv.owner, group: kv.group };
}

describe('file recurse against Ansible', () => {
  const cases = readFileSync(join(DIR, 'cases.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [name, ...args] = l.trim().split(/\s+/);
      return { name, args: args.join(' ') };
    });

  it('has the captured cases', () => {
    expect(cases.length).to.be.greaterThan(5);
    expect(readFileSync(join(DIR, 'captured/VERSION'), 'utf8')).to.match(/^ansible \[core 2\.14/);
  });

  for (const { name, args } of cases) {
    it(`${name}: ${args} leaves the tree Ansible leaves, and a second run what Ansible's second run leaves`, () => {
      const before = readListing(readFileSync(join(DIR, `captured/${name}.before`), 'utf8'));
      const after = readListing(readFileSync(join(DIR, `captured/${name}.after`), 'utf8'));
      const p = params(args);
      expect(p.mode ?? p.owner ?? p.group).to.not.equal(undefined);
      const plan = planFile(p, factsOf(before));
      expect(applied(before, plan.changes)).to.deep.equal(after);
      const again = readListing(readFileSync(join(DIR, `captured/${name}.again`), 'utf8'));
      const second = planFile(p, factsOf(after));
      expect(applied(after, second.changes)).to.deep.equal(again);
      if (JSON.stringify(again) === JSON.stringify(after)) expect(second.changes).to.deep.equal([]);
    });
  }

  it('groups the paths of one wanted value in one change, with a command reading them from stdin', () => {
    const before = readListing(readFileSync(join(DIR, 'captured/symbolic-rwX.before'), 'utf8'));
    const plan = planFile(params('mode=u=rwX,g=rX,o='), factsOf(before));
    expect(plan.changes.map((c) => [c.kind, c.resource, c.before, c.after, (c.data as { paths?: string[] } | undefined)?.paths])).to.deep.equal([
      ['set-mode', ROOT, '0700', '0750', undefined],
      ['set-tree-mode', `${ROOT}/ (2 paths below)`, '0600, 0664', '0640', ['conf.d/a.conf', 'notes']],
      ['set-tree-mode', `${ROOT}/ (3 paths below)`, '0700, 0754, 0755', '0750', ['bin/run', 'conf.d', 'conf.d/empty']],
    ]);
    expect(plan.changes[2].commands).to.deep.equal([`cd -- ${ROOT} && xargs -0r chmod 0750 --`]);
  });

  it("reads the tree command's output from this machine's find (odd names, a link, a missing root)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-tree-'));
    try {
      mkdirSync(join(dir, 'sub dir'));
      writeFileSync(join(dir, 'sub dir', "it's\nodd"), 'x');
      symlinkSync('sub dir', join(dir, 'link'));
      const out = spawnSync('sh', ['-c', treeCommand(dir)], { encoding: 'utf8' });
      const tree = parseTree(out.stdout).sort((a, b) => a.path.localeCompare(b.path));
      expect(tree.map((e) => [e.path, e.type])).to.deep.equal([
        ['link', 'link'],
        ['sub dir', 'directory'],
        ["sub dir/it's\nodd", 'file'],
      ]);
      expect(spawnSync('sh', ['-c', treeCommand(join(dir, 'missing'))], { encoding: 'utf8' }).stdout).to.equal('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
