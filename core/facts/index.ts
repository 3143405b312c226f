// System facts (Ansible's `setup`): the command that reads them, its parser and
// the gather_subset/filter selection.

export { FACTS_COMMAND } from './command.js';
export { parseFacts } from './parse.js';
export { collectors, selectFacts } from './subset.js';

/** `ansible_facts` as variables: `ansible_facts` itself and each fact as `ansible_<name>`. */
export function factVars(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) out[`ansible_${k}`] = v;
  return out;
}
