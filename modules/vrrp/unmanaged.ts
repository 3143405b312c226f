// rb drift --unmanaged: what a running keepalived serves that no vrrp task on
// the host declares — VRRP instances, LVS virtual servers and their real
// servers in its configuration (includes resolved) that are in no task's
// params for that file. Pure over the facts the drift run gathered.

import { SPECS, type FieldSpec } from './grammar.js';
import type { VrrpFacts } from './facts.js';
import { fromParams } from './model.js';
import { itemLabel } from './render.js';
import { vipText } from './values.js';
import type { VrrpParams } from './index.js';

type Obj = Record<string, unknown>;
type Blocks = FieldSpec & { kind: 'blocks' };

const field = (fields: FieldSpec[], name: string) => fields.find((f) => f.field === name) as Blocks;
const INSTANCES = field(SPECS.root.fields, 'instances');
const VIRTUAL_SERVERS = field(SPECS.root.fields, 'virtual_servers');
const REAL_SERVERS = field(SPECS.virtualServer.fields, 'real_servers');

const items = (o: Obj, f: Blocks) => ((o[f.field] as Obj[] | undefined) ?? []);

function instanceText(i: Obj): string {
  const vips = ((i.virtual_ipaddress as Parameters<typeof vipText>[0][] | undefined) ?? []).map((v) => vipText(v).split(' ')[0]);
  const what = [i.interface !== undefined ? `${String(i.interface)} vrid ${String(i.virtual_router_id ?? '?')}` : undefined, vips.length ? vips.join(', ') : undefined].filter(Boolean);
  return `${itemLabel(INSTANCES, i)}${what.length ? ` (${what.join(', ')})` : ''}`;
}

export function unmanagedKeepalived(declared: Array<{ params: VrrpParams; facts: VrrpFacts }>): string[] {
  const byFile = new Map<string, typeof declared>();
  for (const d of declared) byFile.set(d.facts.path, [...(byFile.get(d.facts.path) ?? []), d]);
  const out: string[] = [];
  for (const [path, list] of byFile) {
    const facts = list[list.length - 1].facts;
    if (!facts.running) continue; // nothing of it runs
    const instances = new Set<string>();
    const servers = new Map<string, Set<string>>();
    for (const d of list) {
      const want = fromParams(d.params as Obj) as Obj;
      for (const i of items(want, INSTANCES)) instances.add(itemLabel(INSTANCES, i));
      for (const vs of items(want, VIRTUAL_SERVERS)) {
        const reals = servers.get(itemLabel(VIRTUAL_SERVERS, vs)) ?? new Set<string>();
        for (const r of items(vs, REAL_SERVERS)) reals.add(itemLabel(REAL_SERVERS, r));
        servers.set(itemLabel(VIRTUAL_SERVERS, vs), reals);
      }
    }
    const live = facts.config as Obj;
    const where = path !== '/etc/keepalived/keepalived.conf' ? ` in ${path}` : '';
    for (const i of items(live, INSTANCES)) if (!instances.has(itemLabel(INSTANCES, i))) out.push(`${instanceText(i)}${where}`);
    for (const vs of items(live, VIRTUAL_SERVERS)) {
      const label = itemLabel(VIRTUAL_SERVERS, vs);
      const reals = servers.get(label);
      const liveReals = items(vs, REAL_SERVERS).map((r) => itemLabel(REAL_SERVERS, r));
      if (!reals) out.push(`${label}${liveReals.length ? ` (${liveReals.join(', ')})` : ''}${where}`);
      else for (const r of liveReals) if (!reals.has(r)) out.push(`${label} ${r}${where}`);
    }
  }
  return out;
}
