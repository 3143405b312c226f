// Gathered system facts (`gather_facts`, Ansible's implicit setup): a play that
// gathers marks each host; the facts then ride in the host's first remote exec
// of the play (FactsRider), so a run stays at one exec per host. A task that
// may read them before any exec (its params, condition or loop name a fact, or
// it renders a template file) gathers them first, in their own exec.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { FACTS_COMMAND, parseFacts, selectFacts } from '../facts/index.js';
import type { Play, Task } from '../playbook/types.js';
import type { ExecOptions, ExecResult, Transport, TransportStats } from '../transport/types.js';
import { factsBatchScript, splitFactsBatch } from './facts-batch.js';
import type { HostState } from './host-state.js';
import type { TaskEnv } from './task-runner.js';

export interface FactsRequest {
  subset: string[];
  filter: string[];
}

/** Whether the play gathers facts: its gather_facts, else ansible.cfg `gathering` (implicit by default). */
export function playGathers(play: Play, gathering: 'implicit' | 'explicit' | 'smart' = 'implicit', state?: HostState): boolean {
  if (play.gatherFacts !== undefined) return play.gatherFacts && !(gathering === 'smart' && state?.systemFacts);
  if (gathering === 'explicit') return false;
  return !(gathering === 'smart' && state?.systemFacts);
}

/** Mark the play's hosts: their next exec carries the facts. */
export function startGathering(play: Play, states: HostState[], gathering?: 'implicit' | 'explicit' | 'smart'): void {
  for (const s of states) if (playGathers(play, gathering, s)) s.factsPending = { subset: play.gatherSubset ?? ['all'], filter: [] };
}

/** Store what FACTS_COMMAND printed, selected as the request asks. */
export function storeFacts(state: HostState, request: FactsRequest, r: ExecResult): void {
  state.systemFacts = { ...state.systemFacts, ...selectFacts(parseFacts(r.stdout), request.subset, request.filter) };
}

/** `ansible_<name>` that is no magic or connection variable: a gathered fact (or ansible_facts). */
export const FACT_WORDS = /\bansible_(?!(?:play_|check_mode|diff_mode|loop|index_var|failed_|host\b|port\b|user\b|connection|become|version|run_tags|skip_tags|limit|inventory_sources|forks|config_file|role_|parent_role|playbook_python|verbosity|dependent_role|collection_name|search_path|ssh_|private_key|python_interpreter|password|managed|timeout|shell_))\w/;

/** Whether rendering the task may read a gathered fact (cheap and conservative). */
export function mayNeedFacts(task: Task, playDir?: string): boolean {
  const own = { args: task.args, when: task.when, loop: task.loop, vars: task.vars, name: task.name, until: task.until, delegateTo: task.delegateTo, loopLabel: task.loopLabel, changedWhen: task.changedWhen, failedWhen: task.failedWhen };
  let text: string;
  try {
    text = JSON.stringify(own) ?? '';
  } catch {
    return true;
  }
  if (FACT_WORDS.test(text)) return true;
  return task.module === 'template' && templateMayNeedFacts(task, playDir);
}

/** A template file reads facts when its text names one or pulls in other files; one that cannot be found is assumed to. */
function templateMayNeedFacts(task: Task, playDir?: string): boolean {
  const src = task.args.src;
  if (typeof src !== 'string' || src.includes('{{')) return true;
  const dirs = [task.role?.path && join(task.role.path, 'templates'), task.role?.path, task.loc?.file && join(dirname(task.loc.file), 'templates'), task.loc?.file && dirname(task.loc.file), playDir && join(playDir, 'templates'), playDir];
  const path = isAbsolute(src) ? src : dirs.filter((d): d is string => typeof d === 'string').map((d) => join(d, src)).find((p) => existsSync(p));
  if (!path) return true;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return true;
  }
  return FACT_WORDS.test(text) || /hostvars|vars\[|\{%-?\s*(include|import|from)\b/.test(text);
}

const HOSTVARS = /hostvars|vars\[/;

/** The states of the other hosts of the play, when the task reads hostvars. */
function peersOf(env: TaskEnv, state: HostState, task: Task): HostState[] {
  if (!env.delegate || !HOSTVARS.test(JSON.stringify({ a: task.args, w: task.when, l: task.loop, v: task.vars }))) return [];
  const hosts = (env.vars(state, task).ansible_play_hosts as string[] | undefined) ?? [];
  return hosts.filter((h) => h !== state.name).map((h) => env.delegate!(h)).filter((s) => s.active);
}

/** Before a task renders: the facts it may read (its host's, and the play's for hostvars) are read. */
export async function factsBeforeRender(env: TaskEnv, task: Task, state: HostState): Promise<void> {
  // setup gathers them itself, in its own exec.
  if (task.module === 'setup') state.factsPending = undefined;
  if (!mayNeedFacts(task, env.play.dir)) return;
  await Promise.all([state, ...peersOf(env, state, task)].map((s) => (s.factsGathering ? s.factsGathering : gatherPending(s, env.transport(s)))));
}

/** Whether a later task can be rendered now, for its facts to be read ahead: facts it reads are read (waiting for those being read). */
export async function factsReadyAhead(env: TaskEnv, task: Task, state: HostState): Promise<boolean> {
  if (!mayNeedFacts(task, env.play.dir)) return true;
  const all = [state, ...peersOf(env, state, task)];
  await Promise.all(all.map((s) => s.factsGathering ?? Promise.resolve()));
  return all.every((s) => !s.factsPending);
}

/** Gather the pending facts of a host now, alone (a task needs them before its first exec). */
export async function gatherPending(state: HostState, transport: Transport): Promise<void> {
  const request = state.factsPending;
  if (!request) return;
  state.factsGathering ??= (async () => {
    try {
      const r = await transport.exec(FACTS_COMMAND);
      storeFacts(state, request, r);
    } finally {
      state.factsPending = undefined;
      state.factsGathering = undefined;
    }
  })();
  return state.factsGathering;
}

/** A host's transport whose first exec, while the host's facts are pending, carries FACTS_COMMAND before the command. */
export class FactsRider implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly state: HostState,
  ) {}

  get host(): string {
    return this.inner.host;
  }

  get stats(): TransportStats | undefined {
    return this.inner.stats;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const request = this.state.factsPending;
    if (!request || this.state.factsGathering || command === FACTS_COMMAND || opts.timeoutMs !== undefined) return this.inner.exec(command, opts);
    this.state.factsPending = undefined;
    let done!: () => void;
    this.state.factsGathering = new Promise<void>((resolve) => (done = resolve));
    try {
      const nonce = randomBytes(8).toString('hex');
      const r = await this.inner.exec(factsBatchScript([FACTS_COMMAND, command], nonce, opts.stdin !== undefined ? 1 : -1), opts);
      const [facts, own] = splitFactsBatch(r, 2, nonce);
      try {
        if (!facts) throw new Error('cut short');
        storeFacts(this.state, request, facts);
      } catch {
        this.state.factsPending = request; // unreadable: gathered again when a task needs them
      }
      return own ?? (await this.inner.exec(command, opts));
    } catch (e) {
      this.state.factsPending = request;
      throw e;
    } finally {
      this.state.factsGathering = undefined;
      done();
    }
  }

  put(path: string, data: string | Buffer, mode?: number): Promise<void> {
    return this.inner.put(path, data, mode);
  }

  get(path: string): Promise<Buffer | null> {
    return this.inner.get(path);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
