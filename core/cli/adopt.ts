// `rb adopt -i INV [--limit P] --out DIR [--force]`: read what hand-built hosts
// run and have configured, and write DIR/site.yml with DIR/group_vars/ and
// DIR/host_vars/ that reproduce it: `rb drift DIR/site.yml -i INV` then finds
// nothing to change. Only reads hosts. Secrets go to vars files only, are
// never printed, and those files are listed for vault encryption.

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readHost, adoptingModules } from '../adopt/read.js';
import { layout, type AdoptedHost } from '../adopt/layout.js';
import { ConfigError, RbError } from '../errors.js';
import { groupsMap, loadInventory, selectHosts } from '../inventory/index.js';
import { mapLimit } from '../engine/limit.js';
import { ConnectionPool } from '../transport/connect.js';
import { toYaml } from '../yaml.js';
import { loadRegistry } from './registry.js';

const USAGE = 'rb adopt -i INVENTORY [--limit P] --out DIR [--force]';

interface AdoptArgs {
  inventories: string[];
  limit?: string;
  out?: string;
  force: boolean;
}

function parse(argv: string[]): AdoptArgs {
  const a: AdoptArgs = { inventories: [], force: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if ((x === '-i' || x === '--inventory') && argv[i + 1]) a.inventories.push(argv[++i]);
    else if ((x === '--limit' || x === '-l') && argv[i + 1]) a.limit = argv[++i];
    else if (x === '--out' && argv[i + 1]) a.out = argv[++i];
    else if (x === '--force') a.force = true;
    else throw new ConfigError([{ message: `rb adopt: unknown argument ${x} (usage: ${USAGE})` }]);
  }
  if (!a.inventories.length) throw new ConfigError([{ message: `rb adopt: give the inventory (-i INVENTORY) (usage: ${USAGE})` }]);
  if (!a.out) throw new ConfigError([{ message: `rb adopt: give the folder to write to (--out DIR) (usage: ${USAGE})` }]);
  return a;
}

const say = (s: string) => process.stdout.write(`${s}\n`);

const HEADER = '# Written by rb adopt from what the hosts run; `rb drift site.yml -i INVENTORY` finds nothing to change.\n';
const VAULT = (names: string[]) => `# Holds secrets (${names.join(', ')}): encrypt this file (ansible-vault encrypt) before it leaves this machine.\n`;

export async function adoptCommand(argv: string[]): Promise<number> {
  let a: AdoptArgs;
  try {
    a = parse(argv);
  } catch (e) {
    if (e instanceof RbError) {
      process.stderr.write(`rb: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const out = resolve(a.out!);
  const targets = ['site.yml', 'group_vars', 'host_vars'].map((f) => join(out, f)).filter((f) => existsSync(f) && (!f.endsWith('_vars') || readdirSync(f).length));
  if (targets.length && !a.force) {
    process.stderr.write(`rb: adopt: ${targets.join(', ')} already exist${targets.length === 1 ? 's' : ''}: nothing is overwritten without --force\n`);
    return 1;
  }
  const inventory = await loadInventory(a.inventories);
  const names = selectHosts(inventory, a.limit ?? 'all');
  if (!names.length) {
    process.stderr.write(`rb: adopt: no host matches ${a.limit ?? 'all'}\n`);
    return 1;
  }
  const defs = await adoptingModules(await loadRegistry([], [out]));
  const pool = new ConnectionPool();
  let failed = 0;
  let hosts: Array<AdoptedHost | undefined>;
  try {
    hosts = await mapLimit(names, 8, async (name) => {
      try {
        return await readHost(inventory.hosts.get(name)!, defs, pool, out, (m) => say(`WARNING: ${m}`));
      } catch (e) {
        failed++;
        say(`FAILED [${name}]: ${(e as Error).message}`);
        return undefined;
      }
    });
  } finally {
    await pool.closeAll();
  }
  const read = hosts.filter((h): h is AdoptedHost => h !== undefined);
  for (const h of read) say(`${h.host}: ${h.tasks.length ? h.tasks.map((t) => t.module).join(', ') : 'nothing rb manages'}`);
  const l = layout(read, new Map(Object.entries(groupsMap(inventory))));
  const secretNames = (file: string) => l.secrets.filter((s) => s.file === file).map((s) => s.variable);
  const written: string[] = [];
  const write = (rel: string, text: string) => {
    mkdirSync(join(out, rel, '..'), { recursive: true });
    writeFileSync(join(out, rel), text, { mode: secretNames(rel.replace(/\.yml$/, '')).length ? 0o600 : 0o644 });
    written.push(rel);
  };
  write('site.yml', HEADER + toYaml(l.plays));
  for (const [kind, vars] of [['group_vars', l.groupVars], ['host_vars', l.hostVars]] as const) {
    for (const [name, v] of Object.entries(vars)) {
      const secrets = secretNames(`${kind}/${name}`);
      write(`${kind}/${name}.yml`, HEADER + (secrets.length ? VAULT(secrets) : '') + toYaml(v));
    }
  }
  say(`wrote ${written.map((f) => join(out, f)).join(', ')}`);
  const vault = [...new Set(l.secrets.map((s) => `${s.file}.yml`))];
  if (vault.length) say(`secrets (masked, never printed) are in ${vault.join(', ')}: encrypt them with ansible-vault`);
  return failed ? 3 : 0;
}
