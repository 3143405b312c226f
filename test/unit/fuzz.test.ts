// A bounded mutation fuzzer over the repository's own playbooks and lab
// inventories (fast-check drives the choice of mutations and shrinks a failing
// one to the smallest). Every host is 127.0.0.1 port 1, so nothing is ever
// contacted. For every mutant: no crash, no hang, a refusal is located; a
// mutant broken on purpose is refused; and a mutant that passes the checks
// made before connecting never fails a task on a value those checks could
// have seen (a template, an undefined variable, a module value).
//
// RB_FUZZ_RUNS sets the number of mutants per property (default 60); the
// whole file stays within a time budget for CI.

import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCATED, runCase, STACK, type HostileCase } from '../harness/hostile.js';
import { breakageArb, breakPlaybook, mutate, mutationArb, seeds, type Seed } from '../harness/mutate.js';

const RUNS = Number(process.env.RB_FUZZ_RUNS ?? 60);
const BUDGET_MS = 15_000;
const all = seeds();
const tried = { mutants: 0, refused: 0, accepted: 0 };
const reasons: string[] = [];

function caseOf(seed: Seed, playbook: string, inventory: Record<string, string>): HostileCase {
  const files: Record<string, string> = { ...seed.extra };
  for (const [k, v] of Object.entries(inventory)) files[join('inv', k)] = v;
  return {
    file: 'fuzz', name: seed.name, playbook, files, inventoryPath: 'inv', mode: 'check', exit: -1,
    // Extra vars beat every inventory value: whatever a mutant says, the only address is 127.0.0.1:1.
    args: ['-e', '{"ansible_host": "127.0.0.1", "ansible_port": 1, "ansible_connection": "ssh", "ansible_ssh_timeout": 2, "ansible_ssh_common_args": "", "ansible_ssh_extra_args": ""}', '--report-json', '%DIR%/report.json'],
  };
}

/** Found at run time but knowable before: what the checks before connecting must have refused. */
const KNOWABLE = /after rendering|undefined variable|template syntax|expected (a|an|one of) /;

async function judge(c: HostileCase, mustRefuse?: RegExp): Promise<void> {
  const r = await runCase(c, 10_000);
  tried.mutants++;
  const show = `\n--- playbook\n${c.playbook}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`;
  try {
    expect(r.code, `crash or hang${show}`).to.be.oneOf([0, 1, 2, 3]);
    expect(r.stdout + r.stderr, `stack trace${show}`).to.not.match(STACK);
    if (mustRefuse) {
      expect(r.code, `a broken mutant was not refused${show}`).to.equal(1);
      expect(r.stderr, show).to.match(mustRefuse);
    }
    if (r.code === 1) {
      tried.refused++;
      if (process.env.RB_FUZZ_REPORT) reasons.push(r.stderr.split('\n').slice(0, 2).join(' | ').replace(/\/tmp\/rb-hostile-\w+\//g, ''));
      expect(r.stderr, `refused without file:line:col${show}`).to.match(LOCATED);
      expect(r.stdout, `refused after contacting a host${show}`).to.not.match(/unreachable=/);
      return;
    }
    tried.accepted++;
    const report = join(r.dir, 'report.json');
    if (!existsSync(report)) return;
    const tasks = (JSON.parse(readFileSync(report, 'utf8')) as { tasks: Array<{ status: string; msg?: string; task: string; host: string }> }).tasks;
    const late = tasks.filter((t) => t.status === 'failed' && KNOWABLE.test(t.msg ?? ''));
    expect(late.map((t) => `${t.host} ${t.task}: ${t.msg}`), `passed the checks before connecting, then failed a task on a value they could see${show}`).to.deep.equal([]);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
}

describe('mutation fuzzer over the repository playbooks and inventories', function () {
  this.timeout(60_000);
  after(() => {
    process.stdout.write(`      fuzz: ${tried.mutants} mutants (${tried.refused} refused, ${tried.accepted} accepted)\n`);
    if (process.env.RB_FUZZ_REPORT) process.stdout.write(`${reasons.join('\n')}\n`);
  });

  it(`has seeds (${all.map((s) => s.name).join(', ')})`, () => {
    expect(all.length).to.be.at.least(4);
  });

  it('a mutated playbook: no crash, no hang, located refusals, nothing knowable found late', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (s, ms) => {
        const seed = all[s % all.length];
        await judge(caseOf(seed, ms.reduce(mutate, seed.playbook), seed.inventory));
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS },
    );
  });

  it('a mutated inventory file: no crash, no hang, located refusals, nothing knowable found late', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (s, f, ms) => {
        const seed = all[s % all.length];
        const names = Object.keys(seed.inventory).sort();
        const name = names[f % names.length];
        await judge(caseOf(seed, seed.playbook, { ...seed.inventory, [name]: ms.reduce(mutate, seed.inventory[name]) }));
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS },
    );
  });

  it('a playbook broken on purpose is always refused, located', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), breakageArb, async (s, b) => {
        const seed = all[s % all.length];
        const broken = breakPlaybook(seed.playbook, b);
        await judge(caseOf(seed, broken.text, seed.inventory), broken.expect);
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS },
    );
  });
});
