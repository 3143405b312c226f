// Writing ldirectord.cf and bringing the daemon and the IPVS table to it.
//
// `ldirectord FILE status` reads the whole file before it looks for a daemon
// and exits 2 naming the bad line, 3 when the file is good and no daemon runs
// for it: with a temp file name that is a real syntax check, so a file
// ldirectord refuses never replaces the old one. The new file is written to a
// temp file, checked, the old one backed up, then renamed into place. After a
// start or reload the IPVS table must match the file within verify_timeout
// seconds; if it does not, the old file and daemon state come back and the
// task fails with what did not match.

import type { HostContext, Plan } from '../../core/module.js';
import { CommandError, ModuleError } from '../../core/errors.js';
import { installFile, restoreCommand } from '../../core/files/write.js';
import { serviceId } from '../lib/ipvs-table/model.js';
import { parseRules } from '../lib/ipvs-table/save-format.js';
import { sh } from '../../core/transport/shell.js';
import { editDocument } from './edit.js';
import { documentOf, gatherLdirectordFacts, pidPart, type LdirectordFacts } from './facts.js';
import { checkTable, impliedTable } from '../lib/ldirectord-conf/implied.js';
import { modelOf, renderModel, SECRET_KEYS, type Model } from '../lib/ldirectord-conf/model.js';
import { modelFromParams } from './params.js';
import type { LdParams } from './plan.js';

const VERIFY_POLL_MS = 1000;

export function validateCommand(tmp: string): string {
  return sh`ldirectord ${tmp} status >/dev/null; test $? -eq 3`;
}

/** Start ldirectord on `path` and wait (bounded) for its pid: perl takes seconds under emulation. */
export function startCommand(path: string, timeoutS = 60): string {
  const steps = timeoutS * 5;
  return [
    'log=$(mktemp); trap \'rm -f "$log"\' EXIT',
    sh`ldirectord ${path} start >"$log" 2>&1 </dev/null; rc=$?`,
    'if [ $rc -ne 0 ]; then cat "$log" >&2; echo "rb-fail: ldirectord start exited $rc" >&2; exit 1; fi',
    `n=0; while [ $n -lt ${steps} ]; do p=$(${pidPart(path)}); [ -n "$p" ] && { echo "$p"; exit 0; }; sleep 0.2; n=$((n+1)); done`,
    'cat "$log" >&2; echo "rb-fail: ldirectord is not running after start" >&2; exit 1',
  ].join('\n');
}

/** SIGHUP makes ldirectord re-read its file; the same process must still be there a second later. */
export function reloadCommand(pid: number): string {
  return [
    sh`pid=${pid}`,
    'kill -HUP "$pid" || { echo "rb-fail: cannot signal ldirectord (pid $pid)" >&2; exit 1; }',
    'sleep 1',
    'grep -q ldirectord /proc/"$pid"/cmdline 2>/dev/null || { echo "rb-fail: ldirectord (pid $pid) is gone after the reload" >&2; exit 1; }',
  ].join('\n');
}

/** TERM and wait for the process to go (ldirectord removes its services on the way out). */
export function stopCommand(pid: number, timeoutS = 30): string {
  return [
    sh`pid=${pid}`,
    'kill -TERM "$pid" 2>/dev/null',
    `n=0; while grep -q ldirectord /proc/"$pid"/cmdline 2>/dev/null && [ $n -lt ${timeoutS * 5} ]; do sleep 0.2; n=$((n+1)); done`,
    '! grep -q ldirectord /proc/"$pid"/cmdline 2>/dev/null || { echo "rb-fail: ldirectord (pid $pid) still runs" >&2; exit 1; }',
  ].join('\n');
}

