// Play, block and task keywords typed as Ansible types them (its FieldAttribute
// `isa`): booleans by Ansible's boolean() in strict mode, integers, percentages,
// `serial` batches, lists, mappings. A literal value is converted at load time;
// a templated one is converted the same way after rendering, and anything that
// is not of the keyword's type is an error naming the keyword.

export type KeywordType = 'bool' | 'int' | 'percent' | 'serial' | 'string' | 'list' | 'names' | 'dict' | 'vars' | 'loop_control' | 'condition' | 'identifier' | 'any';

export const KEYWORD_TYPES: Record<string, KeywordType> = {
  // booleans
  any_errors_fatal: 'bool', become: 'bool', check_mode: 'bool', diff: 'bool', gather_facts: 'bool',
  ignore_errors: 'bool', ignore_unreachable: 'bool', no_log: 'bool', run_once: 'bool', force_handlers: 'bool',
  delegate_facts: 'bool', apply_defaults: 'bool',
  // numbers
  max_fail_percentage: 'percent', serial: 'serial', throttle: 'int', timeout: 'int', retries: 'int', delay: 'int',
  async: 'int', poll: 'int', port: 'int',
  // strings
  name: 'string', become_user: 'string', become_method: 'string', become_flags: 'string', become_exe: 'string',
  remote_user: 'string', user: 'string', connection: 'string', delegate_to: 'string', strategy: 'string', debugger: 'string',
  order: 'string', register: 'identifier',
  // collections
  tags: 'list', gather_subset: 'list', notify: 'names', listen: 'names', vars_files: 'list', collections: 'list', roles: 'any',
  vars: 'vars', loop_control: 'loop_control', module_defaults: 'any', environment: 'any', args: 'dict',
  when: 'condition', changed_when: 'condition', failed_when: 'condition', until: 'condition',
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** loop_control's attributes, as Ansible's LoopControl has them, with their types. */
const LOOP_CONTROL: Record<string, KeywordType | 'number'> = {
  loop_var: 'identifier', index_var: 'identifier', label: 'any', pause: 'number', extended: 'bool', extended_allitems: 'bool', break_when: 'condition',
};

/** String keywords that name something (a user, a host, a method): never blank. */
const NAMED = new Set(['become_user', 'remote_user', 'user', 'become_method', 'connection', 'delegate_to', 'strategy', 'order']);

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** Ansible's boolean(value, strict=True): undefined when the value is none of its spellings. */
export function ansibleBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
}

export function hasTemplate(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{{') || v.includes('{%');
  if (Array.isArray(v)) return v.some(hasTemplate);
  if (v && typeof v === 'object') return Object.values(v).some(hasTemplate);
  return false;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

export type Typed = { ok: true; value: unknown } | { ok: false; message: string };

/** Convert a rendered (or literal) keyword value to its type. */
export function typeKeyword(key: string, v: unknown, type: KeywordType = KEYWORD_TYPES[key] ?? 'any'): Typed {
  const fail = (want: string): Typed => ({ ok: false, message: `expected ${want}, got ${show(v)}` });
  switch (type) {
    case 'bool': {
      const b = ansibleBoolean(v);
      return b === undefined ? fail('a boolean (yes/no, true/false, on/off, 1/0, y/n)') : { ok: true, value: b };
    }
    case 'int': {
      const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) return fail('an integer');
      if (n < 0) return fail('an integer of 0 or more');
      return { ok: true, value: n };
    }
    case 'percent': {
      const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(v) : null;
      const n = m ? Number(m[1]) : v;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) return fail('a percentage from 0 to 100');
      return { ok: true, value: n };
    }
    case 'serial': {
      const list = Array.isArray(v) ? v : [v];
      if (!list.length) return fail('a positive integer or a percentage from 1% to 100% (or a non-empty list of them)');
      const out: Array<number | string> = [];
      for (const item of list) {
        const one = serialItem(item);
        if (one === undefined) return { ok: false, message: `expected a positive integer or a percentage from 1% to 100% (or a list of them), got ${show(item)}` };
        out.push(one);
      }
      return { ok: true, value: out };
    }
    case 'string':
      if (typeof v === 'string' && !v.trim() && NAMED.has(key)) return fail('a name, not a blank');
      if (typeof v === 'string') return { ok: true, value: v };
      if (typeof v === 'number' && key !== 'become_user' && key !== 'remote_user') return { ok: true, value: String(v) };
      return fail('a string');
    case 'identifier':
      if (typeof v === 'string' && IDENT.test(v)) return { ok: true, value: v };
      return fail('a variable name (letters, digits, _; not starting with a digit)');
    case 'list':
      if (typeof v === 'string' || typeof v === 'number') return { ok: true, value: v };
      if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return { ok: true, value: v };
      return fail('a string or a list of strings');
    case 'names':
      if (typeof v === 'string' && v.trim()) return { ok: true, value: v };
      if (Array.isArray(v) && v.every((x) => typeof x === 'string' && x.trim())) return { ok: true, value: v };
      return fail('a name or a list of names, none blank');
    case 'vars': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return fail('a mapping');
      const bad = Object.keys(v).find((k) => !IDENT.test(k));
      if (bad !== undefined) return { ok: false, message: `${JSON.stringify(bad)} is not a valid variable name (letters, digits, _; not starting with a digit)` };
      return { ok: true, value: v };
    }
    case 'loop_control': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return fail('a mapping');
      for (const [k, x] of Object.entries(v)) {
        const t = LOOP_CONTROL[k];
        if (!t) return { ok: false, message: `unknown loop_control attribute "${k}" (valid: ${Object.keys(LOOP_CONTROL).join(', ')})` };
        if (hasTemplate(x)) continue;
        if (t === 'number') {
          if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) return { ok: false, message: `loop_control.${k}: expected a number of seconds (0 or more), got ${show(x)}` };
          continue;
        }
        const r = typeKeyword(k, x, t);
        if (!r.ok) return { ok: false, message: `loop_control.${k}: ${r.message}` };
      }
      return { ok: true, value: v };
    }
    case 'dict':
      if (v && typeof v === 'object' && !Array.isArray(v)) return { ok: true, value: v };
      return fail('a mapping');
    case 'condition':
      if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return { ok: true, value: v };
      if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number')) return { ok: true, value: v };
      return fail('an expression, a boolean or a list of them');
    case 'any':
      return { ok: true, value: v };
  }
}

function serialItem(item: unknown): number | string | undefined {
  if (typeof item === 'number') return Number.isInteger(item) && item > 0 ? item : undefined;
  if (typeof item !== 'string') return undefined;
  const s = item.trim();
  if (/^\d+$/.test(s)) return Number(s) > 0 ? Number(s) : undefined;
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(s);
  if (pct && Number(pct[1]) > 0 && Number(pct[1]) <= 100) return s;
  return undefined;
}

/** Keywords whose value is rendered before use when it holds a template (`{{ false }}`). */
export const RENDERED_TYPES: ReadonlySet<KeywordType> = new Set(['bool', 'int', 'percent', 'serial', 'string']);
