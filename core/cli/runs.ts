// `rb runs`: the recent runs the journal holds, newest first.

import { basename } from 'node:path';
import { journalDir, readJournal, type JournalRecord } from '../engine/journal.js';

export function runsTable(records: JournalRecord[]): string[] {
  const rows = records.map((r) => {
    const hosts = Object.values(r.hosts);
    return [
      r.runId,
      r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.playbooks.map((p) => basename(p)).join(','),
      String(Object.keys(r.hosts).length),
      String(hosts.filter((h) => h.changed > 0).length),
      String(hosts.filter((h) => h.failed || h.unreachable).length),
      String(hosts.filter((h) => h.rolledBack).length),
      [r.interrupted ? `interrupted (${r.interrupted})` : '', hosts.some((h) => h.pendingHandlers.length) ? 'handlers pending' : ''].filter(Boolean).join(', '),
    ];
  });
  const head = ['RUN', 'STARTED', 'PLAYBOOK', 'HOSTS', 'CHANGED', 'FAILED', 'ROLLED BACK', 'NOTE'];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd());
}

export async function runsCommand(argv: string[]): Promise<number> {
  let n = 20;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = true;
    else if ((argv[i] === '-n' || argv[i] === '--last') && /^\d+$/.test(argv[i + 1] ?? '')) n = Number(argv[++i]);
    else {
      process.stderr.write(`rb runs: unknown argument ${argv[i]} (usage: rb runs [-n N] [--json])\n`);
      return 1;
    }
  }
  const records = (await readJournal()).slice(0, n);
  if (json) {
    process.stdout.write(JSON.stringify(records.map(({ report: _r, ...rest }) => rest), null, 2) + '\n');
    return 0;
  }
  if (!records.length) {
    process.stdout.write(`no runs in ${journalDir()}\n`);
    return 0;
  }
  process.stdout.write(runsTable(records).join('\n') + '\n');
  return 0;
}
