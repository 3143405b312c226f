// What `command` and `shell` share: params, the creates/removes facts, the
// plan (unknown unless creates/removes decide) and running the line with the
// result `register` stores (Ansible's rc/stdout/stderr/..._lines/delta).

import { posix } from 'node:path';
import type { FactsQuery, HostContext, Plan } from '../../core/module.js';
import { CommandError } from '../../core/errors.js';
import { noop } from '../../core/module.js';
import type { Fields } from '../../core/schema/types.js';
import { sh } from '../../core/transport/shell.js';

export interface RunParams {
  cmd: string;
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
}

/** Whether the creates/removes paths exist; empty when neither is given. */
export interface RunFacts {
  creates?: boolean;
  removes?: boolean;
}

export const runFields: Fields = {
  cmd: { type: 'string', required: true, description: 'the command line (also given as the module value: `command: ls -l`)' },
  creates: { type: 'string', description: 'path: when it exists the command is not run' },
  removes: { type: 'string', description: 'path: when it does not exist the command is not run' },
  chdir: { type: 'string', description: 'directory to run the command in' },
  stdin: { type: 'string', description: 'text written to the command standard input (a newline is added)' },
};

const INLINE = /^(creates|removes|chdir)=(.+)$/;

/**
 * Ansible's free form also takes creates=/removes=/chdir= inside the line
 * (`command: tar xf site.tar creates=/srv/site`). Explicit params win.
 */
export function takeInline(p: RunParams, words: string[]): { params: RunParams; rest: string[] } {
  const params = { ...p };
  const rest: string[] = [];
  for (const w of words) {
    const m = INLINE.exec(w);
    if (!m) rest.push(w);
    else {
      const key = m[1] as 'creates' | 'removes' | 'chdir';
      params[key] ??= m[2];
    }
  }
  return { params, rest };
}

/** The same for a shell line, where only trailing key=value words are taken (the rest is shell syntax). */
export function takeInlineTail(p: RunParams): { params: RunParams; line: string } {
  const params = { ...p };
  let line = p.cmd;
  for (;;) {
    const m = /\s+(creates|removes|chdir)=(\S+)\s*$/.exec(line);
    if (!m) break;
    const key = m[1] as 'creates' | 'removes' | 'chdir';
    params[key] ??= m[2];
    line = line.slice(0, m.index);
  }
  return { params, line };
}

function onHost(p: RunParams, path: string): string {
  return p.chdir && !posix.isAbsolute(path) ? posix.join(p.chdir, path) : path;
}

export function runFactsCommand(p: RunParams): string | undefined {
  const parts: string[] = [];
  if (p.creates) parts.push(sh`if [ -e ${onHost(p, p.creates)} ]; then echo creates; fi`);
  if (p.removes) parts.push(sh`if [ -e ${onHost(p, p.removes)} ]; then echo removes; fi`);
  return parts.length ? parts.join('; ') : undefined;
}

/** creates/removes as one read-only command; none (no remote read at all) without them. */
export function runQuery(host: string, p: RunParams): FactsQuery<RunFacts> {
  const command = runFactsCommand(p) ?? '';
  return {
    command,
    parse(r) {
      if (r.code !== 0) throw new CommandError({ host, command, ...r }, 'cannot read creates/removes facts');
      const seen = new Set(r.stdout.split('\n'));
      return {
        ...(p.creates ? { creates: seen.has('creates') } : {}),
        ...(p.removes ? { removes: seen.has('removes') } : {}),
      };
    },
  };
}

/** `line` is the exact command apply runs (already quoted). */
export function planRun(p: RunParams, facts: RunFacts, line: string): Plan {
  if (p.creates && facts.creates) return noop(`${p.creates} exists`);
  if (p.removes && facts.removes === false) return noop(`${p.removes} does not exist`);
  const full = p.chdir ? sh`cd ${p.chdir} && ` + line : line;
  return {
    changes: [{ kind: 'run-command', resource: p.cmd ?? line, commands: [full] }],
    // creates/removes decided that it runs; without them nobody can tell.
    unknown: !p.creates && !p.removes,
  };
}

function stamp(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

function delta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const frac = String((ms % 1000) * 1000).padStart(6, '0');
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${frac}`;
}

const lines = (s: string) => (s === '' ? [] : s.split('\n'));

/** Run the planned line; a non-zero rc is returned as data (the engine fails the task on it). */
export async function applyRun(ctx: HostContext, p: RunParams, plan: Plan, shownCmd: unknown): Promise<Record<string, unknown>> {
  const line = plan.changes[0].commands![0];
  const stdin = p.stdin === undefined ? undefined : p.stdin.endsWith('\n') ? p.stdin : `${p.stdin}\n`;
  const start = new Date();
  const r = await ctx.exec(line, stdin === undefined ? undefined : { stdin });
  const end = new Date();
  const stdout = r.stdout.replace(/\n$/, '');
  const stderr = r.stderr.replace(/\n$/, '');
  return {
    cmd: shownCmd,
    rc: r.code,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: stamp(start),
    end: stamp(end),
    delta: delta(end.getTime() - start.getTime()),
    changed: true,
    ...(r.code !== 0 ? { msg: `non-zero return code ${r.code}${stderr ? `: ${stderr.split('\n').slice(-1)[0]}` : ''}` } : {}),
  };
}
