// `vars_prompt`: rb runs unattended and never asks. A prompted variable comes
// from the extra vars (-e NAME=...), as Ansible skips a prompt for a variable
// given there, or else from the prompt's `default`; one with neither is an
// error before any host is touched. `encrypt` would hash the answer and is
// refused (use the password_hash filter on the variable).

import { isPlainObject } from '../schema/validate.js';
import { joinPath, type PositionedYaml } from '../yaml.js';
import type { Problems } from './problems.js';

const KEYS = ['name', 'prompt', 'default', 'private', 'confirm', 'unsafe', 'encrypt', 'salt_size', 'salt'];

/** The variables vars_prompt gives (defaults of prompts the extra vars do not answer); problems where it is written. */
export function promptedVars(spec: unknown, extraVars: Record<string, unknown>, doc: PositionedYaml, path: string, problems: Problems): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (spec === undefined || spec === null) return out;
  const at = joinPath(path, 'vars_prompt');
  if (!Array.isArray(spec)) {
    problems.add('expected a list of prompts (name, prompt, default...)', doc.locate(at), 'vars_prompt');
    return out;
  }
  spec.forEach((p, i) => {
    const where = `${at}[${i}]`;
    if (!isPlainObject(p) || typeof p.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) {
      problems.add('each prompt needs name: a variable name', doc.locate(where), `vars_prompt[${i}]`);
      return;
    }
    for (const k of Object.keys(p)) if (!KEYS.includes(k)) problems.add(`unknown vars_prompt key "${k}" (valid: ${KEYS.join(', ')})`, doc.locate(`${joinPath(where, k)}#key`), `vars_prompt[${i}].${k}`);
    if (p.encrypt !== undefined) {
      problems.add(`encrypt is not supported: give ${p.name} with -e and hash it with the password_hash filter where it is used`, doc.locate(joinPath(where, 'encrypt')), `vars_prompt[${i}].encrypt`);
      return;
    }
    if (Object.hasOwn(extraVars, p.name)) return;
    if (p.default === undefined || p.default === null) {
      problems.add(`${p.name}: rb never prompts; give it with -e ${p.name}=... (or a default: in the prompt)`, doc.locate(where), `vars_prompt[${i}]`);
      return;
    }
    out[p.name] = typeof p.default === 'string' ? p.default : String(p.default);
  });
  return out;
}
