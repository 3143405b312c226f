// `rb inventory`: show an inventory as rb reads it, in ansible-inventory's formats.
//
//   rb inventory -i inventory/ --list
//   rb inventory -i hosts.yml -i extra.ini --graph lvs
//   rb inventory -i hosts.yml --host lb01 --playbook-dir playbooks/

import { ConfigError, RbError } from '../errors.js';
import { loadInventory } from './index.js';
import { selectHosts } from './patterns.js';
import { ansibleJson, inventoryGraph, inventoryList, printableVars } from './render.js';

const USAGE = `usage: rb inventory -i INVENTORY [-i INVENTORY...] (--list | --graph [GROUP] | --host NAME) [--playbook-dir DIR]

  -i, --inventory X    inventory file, directory or host list (repeatable)
  --list               every group and host, hostvars under _meta (ansible-inventory --list)
  --graph [GROUP]      the group tree from GROUP (default all)
  --host NAME          one host's merged variables
  --playbook-dir DIR   also read DIR/group_vars and DIR/host_vars, as a playbook there would
`;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

interface Args {
  sources: string[];
  action?: 'list' | 'graph' | 'host';
  host?: string;
  group?: string;
  playbookDir?: string;
}

export async function inventoryCommand(argv: string[]): Promise<number> {
  return runInventoryCommand(argv, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
}

export async function runInventoryCommand(argv: string[], io: Output): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.out(USAGE);
    return 0;
  }
  try {
    const args = parseArgs(argv);
    const inv = await loadInventory(args.sources, { playbookDir: args.playbookDir });
    if (args.action === 'list') io.out(`${ansibleJson(inventoryList(inv))}\n`);
    else if (args.action === 'graph') {
      const group = args.group ?? 'all';
      if (!inv.groups.has(group)) throw usage(`--graph: "${group}" is not a group`);
      io.out(`${inventoryGraph(inv, group)}\n`);
    } else {
      const hosts = selectHosts(inv, args.host!);
      if (hosts.length !== 1) throw usage(`--host needs exactly one host; "${args.host}" matches ${hosts.length}`);
      io.out(`${ansibleJson(printableVars(inv.hosts.get(hosts[0])!.vars))}\n`);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof RbError)) throw e;
    io.err(`rb inventory: ${e.message}\n`);
    return 1;
  }
}

function parseArgs(argv: string[]): Args {
  const args: Args = { sources: [] };
  const actions: string[] = [];
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw usage(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const take = () => inline ?? value(i++, flag);
    switch (flag) {
      case '-i':
      case '--inventory':
        args.sources.push(take());
        break;
      case '--playbook-dir':
        args.playbookDir = take();
        break;
      case '--list':
        actions.push('list');
        break;
      case '--graph':
        actions.push('graph');
        break;
      case '--host':
        actions.push('host');
        args.host = take();
        break;
      default:
        if (a.startsWith('-')) throw usage(`unknown option ${a}`);
        if (args.group !== undefined) throw usage(`unexpected argument "${a}"`);
        args.group = a;
    }
  }
  if (!args.sources.length) throw usage('no inventory given: use -i FILE|DIR');
  if (actions.length !== 1) throw usage('give exactly one of --list, --graph or --host');
  args.action = actions[0] as Args['action'];
  if (args.group !== undefined && args.action !== 'graph') throw usage(`unexpected argument "${args.group}"`);
  return args;
}

function usage(message: string): ConfigError {
  return new ConfigError([{ message: `${message}\n${USAGE}` }]);
}
