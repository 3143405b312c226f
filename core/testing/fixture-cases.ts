// The table-driven module cases: one YAML file per case, checked against a
// module definition without any host. Built-in modules and site modules use
// the same runner (`rb modules test DIR`, and the project's own test suite).
//
//   description: fresh host, two keys to set         # optional
//   params: { ... }        # as written in a playbook (a scalar goes to the module's freeForm param)
//   vars: {}               # optional host vars (PlanContext.vars / ctx.vars)
//   task: "name"           # optional PlanContext.taskName (default "fixture")
//   facts: { ... }         # the module's facts value, as facts() would return it
//   expect:
//     changes: [ { kind, resource, field, before, after } ]  # only the keys given are compared
//     commands: [ "..." ]  # the flattened Change.commands, exact strings
//     reason: "already"    # substring of the no-op reason (changes must then be [])
//     unknown: true
//     warnings: [ "..." ]  # substrings, one per expected warning
//     error: "expected an integer"   # validation must fail; substring of the joined `path: message`
//     plan_error: "does not exist"   # validation passes, plan throws; substring of the message
//
// Action modules (set_fact, debug, assert, wait_for) have no facts/plan: their
// cases may say `check: true` and expect `result: { changed, failed, msg, facts }`
// (msg is a substring; other keys are compared deeply). They run with a context
// whose exec fails the case: an action case never reaches a host. `controller_dir: DIR`
// gives an action controller files (include_vars): relative paths are found in
// DIR/KIND/ or DIR, DIR being relative to the case file.

import { isDeepStrictEqual } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ActionResult, HostContext, ModuleDef, Plan } from '../module.js';
import { validateFields } from '../schema/validate.js';
import { renderText } from '../template/index.js';
import { parseYaml } from '../yaml.js';

const CASE_KEYS = new Set(['description', 'params', 'vars', 'task', 'facts', 'expect', 'check', 'stdout_file', 'controller_dir']);
const EXPECT_KEYS = new Set(['changes', 'commands', 'reason', 'unknown', 'warnings', 'error', 'plan_error', 'result']);
export const CHANGE_KEYS = ['kind', 'resource', 'field', 'before', 'after'] as const;
type ChangeKey = (typeof CHANGE_KEYS)[number];

export interface ModuleCase {
  description?: string;
  params?: unknown;
  vars?: Record<string, unknown>;
  task?: string;
  facts?: unknown;
  check?: boolean;
  /** An action reading the host (setup): its exec answers with this captured output (path relative to the case file). */
  stdout_file?: string;
  stdout?: string;
  /** An action reading controller files (include_vars): the folder, relative to the case file, its relative paths are found in (as the playbook's folder). */
  controller_dir?: string;
  expect: {
    changes?: Array<Partial<Record<ChangeKey, unknown>>>;
    commands?: string[];
    reason?: string;
    unknown?: boolean;
    warnings?: string[];
    error?: string;
    plan_error?: string;
    result?: Record<string, unknown>;
  };
}

/** Read and shape-check one case file. Throws naming the file. */
export function loadModuleCase(file: string): ModuleCase {
  const doc = parseYaml(readFileSync(file, 'utf8'), file) as Record<string, unknown>;
  if (!doc || typeof doc !== 'object') throw new Error(`${file}: not a mapping`);
  for (const k of Object.keys(doc)) if (!CASE_KEYS.has(k)) throw new Error(`${file}: unknown case key "${k}"`);
  const exp = doc.expect as Record<string, unknown> | undefined;
  if (!exp || typeof exp !== 'object') throw new Error(`${file}: no expect`);
  for (const k of Object.keys(exp)) if (!EXPECT_KEYS.has(k)) throw new Error(`${file}: unknown expect key "${k}"`);
  if (typeof doc.stdout_file === 'string') doc.stdout = readFileSync(resolve(dirname(file), doc.stdout_file), 'utf8');
  if (typeof doc.controller_dir === 'string') doc.controller_dir = resolve(dirname(file), doc.controller_dir);
  return doc as unknown as ModuleCase;
}

/** The params a case gives, as a playbook would: a scalar goes to the free-form param. */
export function caseArgs(def: ModuleDef, params: unknown): unknown {
  if (def.freeForm && (typeof params === 'string' || typeof params === 'number')) return { [def.freeForm]: String(params) };
  return params ?? {};
}

const show = (v: unknown): string => JSON.stringify(v) ?? 'undefined';

/** Run one case; the list of what did not hold (empty: the case passes). */
export async function checkModuleCase(def: ModuleDef, c: ModuleCase): Promise<string[]> {
  const { value, problems } = validateFields(def.params, caseArgs(def, c.params), '', {}, def.rules);
  const joined = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
  if (c.expect.error !== undefined) {
    if (!problems.length) return [`expected a validation error containing ${show(c.expect.error)}, the params are valid`];
    return joined.includes(c.expect.error) ? [] : [`validation problems ${show(joined)} do not contain ${show(c.expect.error)}`];
  }
  if (problems.length) return [`params are invalid: ${joined}`];
  return def.action ? checkAction(def, c, value) : checkPlan(def, c, value);
}

