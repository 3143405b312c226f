// ha.cf as a model: read the way heartbeat reads it (a `#` starts a comment
// anywhere on a line, the first word is the directive, option directives take
// several values separated by blanks or commas, media and whole-line
// directives take the rest of the line), written back canonically.

import { BY_NAME, DIRECTIVES, boolWord, enumValue, parseSeconds, secondsText, type Directive } from './directives.js';

/** A directive's value: typed when it reads as its kind, else the text as written (always a difference). */
export type HaValue = number | string | boolean | string[];

export interface HaCf {
  /** Modelled directives by name (`pacemaker` is read as `crm`). Lists keep file order and duplicates. */
  values: Record<string, HaValue>;
  /** Lines of directives rb does not model, blanks squeezed: `env FOO=1`. */
  extra: string[];
  /** Directives that must precede the media lines but come after one (heartbeat ignores them for those). */
  late: string[];
}

export const HEADER = '# ha.cf written by rb: edit the playbook, not this file (changes here are reported as drift).';

/** One value as heartbeat reads it for directive `d`. */
export function scalar(d: Directive, token: string): HaValue {
  switch (d.kind) {
    case 'seconds':
      return parseSeconds(token) ?? token;
    case 'int':
      return /^\d+$/.test(token) ? Number(token) : token;
    case 'bool':
      return boolWord(token) ?? token;
    case 'enum': {
      const v = enumValue(d, token);
      return d.enum!.includes(v) ? v : token;
    }
    default:
      return token;
  }
}

export function parseHaCf(text: string): HaCf {
  const model: HaCf = { values: {}, extra: [], late: [] };
  let sawMedia = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const [keyword] = line.split(/\s/, 1);
    const rest = line.slice(keyword.length).trim().replace(/\s+/g, ' ');
    const d = BY_NAME.get(keyword);
    if (!d) {
      model.extra.push(rest ? `${keyword} ${rest}` : keyword);
      continue;
    }
    if (d.media) sawMedia = true;
    if (d.beforeMedia && sawMedia && !model.late.includes(d.name)) model.late.push(d.name);
    const list = (model.values[d.name] as string[] | undefined) ?? [];
    if (d.kind === 'words') model.values[d.name] = [...list, ...rest.split(/[\s,]+/).filter(Boolean)];
    else if (d.kind === 'lines') model.values[d.name] = [...list, rest];
    else if (rest !== '') model.values[d.name] = scalar(d, rest.split(/[\s,]+/).pop()!);
  }
  return model;
}

/** A value as ha.cf spells it. */
export function valueText(d: Directive, v: HaValue): string {
  if (d.kind === 'seconds' && typeof v === 'number') return secondsText(v);
  if (d.kind === 'bool' && typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

/** Canonical ha.cf: the header, then the directives in table order, one value per line, then extra lines. */
export function renderHaCf(model: HaCf): string {
  const lines = [HEADER];
  for (const d of DIRECTIVES) {
    const v = model.values[d.name];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) lines.push(`${d.name} ${item}`);
    else lines.push(`${d.name} ${valueText(d, v)}`);
  }
  lines.push(...model.extra);
  return `${lines.join('\n')}\n`;
}

type Obj = Record<string, unknown>;

/** `{dev, peer}` / `{dev, group, port, ttl, loop}` items as the line heartbeat reads. */
function lineOf(name: string, item: unknown): string {
  if (typeof item === 'string') return item.trim().replace(/\s+/g, ' ');
  const o = item as Obj;
  if (name === 'mcast' || name === 'mcast6') return [o.dev, o.group, o.port, o.ttl, o.loop].join(' ');
  return [o.dev, o.peer].join(' ');
}

/** The model the `ha_cf` params describe (already validated and defaulted). */
export function haCfFromParams(p: Obj): HaCf {
  const model: HaCf = { values: {}, extra: [], late: [] };
  for (const d of DIRECTIVES) {
    const v = p[d.name];
    if (v === undefined) continue;
    if (d.kind === 'words') model.values[d.name] = (v as unknown[]).map(String);
    else if (d.kind === 'lines') model.values[d.name] = (v as unknown[]).map((item) => lineOf(d.name, item));
    else if (d.kind === 'seconds') model.values[d.name] = typeof v === 'number' ? v : (parseSeconds(String(v)) ?? String(v));
    else if (d.kind === 'enum') model.values[d.name] = enumValue(d, v as string | boolean);
    else model.values[d.name] = v as HaValue;
  }
  model.extra = ((p.extra as string[] | undefined) ?? []).map((l) => l.trim().replace(/\s+/g, ' '));
  return model;
}

/** The last value written for each of `names`, token as in the file (heartbeat reports values as written). */
export function writtenValues(text: string, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const words = raw.replace(/#.*$/, '').trim().split(/[\s,]+/).filter(Boolean);
    const d = words.length > 1 ? BY_NAME.get(words[0]) : undefined;
    if (d && names.includes(d.name)) out[d.name] = words[words.length - 1];
  }
  return out;
}
