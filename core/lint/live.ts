// rb lint --facts: the same topology as it runs now. Each task's params are
// replaced by what its facts (read as rb drift reads them) say is on the host,
// for the modules whose facts tell it; the others keep their planned params.

import type { Resolution, ResolvedTask } from '../engine/resolve.js';

type Any = Record<string, any>;

function liveParams(t: ResolvedTask): Any | undefined {
  const f = t.facts as Any | undefined;
  if (!f || f instanceof Error) return undefined;
  const p = t.params as Any;
  switch (t.module) {
    case 'sysctl': {
      const values: Any = f.values ?? {};
      const settings = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
      return { settings };
    }
    case 'ifalias': {
      const want = String(p.address).split('/')[0].toLowerCase();
      const a = (f.addresses ?? []).find((x: Any) => String(x.local).toLowerCase() === want);
      return a ? { ...p, address: `${a.local}/${a.prefixlen}` } : { ...p, state: 'absent' };
    }
    case 'route': {
      if (p.destination !== 'default') return undefined;
      const r = (f.routes ?? []).find((x: Any) => x.dst === 'default' && !x.type);
      return r ? { ...p, gateway: r.gateway } : { ...p, state: 'absent' };
    }
    case 'vrrp':
      return f.config ? { ...p, instances: f.config.instances ?? [], virtual_servers: f.config.virtual_servers ?? [] } : undefined;
    default:
      return undefined;
  }
}

/** The resolution with what runs on the hosts in place of what the playbook asks. */
export function liveResolution(r: Resolution): Resolution {
  return { ...r, tasks: r.tasks.map((t) => ({ ...t, params: liveParams(t) ?? t.params })) };
}
