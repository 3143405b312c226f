// Applying an ipvs plan and rolling it back.
//
// Apply runs the plan's commands in order, one exec per stretch (set -e: the
// first failure stops the rest); with drain it stops after the weight-0 steps
// and polls the active connections of the leaving real servers until they
// reach 0 or the drain time is up, then removes them.
//
// Rollback puts the managed services back as the snapshot saw them with one
// `ipvsadm -R` fed the edits from the table now to the snapshot's (edits, not
// a clear and reload: connections of untouched services stay up). -R reports
// no failure (it exits 0 after "Service already exists"), so the table is read
// again and compared. Saved files come back from the snapshot's content.

import type { Change, FactsContext, HostContext, Plan } from '../../core/module.js';
import { CommandError, ModuleError } from '../../core/errors.js';
import { sh } from '../../core/transport/shell.js';
import { applyScript, restoreFileCommands } from '../../core/transport/script-parts.js';
import { IpvsadmMissing, ipvsFactsCommand, parseIpvsFacts, type IpvsFacts } from './facts.js';
import { parseListing } from './listing.js';
import { ruleLines, serviceId } from '../lib/ipvs-table/model.js';
import { desiredServices, type IpvsParams } from './params.js';
import { liveServices } from './plan.js';
import { planTable, type TableData } from './table-edits.js';

/** Poll interval of a drain. */
const DRAIN_POLL_MS = 500;

export async function gatherIpvsFacts(ctx: FactsContext, p: Pick<IpvsParams, 'timeouts'>): Promise<IpvsFacts> {
  const cmd = ipvsFactsCommand({ timeouts: p.timeouts !== undefined });
  const r = await ctx.exec(cmd);
  try {
    return parseIpvsFacts(r.stdout);
  } catch (e) {
    if (e instanceof IpvsadmMissing) throw new ModuleError(`${ctx.host}: ipvsadm is not installed (package ipvsadm)`);
    throw new CommandError({ host: ctx.host, command: cmd, ...r }, `cannot read the IPVS facts: ${(e as Error).message}`);
  }
}

async function runCommands(ctx: HostContext, commands: string[]): Promise<void> {
  if (commands.length === 0) return;
  await ctx.run(applyScript(commands));
}

/** Active connections per leaving real server, until all are 0 or `seconds` are up. */
async function waitForDrain(ctx: HostContext, drains: NonNullable<TableData['drain']>[], seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  const cmd = sh`ipvsadm -Ln --thresholds`;
  for (;;) {
    const r = await ctx.run(cmd);
    const listing = parseListing(r.stdout);
    const busy = drains
      .map((d) => ({ ...d, active: listing[d.service]?.[d.real]?.active ?? 0 }))
      .filter((d) => d.active > 0);
    if (busy.length === 0) return;
    if (Date.now() >= deadline) {
      ctx.log(`drain: ${seconds} s are up; removing with connections still open: ${busy.map((b) => `${b.service} -> ${b.real} (${b.active} active)`).join(', ')}`);
      return;
    }
    await new Promise((res) => setTimeout(res, DRAIN_POLL_MS));
  }
}

export async function applyIpvs(ctx: HostContext, p: IpvsParams, plan: Plan): Promise<void> {
  const lastDrain = plan.changes.map((c) => c.kind).lastIndexOf('drain-real-server');
  const first = plan.changes.slice(0, lastDrain + 1);
  const rest = plan.changes.slice(lastDrain + 1);
  await runCommands(ctx, first.flatMap((c) => c.commands ?? []));
  if (lastDrain >= 0) {
    const drains = first.filter((c) => c.kind === 'drain-real-server').map((c) => (c.data as TableData).drain!);
    await waitForDrain(ctx, drains, p.drain);
  }
  await runCommands(ctx, rest.flatMap((c) => c.commands ?? []));
}

/** Ids of the services a plan touched (table and saved file). */
function touchedServices(applied: Plan): Set<string> {
  const ids = new Set<string>();
  for (const c of applied.changes) {
    if (/^(add|edit|remove|drain)-(service|real-server)$/.test(c.kind)) ids.add(c.resource.split(' -> ')[0]);
    if (/^(un)?persist-service$/.test(c.kind) && c.field) ids.add(c.field);
  }
  return ids;
}

export async function rollbackIpvs(ctx: HostContext, p: IpvsParams, snapshot: IpvsFacts, applied: Plan): Promise<void> {
  const ids = touchedServices(applied);
  for (const s of desiredServices(p)) ids.add(serviceId(s.key));
  const before = liveServices(snapshot).filter((s) => ids.has(serviceId(s.key)));
  const now = await gatherIpvsFacts(ctx, p);
  const edits = planTable(liveServices(now), { want: before, remove: [...ids].filter((id) => !before.some((s) => serviceId(s.key) === id)), drain: 0 });
  const lines = edits.flatMap((c: Change) => (c.data as TableData | undefined)?.words ?? []).map((w) => w.join(' '));
  if (snapshot.timeouts && applied.changes.some((c) => c.kind === 'set-timeout')) lines.push(`--set ${snapshot.timeouts.tcp} ${snapshot.timeouts.tcpfin} ${snapshot.timeouts.udp}`);
  if (lines.length) {
    await ctx.run(sh`ipvsadm -R`, { stdin: `${lines.join('\n')}\n` });
    const after = liveServices(await gatherIpvsFacts(ctx, p)).filter((s) => ids.has(serviceId(s.key)));
    const text = (l: typeof before) => l.map((s) => ruleLines(s).join('\n')).sort().join('\n');
    if (text(after) !== text(before)) {
      throw new ModuleError(`${ctx.host}: ipvsadm -R did not restore the table: expected [${text(before).replace(/\n/g, '; ') || 'none'}], found [${text(after).replace(/\n/g, '; ') || 'none'}]`);
    }
  }
  const commands: string[] = [];
  const files = new Set(applied.changes.filter((c) => c.resource.startsWith('/')).map((c) => c.resource));
  for (const path of files) commands.push(...restoreFileCommands(path, snapshot.files[path] ?? null, path === '/etc/sysconfig/ipvsadm' ? '0600' : '0644'));
  if (applied.changes.some((c) => c.resource === 'service ipvsadm')) {
    commands.push(snapshot.os === 'redhat' ? sh`systemctl disable ipvsadm.service` : sh`update-rc.d -f ipvsadm remove`);
  }
  await runCommands(ctx, commands);
}
