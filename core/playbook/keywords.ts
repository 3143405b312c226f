// The keywords rb understands, Ansible's names.

/** The lookups `with_<name>` loops over. */
export const WITH_LOOKUPS = ['items', 'list', 'dict', 'together', 'nested', 'cartesian', 'subelements', 'fileglob', 'indexed_items', 'flattened', 'sequence', 'first_found'];

export const PLAY_KEYS = new Set([
  'name', 'hosts', 'vars', 'vars_files', 'tasks', 'pre_tasks', 'post_tasks', 'handlers', 'serial',
  'any_errors_fatal', 'max_fail_percentage', 'become', 'become_user', 'remote_user', 'gather_facts',
  'check_mode', 'tags', 'rollout', 'force_handlers', 'roles', 'user', 'gather_subset', 'environment',
  'connection', 'strategy', 'throttle', 'module_defaults', 'collections', 'vars_prompt', 'order', 'ignore_unreachable',
]);

export const TASK_KEYS = new Set([
  'name', 'when', 'loop', 'with_items', 'with_list', 'loop_control', 'register', 'notify', 'tags',
  'check_mode', 'ignore_errors', 'changed_when', 'failed_when', 'become', 'become_user', 'args', 'vars',
  'no_log', 'listen', 'timeout', 'delegate_to', 'delegate_facts', 'run_once', 'until', 'retries', 'delay',
  'local_action', 'action', 'environment', 'throttle', 'module_defaults', 'collections', 'async', 'poll', 'become_method', 'diff',
  'ignore_unreachable', 'any_errors_fatal', ...WITH_LOOKUPS.map((l) => `with_${l}`),
]);

/** Keywords that include other task files (also as ansible.builtin.*). */
export const INCLUDE_KEYS = new Set(['import_tasks', 'include_tasks', 'include']);

/** Keywords that run a role from a task. */
export const ROLE_INCLUDE_KEYS = new Set(['import_role', 'include_role']);

/** Keywords a block passes on to the tasks of its sections (as do roles and imports). */
export const INHERITED_KEYS = [
  'become', 'become_user', 'ignore_errors', 'check_mode', 'no_log', 'delegate_to', 'run_once', 'throttle', 'ignore_unreachable', 'any_errors_fatal',
];

/** A block's own keys. */
export const BLOCK_KEYS = new Set(['block', 'rescue', 'always', 'name', 'when', 'tags', 'vars', 'environment', 'module_defaults', ...INHERITED_KEYS]);

export const BUILTIN_PREFIXES = ['ansible.builtin.', 'ansible.legacy.', 'rb.'];

export function stripPrefix(name: string): string {
  for (const p of BUILTIN_PREFIXES) if (name.startsWith(p)) return name.slice(p.length);
  return name;
}
