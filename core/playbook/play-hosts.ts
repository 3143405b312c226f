// A play's `hosts:`: one pattern or a list of them, each checked where it is
// written. Blank, empty and malformed patterns are errors (never `all`);
// templated ones are checked once rendered, before any host is selected.

import { patternProblems } from '../inventory/pattern-check.js';
import { joinPath, type PositionedYaml } from '../yaml.js';
import { hasTemplate } from './keyword-types.js';
import type { Problems } from './problems.js';

export function playPatterns(raw: unknown, doc: PositionedYaml, path: string, problems: Problems): string[] {
  const at = joinPath(path, 'hosts');
  const display = `plays${at}`;
  if (raw === undefined || raw === null) {
    problems.add('required: hosts (a host pattern, or a list of them)', doc.locate(path), display);
    return [];
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.length) problems.add('an empty list selects no host (write "all" for every host)', doc.locate(at), display);
  const out: string[] = [];
  list.forEach((p, i) => {
    const where = Array.isArray(raw) ? `${at}[${i}]` : at;
    const shown = Array.isArray(raw) ? `${display}[${i}]` : display;
    if (typeof p !== 'string' && typeof p !== 'number') {
      problems.add(`expected a host pattern (a string), got ${p === null ? 'nothing' : Array.isArray(p) ? 'a list' : typeof p === 'object' ? 'a mapping' : typeof p}`, doc.locate(where), shown);
      return;
    }
    const s = String(p);
    if (!hasTemplate(s)) for (const m of patternProblems(s)) problems.add(`host pattern ${JSON.stringify(s)}: ${m}`, doc.locate(where), shown);
    out.push(s);
  });
  return out;
}
