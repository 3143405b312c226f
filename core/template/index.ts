// Templating for playbooks and template files, with Ansible's semantics:
// strict about undefined variables, native values for a lone `{{ expr }}`,
// Jinja/Ansible filters and tests, `when:` conditions. The engine imports this.

import { TemplateError } from '../errors.js';
import { compile, compileStats, run } from './environment.js';
import { ansibleBool } from './filters/core.js';
import { OMIT } from './globals.js';
import { hooks, markUnsafe } from './lazy.js';
import { isDict, pyStr, pyTruthy, unbox } from './python.js';
import { detach } from './undefined.js';
import { lookupHooks } from './lookups.js';
import { defaultSearchPath, jinjaHeader, withSearchPath, type FileOptions } from './file-template.js';

export { defaultSearchPath, templateFileVars, type FileOptions } from './file-template.js';

export { OMIT, markUnsafe };

/** Compilations so far; a render served from the cache does not count. */
export function templateCompiles(): number {
  return compileStats.compiles;
}

/** Does `s` need rendering? (contains `{{` or `{%`) */
export function isTemplate(s: unknown): boolean {
  return typeof s === 'string' && (s.includes('{{') || s.includes('{%'));
}

/**
 * Render a playbook value. A string that is exactly one `{{ expr }}` gives the
 * expression's value (number, list, dict, bool, None); anything else a string.
 */
export function renderString(text: string, vars: Record<string, unknown>): unknown {
  if (!isTemplate(text)) return text;
  const c = compile(text, 'value', {});
  const v = unbox(run(c, vars, {}));
  if (!c.native) return v;
  return v === undefined ? null : detach(v);
}

/**
 * Render every string inside `value` (lists, dicts, and dict keys that are
 * templates). Strings without `{{`/`{%` are returned untouched without calling
 * nunjucks. Entries that render to `omit` are dropped, as Ansible does.
 */
export function renderValue<T = unknown>(value: T, vars: Record<string, unknown>): T {
  return walk(value, vars) as T;
}

hooks.render = renderValue;
lookupHooks.renderFile = (text, vars, name) => renderText(text, vars, name);

function walk(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') return isTemplate(value) ? renderString(value, vars) : value;
  if (Array.isArray(value)) return value.map((x) => walk(x, vars)).filter((x) => x !== OMIT);
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = walk(v, vars);
      if (r !== OMIT) out[isTemplate(k) ? pyStr(renderString(k, vars)) : k] = r;
    }
    return out;
  }
  return value;
}

/**
 * Render a template file (the `template` module): full Jinja syntax, a `#jinja2:` header,
 * `{% include %}`/`{% import %}` from `opts.searchPath` (default: the file's folder, then
 * role_path and playbook_dir with their `templates/`); `name` appears in errors.
 */
export function renderText(text: string, vars: Record<string, unknown>, name = 'template', opts: FileOptions = {}): string {
  const where = { name, always: true };
  const h = jinjaHeader(text, name);
  const out = withSearchPath(opts.searchPath ?? defaultSearchPath(name, vars), () => pyStr(run(compile(h.text, 'text', where, Object.keys(h.opts).length ? h.opts : undefined), vars, where)));
  if (!h.keepTrailingNewline) return out.replace(/\n$/, '');
  // As Ansible: the output ends with at least as many newlines as the template.
  const trailing = (s: string) => s.length - s.replace(/\n+$/, '').length;
  return out + '\n'.repeat(Math.max(0, trailing(h.text) - trailing(out)));
}

/**
 * Evaluate `when:` / `changed_when:` / `failed_when:`: a bare Jinja expression,
 * a boolean, or a list of them (all must hold). `{{ }}` around it is tolerated,
 * as in Ansible: the rendered text is then evaluated as the condition.
 */
export function evalCondition(expr: string | boolean | Array<string | boolean>, vars: Record<string, unknown>): boolean {
  if (typeof expr === 'boolean') return expr;
  if (Array.isArray(expr)) return expr.every((e) => evalCondition(e, vars));
  if (typeof expr !== 'string') throw new TemplateError(`a condition must be an expression, a boolean or a list of them, got ${JSON.stringify(expr)}`);
  const s = expr.trim();
  if (s === '') return true;
  if (isTemplate(s)) {
    const v = renderString(s, vars);
    if (typeof v !== 'string') return pyTruthy(v);
    if (/^(true|false|yes|no|on|off|1|0)$/i.test(v.trim())) return ansibleBool(v) === true;
    if (isTemplate(v)) throw new TemplateError(`condition ${JSON.stringify(s)} rendered to another template: ${JSON.stringify(v)}`);
    return evalCondition(v, vars);
  }
  const c = compile(`{{ ${s} }}`, 'expr', { offset: 3 });
  const v = run(c, vars, {});
  return pyTruthy(v);
}