async function runScript(ctx: HostContext, cmd: string, what: string): Promise<string> {
  const r = await ctx.exec(cmd, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new CommandError({ host: ctx.host, command: what, ...r }, /^rb-fail: (.*)$/m.exec(r.stderr)?.[1] ?? `${what} failed`);
  return r.stdout;
}

/** Poll the table until it matches `want` (and the services in `gone` are gone), or the time is up. */
async function verifyTable(ctx: HostContext, want: Model, gone: string[], timeoutS: number): Promise<string[]> {
  const implied = impliedTable(want).services;
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const r = await ctx.run(sh`ipvsadm -Sn`);
    const mismatches = checkTable(implied, parseRules(r.stdout, 'ipvsadm -Sn').services, gone).mismatches;
    if (mismatches.length === 0 || Date.now() >= deadline) return mismatches;
    await new Promise((res) => setTimeout(res, VERIFY_POLL_MS));
  }
}

function hasSecrets(m: Model): boolean {
  return [...m.globals, ...m.virtuals.flatMap((v) => v.options)].some((e) => SECRET_KEYS.has(e.key));
}

export async function applyLdirectord(ctx: HostContext, p: LdParams, plan: Plan, facts: LdirectordFacts): Promise<{ backup?: string }> {
  const want = modelFromParams(p);
  let backup: string | undefined;
  if (plan.changes.some((c) => c.resource === p.path)) {
    const doc = documentOf(facts);
    const text = facts.parseError || !facts.exists ? renderModel(want) : editDocument(doc, want);
    try {
      backup = (await installFile(ctx, { path: p.path, content: text, mode: facts.exists ? undefined : hasSecrets(want) ? '0600' : '0644', backup: true, validate: validateCommand })).backup;
    } catch (e) {
      if (!(e instanceof CommandError) || !/validation of/.test(e.message)) throw e;
      const why = `${e.stderr}\n${e.stdout}`
        .split('\n')
        .map((l) => l.replace(/^Error \[\d+\] reading file \S+ /, '').trim())
        .filter((l) => l && !/^validator exit/.test(l));
      throw new ModuleError(`${ctx.host}: ldirectord refused the new ${p.path} (nothing was changed): ${why.join('; ')}`);
    }
  }
  const daemon = plan.changes.find((c) => c.kind === 'start-ldirectord' || c.kind === 'reload-ldirectord');
  if (!daemon) return backup ? { backup } : {};
  if (daemon.kind === 'start-ldirectord') await runScript(ctx, startCommand(p.path), `ldirectord ${p.path} start`);
  else await runScript(ctx, reloadCommand(facts.pid!), `kill -HUP ${facts.pid} (ldirectord reload)`);

  const before = impliedTable(modelOf(documentOf(facts))).services.map((s) => serviceId(s.service.key));
  const now = new Set(impliedTable(want).services.map((s) => serviceId(s.service.key)));
  const mismatches = await verifyTable(ctx, want, before.filter((id) => !now.has(id)), p.verify_timeout);
  if (mismatches.length) {
    await rollbackLdirectord(ctx, p, facts, plan);
    throw new ModuleError(`${ctx.host}: after ${p.verify_timeout} s the IPVS table still does not match ${p.path} (rolled back to the previous file): ${mismatches.join('; ')}`);
  }
  return backup ? { backup } : {};
}

/** The file facts saw, then the daemon as it was: reloaded, started or stopped. */
export async function rollbackLdirectord(ctx: HostContext, p: LdParams, snapshot: LdirectordFacts, applied: Plan): Promise<void> {
  if (applied.changes.some((c) => c.resource === p.path)) {
    if (snapshot.exists && snapshot.content !== undefined) await installFile(ctx, { path: p.path, content: snapshot.content, backup: false });
    else if (!snapshot.exists) await ctx.run(restoreCommand(p.path, null));
  }
  const now = await gatherLdirectordFacts(ctx, p.path);
  if (snapshot.running && now.running) await runScript(ctx, reloadCommand(now.pid!), 'ldirectord reload');
  else if (snapshot.running) await runScript(ctx, startCommand(p.path), `ldirectord ${p.path} start`);
  else if (now.running) await runScript(ctx, stopCommand(now.pid!), 'ldirectord stop');
}
