// Ansible's `module: k=v k2="a b" k3={{ x | default('y z') }}` short form:
// split on whitespace except inside quotes and Jinja delimiters, then each
// `key=value` token is a parameter (quotes around a whole value removed) and
// the other tokens are the free-form text.

/** Whitespace-separated tokens; quotes and `{{ }}`/`{% %}`/`{# #}` keep their spaces. Undefined if unbalanced. */
export function splitArgs(text: string): string[] | undefined {
  const tokens: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let jinja = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const two = text.slice(i, i + 2);
    if (quote) {
      cur += c;
      if (c === '\\' && i + 1 < text.length) cur += text[++i];
      else if (c === quote) quote = undefined;
      continue;
    }
    if (two === '{{' || two === '{%' || two === '{#') {
      jinja++;
      cur += two;
      i++;
      continue;
    }
    if (jinja > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      jinja--;
      cur += two;
      i++;
      continue;
    }
    if (jinja === 0 && (c === '"' || c === "'")) {
      quote = c;
      cur += c;
      continue;
    }
    if (jinja === 0 && /\s/.test(c)) {
      if (cur) tokens.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (quote || jinja > 0) return undefined;
  if (cur) tokens.push(cur);
  return tokens;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
    const inner = v.slice(1, -1);
    return v[0] === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
  }
  return v;
}

export interface KeyValues {
  params: Record<string, string>;
  /** The tokens that are not key=value, joined by one space; undefined when there are none. */
  freeForm?: string;
}

/** Parameters and free-form text of a short-form argument string; undefined when quotes or braces do not close. */
export function parseKeyValueArgs(text: string): KeyValues | undefined {
  const tokens = splitArgs(text.trim());
  if (!tokens) return undefined;
  const params: Record<string, string> = {};
  const free: string[] = [];
  for (const t of tokens) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(t);
    if (m) params[m[1]] = unquote(m[2]);
    else free.push(t);
  }
  return { params, freeForm: free.length ? free.join(' ') : undefined };
}
