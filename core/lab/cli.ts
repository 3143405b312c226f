// `rb lab up|down|status|exec|inventory|deps`.

import { access } from 'node:fs/promises';
import { labDeps } from './deps.js';
import { labExecPassthrough } from './exec.js';
import { LabError } from './lab-error.js';
import { INVENTORY } from './paths.js';
import { requireRoot } from './preflight.js';
import { ipvsPart } from './qemu-link.js';
import { withLock } from './state.js';
import { labDown, labStatus } from './status.js';
import { DEFAULT_HOSTS, type LabHost } from './topology.js';
import { labUp, type UpOptions } from './up.js';

export const LAB_USAGE = `usage:
  rb lab up [N] [--ipvs] [--exact] [--uplink IF] [--no-bridge-address]
                           start hosts rb1..rbN (default ${DEFAULT_HOSTS}); prints the inventory path last
  rb lab down              remove every host, namespace, link and mount of the lab
  rb lab status            list the hosts and whether they run
  rb lab exec HOST -- CMD...  run CMD inside HOST without ssh; exits with its code
  rb lab inventory         print the inventory path
  rb lab deps              install the Debian packages the lab and rb's modules need
`;

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

export async function labCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'up':
      return up(rest);
    case 'down':
      noArgs(sub, rest);
      await labDown();
      err('rb lab: down\n');
      return 0;
    case 'status':
      noArgs(sub, rest);
      return status();
    case 'exec':
      return exec(rest);
    case 'inventory':
      noArgs(sub, rest);
      return inventory();
    case 'deps':
      noArgs(sub, rest);
      await labDeps();
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      out(LAB_USAGE);
      return sub === undefined ? 1 : 0;
    default:
      throw new LabError(`rb lab: unknown sub-command "${sub}"\n${LAB_USAGE}`);
  }
}

function noArgs(sub: string, rest: string[]): void {
  if (rest.length) throw new LabError(`rb lab ${sub}: unexpected argument "${rest[0]}"`);
}

export interface UpArgs extends UpOptions {
  n: number;
  ipvs: boolean;
}

export function parseUpArgs(args: readonly string[]): UpArgs {
  const parsed: UpArgs = { n: DEFAULT_HOSTS, ipvs: false };
  let count: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--ipvs') parsed.ipvs = true;
    else if (a === '--exact') parsed.exact = true;
    else if (a === '--no-bridge-address') parsed.bridgeAddress = false;
    else if (a === '--uplink') {
      parsed.uplink = args[++i];
      if (!parsed.uplink || parsed.uplink.startsWith('-')) throw new LabError('rb lab up: --uplink needs an interface name');
    } else if (a.startsWith('--uplink=')) parsed.uplink = a.slice('--uplink='.length);
    else if (/^\d+$/.test(a) && count === undefined) count = a;
    else throw new LabError(`rb lab up: unexpected argument "${a}"`);
  }
  if (count !== undefined) parsed.n = Number(count);
  if (parsed.ipvs && (parsed.uplink || parsed.bridgeAddress === false || parsed.exact)) {
    throw new LabError('rb lab up --ipvs takes only a host count');
  }
  return parsed;
}

async function up(args: string[]): Promise<number> {
  const a = parseUpArgs(args);
  const t0 = Date.now();
  let hosts: LabHost[];
  if (a.ipvs) {
    requireRoot();
    hosts = await withLock(async () => (await ipvsPart()).ipvsUp(a.n));
  } else {
    hosts = await labUp(a.n, { exact: a.exact, uplink: a.uplink, bridgeAddress: a.bridgeAddress });
  }
  for (const h of hosts) out(`${h.name}\t${h.address}\t${h.mac}${h.inGuest ? '\t(in qemu guest)' : ''}\n`);
  err(`rb lab: ${hosts.length} host${hosts.length === 1 ? '' : 's'} up in ${((Date.now() - t0) / 1000).toFixed(2)} s\n`);
  out(`${INVENTORY}\n`);
  return 0;
}

async function status(): Promise<number> {
  requireRoot();
  const s = await labStatus();
  if (!s.up && !s.bridge && s.hosts.length === 0) {
    out('lab is down\n');
    return 0;
  }
  for (const h of s.hosts) {
    const where = h.inGuest ? 'qemu guest' : `pid ${h.pid ?? '-'}`;
    out(`${h.name}\t${h.address}\t${h.mac}\t${h.alive ? 'running' : 'DEAD'}\t${where}\n`);
  }
  if (s.guest) out(`qemu guest: ${s.guest.running ? `running, pid ${s.guest.pid}` : 'not running'}\n`);
  out(`bridge: ${s.bridge ? 'rblab0' : 'missing'}\n`);
  if (s.inventory) out(`inventory: ${s.inventory}\n`);
  return 0;
}

async function exec(args: string[]): Promise<number> {
  const [host, ...rest] = args;
  if (!host || host.startsWith('-')) throw new LabError('usage: rb lab exec HOST -- CMD...');
  const cmd = rest[0] === '--' ? rest.slice(1) : rest;
  requireRoot();
  return labExecPassthrough(host, cmd);
}

async function inventory(): Promise<number> {
  const there = await access(INVENTORY).then(
    () => true,
    () => false,
  );
  if (!there) throw new LabError('no lab inventory: start the lab with rb lab up');
  out(`${INVENTORY}\n`);
  return 0;
}
