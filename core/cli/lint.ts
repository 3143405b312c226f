// `rb lint PLAYBOOK... -i INV [--facts] [--json]`: the mistakes that only show
// across hosts. Exit 0 clean, 2 findings, 1 error (bad input, unreachable host with --facts).

import { existsSync } from 'node:fs';
import { ConfigError, RbError } from '../errors.js';
import { resolvePlaybooks } from '../engine/resolve.js';
import { lintResolution } from '../lint/lint.js';
import { lintJson, lintText } from '../lint/format.js';
import { lintRules } from '../lint/registry.js';
import { parseRunArgs } from './args.js';
import { loadRegistry } from './registry.js';

const HELP = `rb lint PLAYBOOK... -i INVENTORY [--facts] [--json] [-e k=v] [--limit P] [--vault-password-file F]
  checks what the playbooks ask of all hosts together (VRRP peers, LVS DR/NAT real servers, two-box marks,
  heartbeat clusters, rsync sources, IPVS ownership), before any connection; --facts also reads each task's
  facts from the hosts (read-only, as rb drift does) and checks what runs.
  exit: 0 no findings, 2 findings, 1 error
rules:
${lintRules.map((r) => `  ${r.id.padEnd(30)} ${r.summary}`).join('\n')}
`;

export async function lintCommand(argv: string[]): Promise<number> {
  const facts = argv.includes('--facts');
  const json = argv.includes('--json') || argv.join(' ').includes('--format json') || argv.includes('--format=json');
  const rest = argv.filter((a, i) => a !== '--facts' && a !== '--json' && a !== '--format=json' && a !== '--format=text' && !(a === '--format' || argv[i - 1] === '--format'));
  try {
    const args = parseRunArgs(rest);
    if (args.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!args.playbooks.length) throw new ConfigError([{ message: 'rb lint: give at least one playbook' }]);
    if (!args.inventories.length) {
      const dflt = process.env.RB_INVENTORY ?? (existsSync('/var/lib/rblab/inventory.yml') ? '/var/lib/rblab/inventory.yml' : undefined);
      if (!dflt) throw new ConfigError([{ message: 'no inventory: give -i FILE|DIR' }]);
      args.inventories.push(dflt);
    }
    args.check = true;
    const r = await resolvePlaybooks({ playbooks: args.playbooks, inventories: args.inventories, registry: await loadRegistry(args.playbooks), options: args }, { facts });
    const unread = r.tasks.filter((t) => t.facts instanceof Error);
    for (const t of unread) process.stderr.write(`rb lint: ${t.host}: could not read the facts of "${t.name}": ${(t.facts as Error).message.split('\n')[0]}\n`);
    const findings = lintResolution(r, lintRules, { facts });
    const checked = { hosts: new Set(r.tasks.map((t) => t.host)).size, tasks: r.tasks.length, deferred: r.deferred.length };
    process.stdout.write(json ? lintJson(findings, checked) : lintText(findings, checked));
    if (unread.length) return 1;
    return findings.length ? 2 : 0;
  } catch (e) {
    if (e instanceof RbError) {
      const lines = e.message.split('\n');
      process.stderr.write(`rb: ${lines.length > 1 ? `${lines.length} problems:\n  ` : ''}${lines.join('\n  ')}\n`);
      return 1;
    }
    throw e;
  }
}
