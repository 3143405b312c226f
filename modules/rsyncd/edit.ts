// From the rsyncd.conf a host has to the one the params describe: the
// semantic differences, field by field (`[data].hosts allow`), and the edited
// file, which keeps every comment, blank line and unchanged line where it was.
// Values are rewritten in place; a new key goes after the last key of its
// scope; a new module goes at the end; a removed module takes its lines with it.

import { entryLine, renderModel, type Entry, type RsyncdDocument, type RsyncdModel } from './conf.js';
import { keyId, normaliseValue } from './keys.js';
import { indentOf, LineEdits } from '../../core/files/line-edits.js';

export interface FieldChange {
  op: 'set' | 'add-module' | 'remove-module';
  /** `address`, `[data].hosts allow`, `[backup]`. */
  field: string;
  before?: string;
  after?: string;
}

const norm = (e: Entry) => normaliseValue(e.key, e.value);

function byId(entries: Entry[]): Map<string, Entry> {
  return new Map(entries.map((e) => [keyId(e.key), e]));
}

function scopeChanges(prefix: string, have: Entry[], want: Entry[]): FieldChange[] {
  const h = byId(have);
  const w = byId(want);
  const out: FieldChange[] = [];
  for (const id of new Set([...w.keys(), ...h.keys()])) {
    const hv = h.get(id);
    const wv = w.get(id);
    if (hv && wv && norm(hv) === norm(wv)) continue;
    out.push({ op: 'set', field: `${prefix}${(wv ?? hv)!.key}`, before: hv?.value, after: wv?.value });
  }
  return out;
}

function summary(entries: Entry[]): string {
  return byId(entries).get('path')?.value ?? `${entries.length} settings`;
}

export function diffModels(have: RsyncdModel, want: RsyncdModel): FieldChange[] {
  const out = scopeChanges('', have.globals, want.globals);
  const haveM = new Map(have.modules.map((m) => [m.name, m.entries]));
  for (const m of want.modules) {
    const h = haveM.get(m.name);
    if (!h) out.push({ op: 'add-module', field: `[${m.name}]`, after: `path ${summary(m.entries)}` });
    else out.push(...scopeChanges(`[${m.name}].`, h, m.entries));
  }
  const wanted = new Set(want.modules.map((m) => m.name));
  for (const m of have.modules) if (!wanted.has(m.name)) out.push({ op: 'remove-module', field: `[${m.name}]`, before: `path ${summary(m.entries)}` });
  return out;
}

/** Edit the param lines `idx` of one scope towards `want`; new keys go after `fallbackAfter` when the scope has none. */
function editScope(doc: RsyncdDocument, idx: number[], want: Entry[], fallbackAfter: number, e: LineEdits): void {
  const entryAt = (i: number) => (doc.lines[i] as { entry: Entry }).entry;
  const w = byId(want);
  for (const i of idx) {
    const wv = w.get(keyId(entryAt(i).key));
    if (!wv) e.drop.add(i);
  }
  const indent = idx.length ? indentOf(doc.lines[idx[0]].text) : '';
  let insertAfter = idx.length ? idx[idx.length - 1] : fallbackAfter;
  for (const [id, wv] of w) {
    const at = idx.filter((i) => keyId(entryAt(i).key) === id);
    if (at.length === 0) {
      e.add(insertAfter, entryLine(wv, indent));
      continue;
    }
    // rsync keeps the last occurrence: that one carries the value, earlier ones go.
    at.slice(0, -1).forEach((i) => e.drop.add(i));
    const last = at[at.length - 1];
    if (normaliseValue(wv.key, entryAt(last).value) !== norm(wv)) e.replace.set(last, entryLine(wv, indentOf(doc.lines[last].text)));
    insertAfter = Math.max(insertAfter, last);
  }
}

/** The host's file edited to say what `want` says. */
export function editDocument(doc: RsyncdDocument, want: RsyncdModel): string {
  if (doc.globals.length === 0 && doc.modules.length === 0 && doc.directives.length === 0) {
    const rendered = renderModel(want);
    return doc.lines.length ? `${doc.lines.map((l) => l.text).join('\n')}\n${rendered}` : rendered;
  }
  const e = new LineEdits();
  const all = doc.lines.map((_, i) => i);
  const firstSection = all.find((i) => doc.lines[i].kind === 'section') ?? doc.lines.length;
  let globalsAfter = firstSection - 1;
  while (globalsAfter >= 0 && doc.lines[globalsAfter].kind !== 'param') globalsAfter--;
  const globals = all.filter((i) => doc.lines[i].kind === 'param' && doc.lines[i].section === undefined);
  editScope(doc, globals, want.globals, globalsAfter, e);

  const wantM = new Map(want.modules.map((m) => [m.name, m.entries]));
  const seen = new Set<string>();
  doc.modules.forEach((s, n) => {
    const own = all.filter((i) => doc.lines[i].section === n);
    const w = wantM.get(s.name);
    if (!w) {
      // The module's header, params and comments go; the blank line before it
      // goes too, and its own trailing blank lines take that one's place.
      let end = own.length;
      while (end > 1 && doc.lines[own[end - 1]].kind === 'blank') end--;
      own.slice(0, end).forEach((i) => e.drop.add(i));
      if (own[0] > 0 && doc.lines[own[0] - 1].kind === 'blank') e.drop.add(own[0] - 1);
      return;
    }
    // A module written twice: the first block takes every value, later ones lose theirs.
    const params = own.filter((i) => doc.lines[i].kind === 'param');
    if (seen.has(s.name)) params.forEach((i) => e.drop.add(i));
    else editScope(doc, params, w, own[0], e);
    seen.add(s.name);
  });
  const tail: string[] = [];
  for (const m of want.modules) if (!seen.has(m.name)) tail.push('', `[${m.name}]`, ...m.entries.map((x) => entryLine(x)));

  return e.render(doc.lines.map((l) => l.text), tail);
}
