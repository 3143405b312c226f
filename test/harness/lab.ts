// The lab for integration tests: brought up once per mocha run (hooks.ts
// takes it down at the end if this run made it), hosts rebuilt fresh per
// test file, commands run in hosts without ssh.

import { labDown, labExec as coreExec, labRebuild, labStatus, labUp, INVENTORY, type LabHost } from '../../core/lab/index.js';

export { INVENTORY as LAB_INVENTORY };

export const isRoot = (): boolean => process.getuid?.() === 0;

let upTo = 0;
let upping: Promise<LabHost[]> | undefined;
let broughtUpByThisRun = false;
let warned = false;

function warnNotRoot(): void {
  if (warned) return;
  warned = true;
  const bar = '!'.repeat(78);
  process.stderr.write(
    `\n${bar}\n!!  NOT ROOT: the lab tests are SKIPPED. They need real namespaces and mounts.\n` +
      `!!  Run the test suite as root (sudo npm test) to run them.\n${bar}\n\n`,
  );
}

/**
 * Bring up rb1..rbN (at least; the lab only grows during a run). Every call
 * re-converges, which costs ~0.1 s when all runs and heals hosts a previous
 * test file killed or took down. Throws when not root.
 */
export async function ensureLab(n = 4): Promise<LabHost[]> {
  if (!isRoot()) throw new Error('the lab needs root');
  upTo = Math.max(n, upTo);
  const want = upTo;
  const previous = upping;
  upping = (async () => {
    await previous?.catch(() => undefined);
    const before = await labStatus();
    if (!before.hosts.some((h) => h.alive)) broughtUpByThisRun = true;
    return labUp(want);
  })();
  return upping;
}

/**
 * In a `before` hook: skip the block, loudly, when not root (sshd, users and
 * namespaces need it). Under CI (--forbid-pending) a skipped test fails the run.
 */
export function skipUnlessRoot(ctx: Mocha.Context): void {
  if (isRoot()) return;
  warnNotRoot();
  ctx.skip();
}

/**
 * Register a `before` hook in the current describe that brings the lab up,
 * or skips every test of the block (loudly) when not root — the only skip
 * the suite allows.
 */
export function useLab(n = 4): void {
  before(async function () {
    if (!isRoot()) {
      warnNotRoot();
      this.skip();
    }
    this.timeout(180_000);
    await ensureLab(n);
  });
}

export interface HostRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run in a lab host without ssh: a string goes through `sh -c`, an array is the argv. */
export function labExec(host: string, cmd: string | string[], opts: { input?: string } = {}): Promise<HostRun> {
  return coreExec(host, typeof cmd === 'string' ? ['sh', '-c', cmd] : cmd, opts);
}

/** Like labExec, but a non-zero exit is an error carrying the output. */
export async function labSh(host: string, cmd: string | string[], opts: { input?: string } = {}): Promise<string> {
  const r = await labExec(host, cmd, opts);
  if (r.code !== 0) {
    throw new Error(`${host}: ${typeof cmd === 'string' ? cmd : cmd.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}

/** Rebuild these hosts from nothing (fresh files, netns, sysctls, daemons): a test file's clean start. */
export async function resetHosts(names: string[]): Promise<LabHost[]> {
  await ensureLab(Math.max(...names.map((n) => Number(n.replace(/^rb/, '')) || 0), 1));
  const hosts = await labRebuild(names);
  return hosts.filter((h) => names.includes(h.name));
}

/** Called by the root hook at the end of the run. */
export async function labTeardownIfOurs(): Promise<void> {
  if (!broughtUpByThisRun || process.env.RB_KEEP_LAB === '1') return;
  broughtUpByThisRun = false;
  upping = undefined;
  upTo = 0;
  await labDown();
}
