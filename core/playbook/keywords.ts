// The keywords rb understands, Ansible's names.

export const PLAY_KEYS = new Set([
  'name', 'hosts', 'vars', 'vars_files', 'tasks', 'pre_tasks', 'post_tasks', 'handlers', 'serial',
  'any_errors_fatal', 'max_fail_percentage', 'become', 'become_user', 'remote_user', 'gather_facts',
  'check_mode', 'tags', 'rollout', 'force_handlers',
]);

export const TASK_KEYS = new Set([
  'name', 'when', 'loop', 'with_items', 'with_list', 'loop_control', 'register', 'notify', 'tags',
  'check_mode', 'ignore_errors', 'changed_when', 'failed_when', 'become', 'become_user', 'args', 'vars',
  'no_log', 'listen', 'timeout',
]);

/** Keywords that include other task files. */
export const INCLUDE_KEYS = new Set(['import_tasks', 'include_tasks']);

export const BUILTIN_PREFIXES = ['ansible.builtin.', 'ansible.legacy.', 'rb.'];

export function stripPrefix(name: string): string {
  for (const p of BUILTIN_PREFIXES) if (name.startsWith(p)) return name.slice(p.length);
  return name;
}
