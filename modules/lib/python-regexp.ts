// Python regular expressions (what Ansible's modules take) read by JavaScript:
// the spellings that differ between the two engines are translated; the rest
// of the common syntax means the same in both.

/** A Python regexp as JavaScript reads it: named groups spelled (?P<name>...), an inline (?m) flag. */
export function pythonRegExp(source: string): { re: RegExp; multiline: boolean } {
  let src = source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  let flags = '';
  if (inline) {
    src = src.slice(inline[0].length);
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('m')) flags += 'm';
    if (inline[1].includes('s')) flags += 's';
  }
  return { re: new RegExp(src, flags), multiline: flags.includes('m') };
}

export type TemplatePart = string | { group: number | string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** A Python replacement template as literal parts and group references; throws on what Python refuses. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let lit = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '\\') {
      lit += ch;
      continue;
    }
    const next = template[i + 1];
    if (next === undefined) throw new Error('a replacement cannot end with a single backslash');
    let ref: number | string | undefined;
    const g = /^g<([^>]*)>/.exec(template.slice(i + 1));
    const digits = /^\d{1,2}/.exec(template.slice(i + 1));
    if (g) {
      ref = /^\d+$/.test(g[1]) ? Number(g[1]) : g[1];
      if (ref === '' ) throw new Error('missing group name in \\g<>');
      i += g[0].length;
    } else if (digits && next !== '0') {
      ref = Number(digits[0]);
      i += digits[0].length;
    } else if (next in ESCAPES) {
      lit += ESCAPES[next];
      i++;
      continue;
    } else if (/[A-Za-z]/.test(next)) {
      throw new Error(`bad escape \\${next} in the replacement`);
    } else {
      lit += `\\${next}`;
      i++;
      continue;
    }
    if (lit) parts.push(lit);
    lit = '';
    parts.push({ group: ref });
  }
  if (lit) parts.push(lit);
  return parts;
}

export function expandTemplate(parts: TemplatePart[], m: RegExpMatchArray): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const v = typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group];
      if (typeof p.group === 'number' ? p.group >= m.length : !(m.groups && p.group in m.groups)) throw new Error(`invalid group reference ${p.group}`);
      return v ?? '';
    })
    .join('');
}
