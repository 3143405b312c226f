// The table-driven module tests: one mocha test per test/modules/<module>/<case>.yaml.
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
// fixtures may say `check: true` and expect `result: { changed, failed, msg, facts }`
// (msg is a substring; other keys are compared deeply). They run with a context
// whose exec fails the test: an action fixture never reaches a host.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ActionResult, Change, HostContext, ModuleDef, Plan } from '../../core/module.js';
import { validateFields } from '../../core/schema/validate.js';
import { renderText } from '../../core/template/index.js';
import { parseYaml } from '../../core/yaml.js';
import { modules } from '../../modules/index.js';

// Tests reach modules directly (not through a playbook): every one imported.
await modules.loadAll();

const ROOT = join(import.meta.dirname, '..', 'modules');
const FIXTURE_KEYS = new Set(['description', 'params', 'vars', 'task', 'facts', 'expect', 'check']);
const EXPECT_KEYS = new Set(['changes', 'commands', 'reason', 'unknown', 'warnings', 'error', 'plan_error', 'result']);
const CHANGE_KEYS = ['kind', 'resource', 'field', 'before', 'after'] as const;

interface Fixture {
  description?: string;
  params?: unknown;
  vars?: Record<string, unknown>;
  task?: string;
  facts?: unknown;
  check?: boolean;
  expect: {
    changes?: Array<Partial<Record<(typeof CHANGE_KEYS)[number], unknown>>>;
    commands?: string[];
    reason?: string;
    unknown?: boolean;
    warnings?: string[];
    error?: string;
    plan_error?: string;
    result?: Record<string, unknown>;
  };
}

function loadFixture(file: string): Fixture {
  const doc = parseYaml(readFileSync(file, 'utf8'), file) as Record<string, unknown>;
  if (!doc || typeof doc !== 'object') throw new Error(`${file}: not a mapping`);
  for (const k of Object.keys(doc)) if (!FIXTURE_KEYS.has(k)) throw new Error(`${file}: unknown fixture key "${k}"`);
  const exp = doc.expect as Record<string, unknown> | undefined;
  if (!exp || typeof exp !== 'object') throw new Error(`${file}: no expect`);
  for (const k of Object.keys(exp)) if (!EXPECT_KEYS.has(k)) throw new Error(`${file}: unknown expect key "${k}"`);
  return doc as unknown as Fixture;
}

export function fixtureArgs(def: ModuleDef, params: unknown): unknown {
  if (def.freeForm && (typeof params === 'string' || typeof params === 'number')) return { [def.freeForm]: String(params) };
  return params ?? {};
}

/** Every fixture directory, with its case files (top level *.yaml only). */
export function fixtureDirs(): Array<{ module: string; cases: string[] }> {
  return readdirSync(ROOT)
    .filter((d) => statSync(join(ROOT, d)).isDirectory())
    .sort()
    .map((module) => ({ module, cases: readdirSync(join(ROOT, module)).filter((f) => f.endsWith('.yaml')).sort() }));
}

function checkChanges(plan: Plan, want: NonNullable<Fixture['expect']['changes']>): void {
  const got = plan.changes.map((c) => Object.fromEntries(CHANGE_KEYS.filter((k) => k in c && c[k] !== undefined).map((k) => [k, c[k]])));
  expect(plan.changes.length, `number of changes; got ${JSON.stringify(got, null, 1)}`).to.equal(want.length);
  want.forEach((w, i) => {
    const c = plan.changes[i] as Change;
    for (const k of Object.keys(w) as Array<(typeof CHANGE_KEYS)[number]>) {
      if (!CHANGE_KEYS.includes(k)) throw new Error(`change ${i}: unknown key "${k}" (compared: ${CHANGE_KEYS.join(', ')})`);
      expect(c[k], `change ${i} (${c.kind} ${c.resource}) ${k}`).to.deep.equal(w[k] === null ? undefined : w[k]);
    }
  });
}

