// Inventory sources (`-i`, repeatable), read in order into one model:
//  - a directory: every entry in name order, recursively, skipping what
//    Ansible skips (dot-files, group_vars/, host_vars/, *.retry, *.ini, *~ …);
//  - a `.yml`/`.yaml`/`.json` file: YAML inventory;
//  - a file without extension: YAML if it reads as a YAML mapping, else INI;
//  - any other file: INI;
//  - a string with commas that is not a path: a host list (`-i web1,web2,`).

import { readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { parseYamlPositioned, type PositionedYaml } from '../yaml.js';
import { parseAddress } from './host-range.js';
import { parseIni } from './ini.js';
import type { InventoryModel } from './model.js';
import { readInputFile } from '../input-file.js';
import { isMapping, parseYamlInventory } from './yaml-inventory.js';

const IGNORED = new RegExp(
  [
    String.raw`^\.`,
    '^host_vars$',
    '^group_vars$',
    '^vars_plugins$',
    ...['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'].map(
      (ext) => `${ext.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
    ),
  ].join('|'),
);

const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** Whether a directory entry is skipped when a directory is the inventory. */
export function ignoredInDirectory(name: string): boolean {
  return IGNORED.test(name);
}

export function isHostList(source: string): boolean {
  return source.includes(',') && !statSync(source, { throwIfNoEntry: false });
}

/** The directory whose group_vars/ and host_vars/ belong to a source, or undefined for a host list. */
export function varsDirOf(source: string): string | undefined {
  if (isHostList(source)) return undefined;
  return statSync(source, { throwIfNoEntry: false })?.isDirectory() ? source : dirname(source);
}

export function readSource(source: string, model: InventoryModel, problems: ConfigProblem[]): void {
  const st = statSync(source, { throwIfNoEntry: false });
  if (!st) {
    if (source.includes(',')) return readHostList(source, model, problems);
    problems.push({ message: `inventory source not found: ${source}` });
    return;
  }
  if (st.isDirectory()) {
    for (const entry of readdirSync(source).sort()) {
      if (!ignoredInDirectory(entry)) readSource(join(source, entry), model, problems);
    }
    return;
  }
  let text: string;
  try {
    text = readInputFile(source, 'inventory');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
    return;
  }
  const ext = extname(source).toLowerCase();
  if (ext === '.toml') {
    problems.push({ message: 'TOML inventories are not supported: use YAML or INI', loc: { file: source, line: 1, col: 1 } });
    return;
  }
  if (YAML_EXTENSIONS.includes(ext)) {
    const doc = parseYaml(text, source, problems);
    if (doc) parseYamlInventory(doc, model, problems);
    return;
  }
  if (!ext) {
    const doc = tryYamlMapping(text, source);
    if (doc) return parseYamlInventory(doc, model, problems);
  }
  parseIni(text, source, model, problems);
}

function parseYaml(text: string, file: string, problems: ConfigProblem[]): PositionedYaml | undefined {
  try {
    return parseYamlPositioned(text, file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
    return undefined;
  }
}

/** An extension-less file is YAML only if it parses as a mapping (an INI file never does). */
function tryYamlMapping(text: string, file: string): PositionedYaml | undefined {
  try {
    const doc = parseYamlPositioned(text, file);
    return isMapping(doc.value) ? doc : undefined;
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}

/** `-i web1,web2:2222,` — hosts in `ungrouped`, as Ansible's host_list plugin adds them. */
function readHostList(source: string, model: InventoryModel, problems: ConfigProblem[]): void {
  for (const item of source.split(',')) {
    const entry = item.trim();
    if (!entry) continue;
    const addr = parseAddress(entry);
    if (addr?.host.includes('[')) {
      problems.push({ message: `host list entry "${entry}": ranges are not expanded in a comma-separated host list` });
      continue;
    }
    const name = addr?.host ?? entry;
    if (!model.hosts.has(name)) model.addHost(name, 'ungrouped', addr?.port);
  }
}
