// The one place the `yaml` library is used. Documents are parsed as YAML 1.1
// (Ansible's dialect: yes/no are booleans, `<<` merges) and every node's
// position is kept, so errors can name file:line:col for any field path.

import { parseDocument, LineCounter, isMap, isSeq, isScalar, isPair, stringify, type Node, type ScalarTag, type Tags } from 'yaml';
import { ConfigError, type ConfigProblem, type Location } from './errors.js';

export interface PositionedYaml {
  value: unknown;
  file: string;
  /** Location of the node at a path like `[0].tasks[3].sysctl.value`; falls back to the nearest parent. */
  locate(path: string): Location;
}

/** Parse YAML keeping positions. Syntax errors (all of them) become a ConfigError naming file:line:col. */
export function parseYamlPositioned(text: string, file: string): PositionedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.1', merge: true, prettyErrors: false, uniqueKeys: true, customTags: ansibleTags });
  if (doc.errors.length) {
    const problems: ConfigProblem[] = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { message: `YAML: ${e.message.split('\n')[0]}`, loc: { file, line: pos.line, col: pos.col } };
    });
    throw new ConfigError(problems);
  }
  const positions = new Map<string, Location>();
  const at = (node: Node | null | undefined): Location => {
    const offset = node?.range?.[0] ?? 0;
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const walk = (node: unknown, path: string) => {
    if (isMap(node)) {
      positions.set(path, at(node as Node));
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const child = joinPath(path, key);
        positions.set(child, at((pair.value as Node) ?? (pair.key as Node)));
        positions.set(`${child}#key`, at(pair.key as Node));
        walk(pair.value, child);
      }
    } else if (isSeq(node)) {
      positions.set(path, at(node as Node));
      node.items.forEach((item, i) => {
        const child = `${path}[${i}]`;
        positions.set(child, at(item as Node));
        walk(item, child);
      });
    } else if (node) {
      positions.set(path, at(node as Node));
    }
  };
  walk(doc.contents, '');
  const value = doc.toJS({ maxAliasCount: 1000 });
  return {
    value,
    file,
    locate(path: string): Location {
      let p = path;
      for (;;) {
        const hit = positions.get(p);
        if (hit) return hit;
        if (!p) return { file, line: 1, col: 1 };
        p = parentPath(p);
      }
    },
  };
}

// PyYAML (Ansible's parser) reads yes/no/on/off/true/false as booleans but not
// y/n, which YAML 1.1 proper also lists: `n: 1` must stay a key named "n".
const boolTag = (value: boolean, test: RegExp): ScalarTag => ({
  identify: (v) => v === value,
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test,
  resolve: () => value,
});
const ansibleTags = (tags: Tags): Tags => [
  boolTag(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/),
  boolTag(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/),
  ...tags.filter((t) => (t as ScalarTag).tag !== 'tag:yaml.org,2002:bool'),
];

/** Plain parse (no positions), same dialect. */
export function parseYaml(text: string, file: string): unknown {
  return parseYamlPositioned(text, file).value;
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function parentPath(p: string): string {
  if (p.endsWith('#key')) return p.slice(0, -4);
  if (p.endsWith(']')) {
    // strip [n] or ["key"]
    let depth = 0;
    for (let i = p.length - 1; i >= 0; i--) {
      if (p[i] === ']') depth++;
      else if (p[i] === '[' && --depth === 0) return p.slice(0, i);
    }
    return '';
  }
  const dot = p.lastIndexOf('.');
  return dot < 0 ? '' : p.slice(0, dot);
}
