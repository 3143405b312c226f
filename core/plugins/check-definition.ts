// What a module definition must hold, checked when a site module is loaded
// (built-ins are typed; a site module may be plain JavaScript).

const PARAM_TYPES = new Set(['string', 'int', 'number', 'bool', 'list', 'map', 'object', 'oneOf', 'any']);

export function moduleDefProblems(def: unknown, name: string): string[] {
  if (!def || typeof def !== 'object') return ['the file must export the definition as default (export default defineModule({...}))'];
  const d = def as Record<string, unknown>;
  const out: string[] = [];
  if (d.name !== name) out.push(`its definition is named ${JSON.stringify(d.name)}; the file name says "${name}"`);
  if (typeof d.summary !== 'string' || !d.summary.trim()) out.push('summary: a one-line description is required');
  if (!d.params || typeof d.params !== 'object') out.push('params: a schema object is required ({} for none)');
  else {
    for (const [k, spec] of Object.entries(d.params as Record<string, unknown>)) {
      const t = (spec as { type?: unknown } | null)?.type;
      if (typeof t !== 'string' || !PARAM_TYPES.has(t)) out.push(`params.${k}.type: expected one of ${[...PARAM_TYPES].join(', ')}`);
    }
  }
  const s = d.supports as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') out.push('supports: { check, diff, rollback } is required');
  else {
    for (const k of ['check', 'diff', 'rollback']) if (typeof s[k] !== 'boolean') out.push(`supports.${k}: expected true or false`);
    if (s.idempotent !== undefined && typeof s.idempotent !== 'boolean') out.push('supports.idempotent: expected true or false');
  }
  const fn = (k: string) => typeof d[k] === 'function';
  if (!fn('action') && !(fn('facts') && fn('plan') && fn('apply'))) out.push('define either action, or facts + plan + apply');
  if (s && s.rollback === true && !fn('rollback')) out.push('supports.rollback is true but there is no rollback()');
  if (d.rules !== undefined && !fn('rules')) out.push('rules: expected a function');
  return out;
}
