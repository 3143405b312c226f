// Human documentation of a params schema, for `rb modules NAME`.

import type { Fields, ParamSpec } from './types.js';

export function typeLabel(s: ParamSpec): string {
  switch (s.type) {
    case 'string':
      return s.enum ? s.enum.join('|') : s.patternName ?? 'string';
    case 'int':
    case 'number':
      return s.min !== undefined || s.max !== undefined ? `${s.type} ${s.min ?? ''}..${s.max ?? ''}` : s.type;
    case 'list':
      return `list of ${typeLabel(s.items)}`;
    case 'map':
      return `map of ${typeLabel(s.values)}`;
    case 'object':
      return 'mapping';
    case 'oneOf':
      return s.options.map(typeLabel).join(' or ');
    default:
      return s.type;
  }
}

export function describeFields(fields: Fields, indent = '  '): string[] {
  const out: string[] = [];
  for (const [name, spec] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
    const flags = [spec.required ? 'required' : '', spec.secret ? 'secret' : '', spec.default !== undefined ? `default ${JSON.stringify(spec.default)}` : '', spec.aliases?.length ? `aliases ${spec.aliases.join(', ')}` : ''].filter(Boolean);
    out.push(`${indent}${name}: ${typeLabel(spec)}${flags.length ? ` (${flags.join('; ')})` : ''}`);
    if (spec.description) out.push(`${indent}    ${spec.description}`);
    const inner = spec.type === 'object' ? spec.fields : spec.type === 'list' && spec.items.type === 'object' ? spec.items.fields : spec.type === 'map' && spec.values.type === 'object' ? spec.values.fields : undefined;
    if (inner) out.push(...describeFields(inner, `${indent}    `));
  }
  return out;
}
