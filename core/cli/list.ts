// --syntax-check, --list-hosts, --list-tasks, --list-tags: what ansible-playbook
// prints for them, shaped the same, from rb's own loading (every problem of
// the playbooks is reported first, as for a run). Nothing is contacted.

import { loadPlaybooks } from '../playbook/load.js';
import type { Play, Task } from '../playbook/types.js';
import { selectPlayHosts } from '../engine/host-selection.js';
import { selectedByTags } from '../engine/tags.js';
import { loadInventory } from '../inventory/index.js';
import { dirname } from 'node:path';
import type { ModuleRegistry } from '../module.js';
import type { RunArgs } from './args.js';

/** How a task is listed: `role : name`, or the action as written when it has no name. */
export function listedName(t: Task): string {
  if (t.listedAs) return t.listedAs.name;
  if (t.action) return t.action;
  return t.role ? `${t.role.name} : ${t.name}` : t.name;
}

/** The tasks --list-tasks shows: block sections only (not rescue/always), a dynamic include once, no implicit flushes. */
export function listedTasks(play: Play, tags: string[], skipTags: string[]): Array<{ name: string; tags: string[] }> {
  const out: Array<{ name: string; tags: string[] }> = [];
  const seen = new Set<number>();
  for (const t of play.tasks) {
    if (t.implicit || t.blocks?.some((f) => f.section !== 'block')) continue;
    const taskTags = t.listedAs ? t.listedAs.tags : t.tags;
    if (!selectedByTags([...play.tags, ...taskTags], tags, skipTags)) continue;
    if (t.listedAs) {
      if (seen.has(t.listedAs.id)) continue;
      seen.add(t.listedAs.id);
    }
    out.push({ name: listedName(t), tags: taskTags });
  }
  return out;
}

export async function listCommand(args: RunArgs, registry: ModuleRegistry): Promise<number> {
  const want = args.list!;
  const books = await loadPlaybooks(args.playbooks, { registry, extraVars: args.extraVars, rolesPath: args.rolesPath });
  const inventory = want.hosts ? await loadInventory(args.inventories, { playbookDir: books[0] ? dirname(books[0].file) : undefined }) : undefined;
  const lines: string[] = [];
  books.forEach((book, b) => {
    lines.push(`\nplaybook: ${args.playbooks[b]}`);
    if (want.syntax && !want.hosts && !want.tasks && !want.tags) return;
    const hosts = inventory ? selectPlayHosts(inventory, book.plays, args.limit, args.extraVars) : [];
    book.plays.forEach((play, i) => {
      let msg = `\n  play #${i + 1} (${(play.patterns ?? [play.hosts]).join(',')}): ${play.name}\tTAGS: [${[...new Set(play.tags)].join(',')}]`;
      if (want.hosts) {
        const list = hosts[i]?.hosts ?? [];
        msg += `\n    pattern: [${(play.patterns ?? [play.hosts]).map((p) => `'${p}'`).join(', ')}]\n    hosts (${list.length}):${list.map((h) => `\n      ${h}`).join('')}`;
      }
      lines.push(msg);
      if (!want.tasks && !want.tags) return;
      const tasks = listedTasks(play, args.tags, args.skipTags);
      let text = want.tasks ? '    tasks:\n' : '';
      const all = new Set(play.tags);
      for (const t of tasks) {
        t.tags.forEach((x) => all.add(x));
        if (want.tasks) text += `      ${t.name}\tTAGS: [${[...new Set([...play.tags, ...t.tags])].sort().join(', ')}]\n`;
      }
      if (want.tags) text += `      TASK TAGS: [${[...all].sort().join(', ')}]\n`;
      lines.push(text);
    });
  });
  // Each piece printed as Ansible's display() prints it: a newline added unless it ends with one.
  process.stdout.write(lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join(''));
  return 0;
}
