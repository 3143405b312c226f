// The one place the `yaml` library is used. Documents are parsed as YAML 1.1
// (Ansible's dialect: yes/no are booleans, `<<` merges) and every node's
// position is kept, so errors can name file:line:col for any field path.

import { parseDocument, LineCounter, isMap, isSeq, isScalar, isPair, stringify, type Node, type ScalarTag, type Tags } from 'yaml';
import { ConfigError, RbError, type ConfigProblem, type Location } from './errors.js';
import { decryptVault } from './vault/passwords.js';
import { compile } from './template/environment.js';

/** A template string that reaches interpreter internals is refused where it is written, whether or not it is used. */
function templateRefusal(node: unknown): string | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || node.tag === '!unsafe') return undefined;
  const s = node.value;
  if (!s.includes('{{') && !s.includes('{%')) return undefined;
  try {
    compile(s, 'value', {});
  } catch (e) {
    const m = e instanceof Error ? e.message : '';
    if (m.includes('refused:')) return m;
  }
  return undefined;
}

/** Bounds that keep hostile documents (alias bombs, deep nesting) from exhausting the controller. */
const MAX_ALIASES = 1000;
const MAX_DEPTH = 500;

export interface PositionedYaml {
  value: unknown;
  file: string;
  /** Location of the node at a path like `[0].tasks[3].sysctl.value`; falls back to the nearest parent. */
  locate(path: string): Location;
}

/** Parse YAML keeping positions. Syntax errors (all of them) become a ConfigError naming file:line:col. */
export function parseYamlPositioned(text: string, file: string): PositionedYaml {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const deep = tooDeep(text);
  if (deep) throw new ConfigError([{ message: `YAML: nesting deeper than ${MAX_DEPTH} levels`, loc: { file, ...deep } }]);
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
  const refused: ConfigProblem[] = [];
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
        const bad = templateRefusal(pair.key);
        if (bad) refused.push({ message: bad, loc: at(pair.key as Node), path: child });
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
      const bad = templateRefusal(node);
      if (bad) refused.push({ message: bad, loc: at(node as Node), path: path || undefined });
    }
  };
  walk(doc.contents, '');
  if (refused.length) throw new ConfigError(refused);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/excessive alias count/i.test(msg)) throw new ConfigError([{ message: `YAML: too many alias expansions (more than ${MAX_ALIASES}: an alias bomb?)`, loc: { file, line: 1, col: 1 } }]);
    const alias = /Unresolved alias[^:]*: (\S+)/.exec(msg);
    const offset = alias ? text.indexOf(`*${alias[1]}`) : /merge/i.test(msg) ? text.indexOf('<<') : -1;
    const p = lineCounter.linePos(Math.max(0, offset));
    throw new ConfigError([{ message: `YAML: ${alias ? `unresolved alias *${alias[1]} (no anchor &${alias[1]} before it)` : /merge/i.test(msg) ? 'a merge key (<<) must name a mapping or a list of mappings' : msg.split('\n')[0]}`, loc: { file, line: offset >= 0 ? p.line : 1, col: offset >= 0 ? p.col : 1 } }]);
  }
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
// `!vault |` values: decrypted with the run's vault passwords, or a located error.
const vaultTag: ScalarTag = {
  tag: '!vault',
  identify: () => false,
  resolve(str: string, onError: (msg: string) => void) {
    try {
      return decryptVault(str);
    } catch (e) {
      if (!(e instanceof RbError)) throw e;
      onError(`this value ${e.message}`);
      return '';
    }
  },
};
// Ansible's spellings of plain strings.
const unsafeTag: ScalarTag = { tag: '!unsafe', identify: () => false, resolve: (str: string) => str };

/** Line/col of the first point where flow or block nesting gets deeper than MAX_DEPTH (a cheap scan before parsing). */
function tooDeep(text: string): { line: number; col: number } | undefined {
  if (text.length < MAX_DEPTH) return undefined;
  let depth = 0;
  let line = 1;
  let start = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      start = i + 1;
      // Block nesting: indentation in steps of at least one column.
      let j = i + 1;
      while (text[j] === ' ' || text[j] === '-') j++;
      if (j - i - 1 > MAX_DEPTH * 2) return { line, col: 1 };
      continue;
    }
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || (c === "'" && /[\s\[{,:]/.test(text[i - 1] ?? ' '))) quote = c;
    else if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return { line, col: i - start + 1 };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

const ansibleTags = (tags: Tags): Tags => [
  vaultTag,
  unsafeTag,
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
