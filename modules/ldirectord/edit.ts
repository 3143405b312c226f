// From the file a host has to the config the params describe: the semantic
// differences (for the plan and the diff) and the edited file, which keeps
// every comment, blank line and unchanged line where it was. Values are
// rewritten in place; new keys go after the last key of their scope; a new
// virtual section goes at the end; a removed one takes its comments with it.

import type { Entry, LdDocument } from '../lib/ldirectord-conf/config.js';
import { entryLine, group, modelOf, normaliseValue, renderModel, SECRET_KEYS, virtualName, type Model, type VirtualModel } from '../lib/ldirectord-conf/model.js';
import { indentOf, LineEdits } from '../../core/files/line-edits.js';

export interface FieldChange {
  op: 'set' | 'add-virtual' | 'remove-virtual' | 'add-real' | 'remove-real';
  /** `checktimeout`, `virtual=192.168.57.200:80 scheduler`. */
  field: string;
  before?: string;
  after?: string;
  secret?: boolean;
}

const isReal = (key: string) => key === 'real' || key === 'real6';

function keysOf(want: Entry[], have: Entry[]): string[] {
  return [...new Set([...want.map((e) => e.key), ...have.map((e) => e.key)])];
}

function scopeChanges(prefix: string, have: Entry[], want: Entry[]): FieldChange[] {
  const h = group(have);
  const w = group(want);
  const out: FieldChange[] = [];
  for (const key of keysOf(want, have)) {
    const hv = h.get(key) ?? [];
    const wv = w.get(key) ?? [];
    const field = `${prefix}${key}`;
    if (isReal(key)) {
      for (const v of wv) if (!hv.includes(v)) out.push({ op: 'add-real', field, after: v });
      for (const v of hv) if (!wv.includes(v)) out.push({ op: 'remove-real', field, before: v });
    } else if (hv.at(-1) !== wv.at(-1)) {
      // ldirectord assigns each key as it reads it: of a repeated key, the last counts.
      const c: FieldChange = { op: 'set', field, before: hv.at(-1), after: wv.at(-1) };
      if (SECRET_KEYS.has(key)) c.secret = true;
      out.push(c);
    }
  }
  return out;
}

function summary(v: VirtualModel): string {
  const g = group(v.options);
  const reals = (g.get('real') ?? g.get('real6') ?? []).length;
  return `${reals} real server${reals === 1 ? '' : 's'}, scheduler ${g.get('scheduler')?.[0] ?? 'wrr'}`;
}

export function diffModels(have: Model, want: Model): FieldChange[] {
  const out = scopeChanges('', have.globals, want.globals);
  const haveV = new Map(have.virtuals.map((v) => [virtualName(v), v]));
  const wantV = new Map(want.virtuals.map((v) => [virtualName(v), v]));
  for (const [name, w] of wantV) {
    const h = haveV.get(name);
    if (!h) out.push({ op: 'add-virtual', field: name, after: summary(w) });
    else out.push(...scopeChanges(`${name} `, h.options, w.options));
  }
  for (const [name, h] of haveV) if (!wantV.has(name)) out.push({ op: 'remove-virtual', field: name, before: summary(h) });
  return out;
}

/** Edit the key lines of one scope (the globals, or one section) towards `want`. */
function editScope(doc: LdDocument, idx: number[], want: Entry[], fallbackAfter: number, indent: string, e: LineEdits): void {
  const entryAt = (i: number) => (doc.lines[i] as { entry: Entry }).entry;
  const have = idx.map(entryAt);
  let lastAfter = idx.length ? idx[idx.length - 1] : fallbackAfter;
  for (const key of keysOf(want, have)) {
    const at = idx.filter((i) => entryAt(i).key === key);
    const wantE = want.filter((x) => x.key === key);
    const norm = (x: Entry) => normaliseValue(x.key, x.value);
    const after = at.length ? at[at.length - 1] : lastAfter;
    if (isReal(key)) {
      const wanted = new Set(wantE.map(norm));
      const kept = new Set<string>();
      for (const i of at) {
        const v = norm(entryAt(i));
        if (wanted.has(v) && !kept.has(v)) kept.add(v);
        else e.drop.add(i);
      }
      for (const x of wantE) if (!kept.has(norm(x))) e.add(after, entryLine(x, indent));
    } else if (at.map((i) => norm(entryAt(i))).at(-1) !== wantE.map(norm).at(-1)) {
      at.forEach((i, j) => (j < wantE.length ? e.replace.set(i, entryLine(wantE[j], indentOf(doc.lines[i].text))) : e.drop.add(i)));
      for (const x of wantE.slice(at.length)) e.add(after, entryLine(x, indent));
    }
    lastAfter = Math.max(lastAfter, after);
  }
}

/** The host's file edited to say what `want` says. */
export function editDocument(doc: LdDocument, want: Model): string {
  if (doc.globals.length === 0 && doc.sections.length === 0) {
    const rendered = renderModel(want);
    return doc.lines.length ? `${doc.lines.map((l) => l.text).join('\n')}\n${rendered.replace(/^# .*\n/, '')}` : rendered;
  }
  const e = new LineEdits();
  const lineIdx = doc.lines.map((_, i) => i);
  const globals = lineIdx.filter((i) => doc.lines[i].kind === 'global');
  const firstVirtual = lineIdx.find((i) => doc.lines[i].kind === 'virtual') ?? doc.lines.length;
  let globalsAfter = firstVirtual - 1;
  while (globalsAfter >= 0 && doc.lines[globalsAfter].kind === 'comment') globalsAfter--;
  editScope(doc, globals, want.globals, globalsAfter, '', e);

  const wantV = new Map(want.virtuals.map((v) => [virtualName(v), v]));
  const seen = new Set<string>();
  doc.sections.forEach((s, n) => {
    const name = virtualName({ keyword: s.keyword === 'virtual6' ? 'virtual6' : 'virtual', virtual: s.virtual });
    const own = lineIdx.filter((i) => (doc.lines[i] as { section?: number }).section === n);
    const w = wantV.get(name);
    if (!w || seen.has(name)) {
      own.forEach((i) => e.drop.add(i));
      if (own[0] > 0 && doc.lines[own[0] - 1].kind === 'blank') e.drop.add(own[0] - 1);
      return;
    }
    seen.add(name);
    const options = own.filter((i) => doc.lines[i].kind === 'option');
    const indent = options.length ? indentOf(doc.lines[options[0]].text) : '\t';
    editScope(doc, options, w.options, own[0], indent, e);
  });
  const tail: string[] = [];
  for (const [name, v] of wantV) {
    if (seen.has(name)) continue;
    tail.push('', `${v.keyword}=${v.virtual}`, ...v.options.map((x) => entryLine(x, '\t')));
  }

  return e.render(doc.lines.map((l) => l.text), tail);
}

export { modelOf };