function fixtureContext(fx: Fixture): HostContext {
  const vars = fx.vars ?? {};
  const unreachable = (what: string) => () => {
    throw new Error(`action fixture tried to reach the host (${what})`);
  };
  return {
    host: 'fixture',
    vars,
    check: fx.check ?? false,
    exec: unreachable('exec'),
    run: unreachable('run'),
    get: unreachable('get'),
    put: unreachable('put'),
    log: () => {},
    transport: undefined as never,
    render: (text, extra) => renderText(text, { ...vars, ...extra }),
    localPath: unreachable('localPath'),
  };
}

async function runAction(def: ModuleDef, fx: Fixture, params: Record<string, unknown>): Promise<void> {
  const r: ActionResult = await def.action!(fixtureContext(fx), params);
  const want = fx.expect.result;
  if (!want) throw new Error('action fixtures need expect.result');
  for (const [k, v] of Object.entries(want)) {
    const got = (r as Record<string, unknown>)[k];
    if (k === 'msg') expect(String(got), 'msg').to.include(String(v));
    else expect(got ?? false, k).to.deep.equal(v);
  }
}

function runPlan(def: ModuleDef, fx: Fixture, params: Record<string, unknown>): void {
  const ctx = { host: 'fixture', vars: fx.vars ?? {}, taskName: fx.task ?? 'fixture' };
  const exp = fx.expect;
  if (exp.plan_error !== undefined) {
    expect(() => def.plan!(params, fx.facts, ctx)).to.throw(exp.plan_error);
    return;
  }
  const plan = def.plan!(structuredClone(params), structuredClone(fx.facts), ctx);
  // plan is pure: the same input gives the same plan.
  const again = def.plan!(structuredClone(params), structuredClone(fx.facts), ctx);
  expect(JSON.stringify(again), 'plan is deterministic').to.equal(JSON.stringify(plan));
  if (exp.changes === undefined && exp.reason === undefined && exp.unknown === undefined && exp.commands === undefined) {
    throw new Error('fixture expects nothing: give changes, reason, unknown or commands');
  }
  if (exp.reason !== undefined) {
    expect(plan.changes, 'a no-op has no changes').to.deep.equal([]);
    expect(plan.reason ?? '', 'no-op reason').to.include(exp.reason);
  }
  if (exp.changes !== undefined) checkChanges(plan, exp.changes);
  if (exp.commands !== undefined) expect(plan.changes.flatMap((c) => c.commands ?? []), 'commands').to.deep.equal(exp.commands);
  if (exp.unknown !== undefined) expect(Boolean(plan.unknown), 'unknown').to.equal(exp.unknown);
  if (exp.warnings !== undefined) {
    const got = plan.warnings ?? [];
    expect(got.length, `warnings ${JSON.stringify(got)}`).to.equal(exp.warnings.length);
    exp.warnings.forEach((w, i) => expect(got[i]).to.include(w));
  }
}

describe('module fixtures', () => {
  for (const { module, cases } of fixtureDirs()) {
    describe(module, () => {
      const def = modules.get(module);
      if (!def) {
        it('is a registered module', () => {
          throw new Error(`test/modules/${module}/ has fixtures but no module "${module}" is registered in modules/index.ts`);
        });
        return;
      }
      for (const file of cases) {
        const path = join(ROOT, module, file);
        let fx: Fixture;
        try {
          fx = loadFixture(path);
        } catch (e) {
          // A broken fixture fails its own test, not the whole run.
          it(file, () => {
            throw e;
          });
          continue;
        }
        it(`${file.replace(/\.yaml$/, '')}${fx.description ? `: ${fx.description}` : ''}`, async () => {
          const { value, problems } = validateFields(def.params, fixtureArgs(def, fx.params), '', {}, def.rules);
          const joined = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
          if (fx.expect.error !== undefined) {
            expect(problems, 'validation problems').to.not.be.empty;
            expect(joined).to.include(fx.expect.error);
            return;
          }
          expect(joined, 'params are valid').to.equal('');
          if (def.action) await runAction(def, fx, value);
          else runPlan(def, fx, value);
        });
      }
    });
  }
});
