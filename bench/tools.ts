// The three contenders: how each is started for a mode, and how its output
// proves it did the work (every host changed on a first apply, none on a
// no-op rerun or a check of converged hosts).

import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { BenchHosts } from './lab.js';
import type { Command, Measured } from './measure.js';

export type ToolName = 'rb' | 'ansible' | 'floor';
export type Mode = 'first' | 'noop' | 'check';
export const TOOLS: ToolName[] = ['rb', 'ansible', 'floor'];
export const MODES: Mode[] = ['first', 'noop', 'check'];

export interface Paths {
  /** Repository root (bench/ and dist/ below it). */
  root: string;
  /** Scratch directory of this run. */
  tmp: string;
}

/** What a run reported, per host. */
export interface Outcome {
  /** Changed tasks (rb, Ansible) or changed items (floor) per host. */
  changes: Record<string, number>;
  /** rb only: remote execs per host. */
  execs?: Record<string, number>;
}

export function command(tool: ToolName, mode: Mode, hosts: BenchHosts, p: Paths, runId: string): Command {
  const n = hosts.hosts.length;
  switch (tool) {
    case 'rb':
      return {
        cmd: process.execPath,
        args: [join(p.root, 'dist/bundle/rb.js'), mode === 'check' ? 'drift' : 'run', join(p.root, 'bench/real-server.yml'), '-i', hosts.inventory, '--output', 'plain', '--report-json', join(p.tmp, `${runId}.json`)],
        // The journal every real run keeps goes to scratch, not the user's state dir.
        env: { XDG_STATE_HOME: join(p.tmp, 'state') },
      };
    case 'ansible':
      return {
        cmd: 'ansible-playbook',
        args: ['-i', hosts.inventory, '-f', String(Math.min(n, 50)), join(p.root, 'bench/ansible/real-server.yml'), ...(mode === 'check' ? ['--check', '--diff'] : [])],
        env: { ANSIBLE_CONFIG: join(p.root, 'bench/ansible/ansible.cfg'), ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir(p, runId), ANSIBLE_NOCOLOR: '1' },
      };
    case 'floor':
      return { cmd: process.execPath, args: [join(p.root, 'dist/bench/floor.js'), { first: 'apply', noop: 'noop', check: 'check' }[mode], hosts.floorHosts] };
  }
}

export function controlDir(p: Paths, runId: string): string {
  return join(p.tmp, `cp-${runId}`);
}

/** Ansible's (and rb's plain) recap lines: `HOST : ok=N changed=N unreachable=N failed=N`. */
export function parseRecap(stdout: string): Record<string, { changed: number; broken: number }> {
  const out: Record<string, { changed: number; broken: number }> = {};
  for (const m of stdout.matchAll(/^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    out[m[1]] = { changed: Number(m[2]), broken: Number(m[3]) + Number(m[4]) };
  }
  return out;
}

/** The floor's `HOST changes=N` / `HOST FAILED why` lines. */
export function parseFloor(stdout: string): Record<string, { changed: number; broken: number }> {
  const out: Record<string, { changed: number; broken: number }> = {};
  for (const m of stdout.matchAll(/^(\S+) (?:changes=(\d+)|FAILED .*)$/gm)) out[m[1]] = { changed: Number(m[2] ?? 0), broken: m[2] === undefined ? 1 : 0 };
  return out;
}

/** Read what the run did, and throw unless it is what the mode requires of every host. */
export async function outcome(tool: ToolName, mode: Mode, r: Measured, hosts: BenchHosts, p: Paths, runId: string): Promise<Outcome> {
  const per = tool === 'floor' ? parseFloor(r.stdout) : parseRecap(r.stdout);
  const wantCode = 0;
  const tail = () => `${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`;
  if (r.code !== wantCode) throw new Error(`${tool} ${mode}: exit ${r.code}\n${tail()}`);
  const changes: Record<string, number> = {};
  for (const h of hosts.hosts) {
    const got = per[h.name];
    if (!got || got.broken) throw new Error(`${tool} ${mode}: ${h.name} ${got ? 'failed or unreachable' : 'missing from the output'}\n${tail()}`);
    if (mode === 'first' ? got.changed === 0 : got.changed !== 0) {
      throw new Error(`${tool} ${mode}: ${h.name} reported ${got.changed} changes, expected ${mode === 'first' ? 'some' : 'none'}\n${tail()}`);
    }
    changes[h.name] = got.changed;
  }
  if (tool !== 'rb') return { changes };
  const report = JSON.parse(await readFile(join(p.tmp, `${runId}.json`), 'utf8')) as { transport?: Record<string, { execs: number }> };
  const execs = Object.fromEntries(Object.entries(report.transport ?? {}).map(([h, s]) => [h, s.execs]));
  return { changes, execs };
}
