// Module arguments against the module's schema. At load time template values
// are left for later; after rendering (per host) the same function checks the
// real values and converts them to the declared types.

import type { ConfigProblem } from '../errors.js';
import type { ModuleDef } from '../module.js';
import { validateFields } from '../schema/validate.js';
import type { Task } from './types.js';
import { joinPath } from '../yaml.js';
import { stripPrefix } from './keywords.js';

export function validateTaskArgs(task: Task, def: ModuleDef, args: unknown, allowTemplates: boolean): { value: Record<string, unknown>; problems: ConfigProblem[] } {
  const res = validateFields(def.params, args, '', { allowTemplates }, def.rules);
  // The name as written (`apt` for package), builtin prefix removed.
  const shown = task.moduleKey === 'action' || task.moduleKey === 'local_action' ? task.module : stripPrefix(task.moduleKey);
  const problems = res.problems.map((p) => ({
    message: p.message,
    path: p.path ? `${task.path}.${shown}.${p.path}` : `${task.path}.${shown}`,
    loc: task.locate(p.path ? `${joinPath('', task.moduleKey)}.${p.path}${p.message.startsWith('unknown parameter') ? '#key' : ''}` : joinPath('', task.moduleKey)),
  }));
  return { value: res.value, problems };
}
