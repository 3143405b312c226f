// Splits the output of FACTS_COMMAND into its sections and the grep of files
// into one text per file.

import { FACTS_MARK } from './command.js';

export interface RawFacts {
  files: Map<string, string>;
  sections: Map<string, string>;
}

export function splitSections(stdout: string): RawFacts {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name !== undefined) sections.set(name, lines.join('\n').replace(/\n+$/, ''));
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(FACTS_MARK)) {
      flush();
      name = line.slice(FACTS_MARK.length).trim();
      lines = [];
    } else if (name !== undefined) lines.push(line);
  }
  flush();
  if (!sections.has('end')) throw new Error('the facts output is cut short (no end marker)');
  const files = new Map<string, string[]>();
  for (const line of (sections.get('files') ?? '').split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const path = line.slice(0, at);
    if (!path.startsWith('/')) continue;
    const list = files.get(path) ?? [];
    list.push(line.slice(at + 1));
    files.set(path, list);
  }
  return { sections, files: new Map([...files].map(([p, l]) => [p, l.join('\n')])) };
}

/** KEY=value lines (os-release), quotes removed. */
export function keyValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    out[m[1]] = v;
  }
  return out;
}
