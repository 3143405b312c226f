// What a task needs before it can touch a host, shared by the task runner and
// the facts prefetch: its rendered, validated params and its HostContext.

import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { HostContext, ModuleDef } from '../module.js';
import type { Task } from '../playbook/types.js';
import { resolveEnvironment } from '../playbook/environment.js';
import { validateTaskArgs } from '../playbook/validate.js';
import { registerSecretParams } from '../secrets.js';
import { renderValue } from '../template/index.js';
import type { Transport } from '../transport/types.js';
import { joinPath } from '../yaml.js';
import { hostContext } from './context.js';
import type { HostState } from './host-state.js';
import type { TaskEnv } from './task-runner.js';

/** Whether the task runs as a check (the run's --check, or check_mode on the play or task). */
export function isCheck(env: TaskEnv, task: Task): boolean {
  return task.checkMode ?? env.play.checkMode ?? env.options.check;
}

export function becomeOf(env: TaskEnv, task: Task): boolean | undefined {
  return task.become ?? env.play.become ?? env.options.become;
}

/** Whom the task's commands run as under become: the task's (or its block's, role's) become_user, else the play's. */
export function becomeUserOf(env: TaskEnv, task: Task): string | undefined {
  return task.becomeUser ?? env.play.becomeUser;
}

/** The play's and the task's `environment`, rendered and merged for this host. */
export function environmentOf(env: TaskEnv, task: Task, vars: Record<string, unknown>): Record<string, string> {
  const layers = [...(env.play.environment ?? []), ...(task.environment ?? [])];
  return layers.length ? resolveEnvironment(layers, vars, task.locate('environment'), joinPath(task.path, 'environment')) : {};
}

export function renderParams(task: Task, def: ModuleDef, vars: Record<string, unknown>): Record<string, unknown> {
  const rendered = renderValue(task.args, vars);
  const { value, problems } = validateTaskArgs(task, def, rendered, false);
  if (problems.length) throw new ConfigError(problems.map((p) => ({ ...p, message: `${p.message} (after rendering)` })));
  registerSecretParams(def.params, value);
  return value;
}

export function taskContext(env: TaskEnv, task: Task, state: HostState, vars: Record<string, unknown>, check: boolean, transport: Transport = env.transport(state)): HostContext {
  return hostContext({
    transport,
    vars,
    check,
    become: becomeOf(env, task),
    becomeUser: becomeUserOf(env, task),
    environment: environmentOf(env, task, vars),
    playbookDir: env.play.dir,
    taskDir: dirname(task.file),
    rolePath: task.role?.path,
    log: (m) => env.log(state.name, m),
  });
}