function caseContext(c: ModuleCase): HostContext {
  const vars = c.vars ?? {};
  const unreachable = (what: string) => () => {
    throw new Error(`an action case tried to reach the host (${what})`);
  };
  return {
    host: 'fixture',
    vars,
    check: c.check ?? false,
    exec: c.stdout === undefined ? unreachable('exec') : async () => ({ code: 0, stdout: c.stdout!, stderr: '', durationMs: 0 }),
    run: c.stdout === undefined ? unreachable('run') : async () => ({ code: 0, stdout: c.stdout!, stderr: '', durationMs: 0 }),
    get: unreachable('get'),
    put: unreachable('put'),
    log: () => {},
    render: (text, extra) => renderText(text, { ...vars, ...extra }),
    localPath: c.controller_dir === undefined ? unreachable('localPath') : (path, kind) => controllerPath(c.controller_dir!, path, kind),
  };
}

/** A controller file of a case: absolute, or in the case's folder's KIND/ or the folder itself. */
function controllerPath(dir: string, path: string, kind: string): string {
  const found = (isAbsolute(path) ? [path] : [join(dir, kind, path), join(dir, path)]).find((p) => existsSync(p));
  if (!found) throw new Error(`${path}: not found on the controller (looked in ${join(dir, kind)}, ${dir})`);
  return found;
}

async function checkAction(def: ModuleDef, c: ModuleCase, params: Record<string, unknown>): Promise<string[]> {
  const want = c.expect.result;
  if (!want) return ['action cases need expect.result'];
  let r: ActionResult;
  try {
    r = await def.action!(caseContext(c), params);
  } catch (e) {
    // As the engine reports it: the task fails with the error's message.
    r = { failed: true, msg: e instanceof Error ? e.message : String(e) };
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(want)) {
    const got = (r as Record<string, unknown>)[k];
    if (k === 'msg') {
      if (!String(got).includes(String(v))) out.push(`msg ${show(got)} does not contain ${show(v)}`);
    } else if (!isDeepStrictEqual(got ?? false, v)) out.push(`${k}: expected ${show(v)}, got ${show(got)}`);
  }
  return out;
}

function checkPlan(def: ModuleDef, c: ModuleCase, params: Record<string, unknown>): string[] {
  const ctx = { host: 'fixture', vars: c.vars ?? {}, taskName: c.task ?? 'fixture' };
  const exp = c.expect;
  if (exp.plan_error !== undefined) {
    try {
      def.plan!(params, c.facts, ctx);
    } catch (e) {
      const msg = (e as Error).message;
      return msg.includes(exp.plan_error) ? [] : [`plan error ${show(msg)} does not contain ${show(exp.plan_error)}`];
    }
    return [`expected plan to throw ${show(exp.plan_error)}, it did not`];
  }
  if (exp.changes === undefined && exp.reason === undefined && exp.unknown === undefined && exp.commands === undefined) {
    return ['the case expects nothing: give changes, reason, unknown or commands'];
  }
  const plan = def.plan!(structuredClone(params), structuredClone(c.facts), ctx);
  const again = def.plan!(structuredClone(params), structuredClone(c.facts), ctx);
  const out: string[] = [];
  if (JSON.stringify(again) !== JSON.stringify(plan)) out.push('plan is not deterministic: the same input gave two plans');
  if (exp.reason !== undefined) {
    if (plan.changes.length) out.push(`a no-op has no changes, got ${plan.changes.length}`);
    if (!(plan.reason ?? '').includes(exp.reason)) out.push(`no-op reason ${show(plan.reason)} does not contain ${show(exp.reason)}`);
  }
  if (exp.changes !== undefined) out.push(...compareChanges(plan, exp.changes));
  if (exp.commands !== undefined) {
    const got = plan.changes.flatMap((ch) => ch.commands ?? []);
    if (!isDeepStrictEqual(got, exp.commands)) out.push(`commands: expected ${show(exp.commands)}, got ${show(got)}`);
  }
  if (exp.unknown !== undefined && Boolean(plan.unknown) !== exp.unknown) out.push(`unknown: expected ${exp.unknown}, got ${Boolean(plan.unknown)}`);
  if (exp.warnings !== undefined) {
    const got = plan.warnings ?? [];
    if (got.length !== exp.warnings.length) out.push(`warnings: expected ${exp.warnings.length}, got ${show(got)}`);
    else exp.warnings.forEach((w, i) => got[i]!.includes(w) || out.push(`warning ${i} ${show(got[i])} does not contain ${show(w)}`));
  }
  return out;
}

/** Only the keys a case gives are compared; `null` in a case means absent. */
function compareChanges(plan: Plan, want: NonNullable<ModuleCase['expect']['changes']>): string[] {
  const got = plan.changes.map((ch) => Object.fromEntries(CHANGE_KEYS.filter((k) => k in ch && ch[k] !== undefined).map((k) => [k, ch[k]])));
  if (plan.changes.length !== want.length) return [`number of changes: expected ${want.length}, got ${plan.changes.length}: ${JSON.stringify(got, null, 1)}`];
  const out: string[] = [];
  want.forEach((w, i) => {
    const ch = plan.changes[i]!;
    for (const k of Object.keys(w) as ChangeKey[]) {
      if (!CHANGE_KEYS.includes(k)) {
        out.push(`change ${i}: unknown key "${k}" (compared: ${CHANGE_KEYS.join(', ')})`);
        continue;
      }
      const expected = w[k] === null ? undefined : w[k];
      if (!isDeepStrictEqual(ch[k], expected)) out.push(`change ${i} (${ch.kind} ${ch.resource}) ${k}: expected ${show(expected)}, got ${show(ch[k])}`);
    }
  });
  return out;
}
