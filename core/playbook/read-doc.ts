// Reading one YAML file of a playbook, its problems collected, never thrown.

import { ConfigError, type Location } from '../errors.js';
import { readInputFile } from '../input-file.js';
import { parseYamlPositioned, type PositionedYaml } from '../yaml.js';
import type { Problems } from './problems.js';

export async function readDoc(file: string, problems: Problems, from?: Location): Promise<PositionedYaml | undefined> {
  let text: string;
  try {
    text = readInputFile(file, 'playbook');
  } catch (e) {
    if (e instanceof ConfigError && from) problems.add(e.problems.map((p) => p.message).join('; '), from);
    else problems.absorb(e);
    return;
  }
  try {
    return parseYamlPositioned(text, file);
  } catch (e) {
    problems.absorb(e);
  }
}
