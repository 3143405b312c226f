// Mutants of the repository's own playbooks and inventories for the fuzzer:
// a value replaced by a hostile one, a key dropped or misspelt, a list item
// dropped or doubled, a file truncated or given a stray character. Some
// mutations are invalid by construction (a keyword that is no boolean, a
// malformed host pattern...): those must be refused.

import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument, isMap, isSeq, isScalar, isPair, type Node } from 'yaml';
import { repoRoot } from './rb.js';

export interface Seed {
  name: string;
  playbook: string;
  /** Files of the inventory directory, relative to it. */
  inventory: Record<string, string>;
  /** Controller files next to the playbook (files/, templates/, the other playbooks). */
  extra: Record<string, string>;
}

function filesUnder(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) filesUnder(p, base, out);
    else out[relative(base, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

export function seeds(): Seed[] {
  const root = repoRoot();
  const extra: Record<string, string> = {};
  for (const d of ['files', 'templates']) for (const [k, v] of Object.entries(filesUnder(join(root, 'playbooks', d)))) extra[join(d, k)] = v;
  // The playbooks themselves, for those that import others (web-cluster.yml) by a relative path.
  for (const f of readdirSync(join(root, 'playbooks')).filter((f) => f.endsWith('.yml'))) extra[f] = readFileSync(join(root, 'playbooks', f), 'utf8');
  return readdirSync(join(root, 'playbooks'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.slice(0, -4))
    .filter((n) => statSync(join(root, 'inventory/lab', n), { throwIfNoEntry: false })?.isDirectory())
    .map((name) => ({
      name,
      playbook: readFileSync(join(root, 'playbooks', `${name}.yml`), 'utf8'),
      inventory: Object.fromEntries(Object.entries(filesUnder(join(root, 'inventory/lab', name))).filter(([k]) => /\.ya?ml$/.test(k))),
      extra,
    }));
}

/** Values a hostile user would try in any field. */
export const HOSTILE_VALUES: unknown[] = [
  '', ' ', '[', ']', '~', '{{', '{{ x', '{{ nosuch_var }}', '{% if %}', -1, 0, 300, 65536, 1.5, 'maybe', null, [], {}, { a: 1 }, [[]],
  '999.1.1.1', '1.2.3', '::g', 'eth 0', '-eth0', 'a\nb', 'x'.repeat(5000), 'yes', 'no', true, false, '0%', '150%', '$HOME', 'include /etc/passwd',
  'a\\', '"', "'", '\u2028', '{{ range.constructor("return 1")() }}', '@x', '!', '&', '*', '/etc/passwd', '../../x',
];

type Path = Array<string | number>;

/** Every path to a node in a document (maps, lists and scalars). */
function paths(node: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const p = [...at, String(pair.key.value)];
      out.push(p);
      paths(pair.value, p, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      out.push([...at, i]);
      paths(item, [...at, i], out);
    });
  }
  return out;
}

export type Mutation =
  | { kind: 'replace'; pick: number; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'rename'; pick: number }
  | { kind: 'double'; pick: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; char: string };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: fc.constantFrom(...HOSTILE_VALUES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('double' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(':', '{', '[', '"', "'", '\t', '&', '*', '!', '%', '|', '-', '\0', '#') }) },
);

/** Apply one mutation to YAML text. */
export function mutate(text: string, m: Mutation): string {
  if (m.kind === 'truncate') return text.slice(0, m.at % (text.length + 1));
  if (m.kind === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.char + text.slice(at);
  }
  const doc = parseDocument(text, { version: '1.1', merge: true });
  // Text already broken by an earlier mutation stays as it is.
  if (doc.errors.length) return text;
  const all = paths(doc.contents);
  if (!all.length) return text;
  const path = all[m.pick % all.length];
  const parent = path.slice(0, -1);
  const last = path[path.length - 1];
  switch (m.kind) {
    case 'replace':
      doc.setIn(path, doc.createNode(m.value));
      break;
    case 'delete':
      doc.deleteIn(path);
      break;
    case 'rename': {
      if (typeof last !== 'string') return text;
      const value = doc.getIn(path, true) as Node;
      doc.deleteIn(path);
      doc.setIn([...parent, `${last}x`], value ?? null);
      break;
    }
    case 'double': {
      const seq = doc.getIn(parent, true);
      if (!isSeq(seq) || typeof last !== 'number') return text;
      seq.items.splice(last, 0, doc.createNode(doc.getIn(path)));
      break;
    }
  }
  try {
    return doc.toString();
  } catch {
    // An earlier mutation made an alias whose anchor this one removed: the document cannot be
    // written back, so the text stays as the earlier mutation left it.
    return text;
  }
}

/** Mutations that leave a playbook invalid whatever else it holds. */
export type Breakage = { play: number; task: number; kind: number; value: number };

export const breakageArb: fc.Arbitrary<Breakage> = fc.record({ play: fc.nat(), task: fc.nat(), kind: fc.nat({ max: 7 }), value: fc.nat() });

const NOT_BOOL = ['maybe', 'yess', '2', '', [], { a: 1 }, 'truee', '-1'];
const BAD_PATTERNS = ['', ' ', '[', ']', '~', '~[', 'lvs:', '!', 'nomatch_group_*'];

/** Break the playbook on purpose; returns the text and what the refusal must name. */
export function breakPlaybook(text: string, b: Breakage): { text: string; expect: RegExp } {
  const doc = parseDocument(text, { version: '1.1', merge: true });
  const plays = (doc.toJS() as Array<Record<string, unknown>>) ?? [];
  const p = b.play % plays.length;
  const tasks = (plays[p].tasks as unknown[] | undefined) ?? [];
  const t = tasks.length ? b.task % tasks.length : -1;
  const pick = <T>(list: T[]) => list[b.value % list.length];
  switch (t < 0 ? 0 : b.kind) {
    case 0:
      doc.setIn([p, 'hosts'], pick(BAD_PATTERNS));
      return { text: doc.toString(), expect: /hosts/ };
    case 1:
      doc.setIn([p, 'tasks', t, 'ignore_errors'], doc.createNode(pick(NOT_BOOL)));
      return { text: doc.toString(), expect: /ignore_errors: expected a boolean/ };
    case 2:
      doc.setIn([p, 'tasks', t, 'check_mode'], doc.createNode(pick(NOT_BOOL)));
      return { text: doc.toString(), expect: /check_mode: expected a boolean/ };
    case 3:
      doc.setIn([p, 'serial'], doc.createNode(pick([0, -1, '0%', '150%', 'abc', []])));
      return { text: doc.toString(), expect: /serial: expected/ };
    case 4:
      doc.setIn([p, 'max_fail_percentage'], doc.createNode(pick([-1, 101, 'abc', 1000])));
      return { text: doc.toString(), expect: /max_fail_percentage: expected/ };
    case 5:
      doc.setIn([p, 'tasks', t, 'notify'], 'no handler has this name');
      return { text: doc.toString(), expect: /no handler of that name/ };
    case 6:
      doc.setIn([p, 'tasks', t, 'loop'], pick(['abc', 42]));
      return { text: doc.toString(), expect: /loop must be a list/ };
    default:
      doc.setIn([p, 'tasks', t, 'when'], pick(['1 +', '(a', 'x ==']));
      return { text: doc.toString(), expect: /when: .*syntax/ };
  }
}
