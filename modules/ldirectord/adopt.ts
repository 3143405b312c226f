// `rb adopt` for ldirectord: the ldirectord.cf it reads (/etc/ha.d/ or /etc/)
// read as ldirectord reads it, each key into its typed parameter (yes/no as
// booleans, numbers as numbers, real servers as "ADDRESS:PORT METHOD [WEIGHT]"
// or, with a check of their own, as objects) and keys rb does not type kept
// verbatim in `extra`. Who starts the daemon follows the host: heartbeat when
// its haresources names ldirectord (then rb never starts it on the passive
// node), else rb.

import type { ModuleAdopt } from '../../core/module.js';
import { sh } from '../../core/transport/shell.js';
import type { Entry } from '../lib/ldirectord-conf/config.js';
import { parseReal } from '../lib/ldirectord-conf/model.js';
import { ldirectordParams } from './params.js';
import { documentOf, type LdirectordFacts } from './facts.js';

type Obj = Record<string, unknown>;

/** Where ldirectord looks for its config when started without one (as heartbeat starts it). */
const LDIRECTORD_PATHS = ['/etc/ha.d/ldirectord.cf', '/etc/ldirectord.cf'];

const VIRTUAL_FIELDS = (ldirectordParams.virtuals as { items: { fields: Record<string, { type: string }> } }).items.fields;

function typed(spec: { type: string } | undefined, value: string): unknown {
  if (spec?.type === 'bool') return /^yes$/i.test(value.trim());
  if (spec?.type === 'int' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return value;
}

const extraLine = (e: Entry) => `${e.key} = ${e.value}`;

/** A `real=` value as the module's real server param (read as ldirectord reads it; kept as written where rb has no field for a part). */
export function realParam(value: string): string | Obj {
  const p = parseReal(value);
  const v = value.trim().replace(/\s+/g, ' ');
  if (!p || !/^(gate|masq|ipip)$/.test(p.method)) return v;
  const weight = p.weight !== undefined ? ` ${p.weight}` : '';
  // Connection thresholds (l:N u:N) only in the string form.
  if (p.request === undefined) return `${p.where} ${p.method}${weight}${p.rest ? ` ${p.rest}` : ''}`;
  if (p.rest) return v;
  const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(p.where);
  if (!hp) return v;
  return {
    address: hp[1],
    ...(hp[2] !== undefined ? { port: Number(hp[2]) } : {}),
    method: p.method,
    ...(p.weight !== undefined ? { weight: Number(p.weight) } : {}),
    request: p.request,
    receive: p.receive,
  };
}

/**
 * Entries → typed params, a repeated key by its last value (ldirectord assigns
 * each key as it reads it); keys rb does not type go to `extra`, all of them,
 * in their order.
 */
function fields(entries: Entry[], specs: Record<string, { type: string }>, skip: Set<string>): Obj {
  const out: Obj = {};
  const extra: string[] = [];
  for (const e of entries) {
    if (skip.has(e.key)) continue;
    const key = e.key === 'fallback6' && specs.fallback6 === undefined ? 'fallback' : e.key;
    if (specs[key] && key !== 'extra') out[key] = typed(specs[key], e.value);
    else extra.push(extraLine(e));
  }
  if (extra.length) out.extra = extra;
  return out;
}

export function ldirectordTask(f: LdirectordFacts, managedBy: string): Obj | undefined {
  if (!f.exists || f.parseError) return undefined;
  const doc = documentOf(f);
  // A file without a virtual service (Debian's package installs one of only comments) gives ldirectord nothing to do.
  if (doc.sections.length === 0 && !f.running) return undefined;
  const globalSpecs = Object.fromEntries(Object.entries(ldirectordParams).filter(([k]) => !['path', 'managed_by', 'verify_timeout', 'virtuals'].includes(k))) as Record<string, { type: string }>;
  const virtuals = doc.sections.map((s) => ({
    virtual: s.virtual,
    // A firewall mark has no address to tell its family: virtual6=MARK says it.
    ...(s.keyword === 'virtual6' && /^\d+$/.test(s.virtual) ? { ipv6: true } : {}),
    ...(s.options.some((o) => o.key === 'real' || o.key === 'real6') ? { real: s.options.filter((o) => o.key === 'real' || o.key === 'real6').map((o) => realParam(o.value)) } : {}),
    ...fields(s.options, VIRTUAL_FIELDS, new Set(['real', 'real6', 'virtual'])),
  }));
  return {
    path: f.path,
    ...(managedBy !== 'rb' ? { managed_by: managedBy } : {}),
    ...fields(doc.globals, globalSpecs, new Set()),
    ...(virtuals.length ? { virtuals } : {}),
  };
}

export const ldirectordAdopt: ModuleAdopt<LdirectordFacts> = {
  probe: [],
  // Where heartbeat starts ldirectord (haresources: `ldirectord` or
  // `ldirectord::NAME`), the configs it names, found as ldirectord finds them
  // (/etc/ha.d/NAME, /etc/ha.d/conf/NAME, or NAME when absolute); else the
  // first config ldirectord would read on its own.
  discover: {
    command:
      "hr=; [ -r /etc/ha.d/haresources ] && hr=$(sed 's/#.*//' /etc/ha.d/haresources | tr -s ' \\t\\\\' '\\n\\n\\n' | grep -E '^ldirectord(::|$)'); " +
      'if [ -n "$hr" ]; then for w in $hr; do n=${w#ldirectord}; n=${n#::}; n=${n%%::*}; [ -n "$n" ] || n=ldirectord.cf; ' +
      'case $n in /*) c=$n;; *) c=;; esac; ' +
      'for f in "/etc/ha.d/$n" "/etc/ha.d/conf/$n" $c; do if [ -f "$f" ]; then echo "heartbeat $f"; break; fi; done; done; ' +
      sh`else for f in ${LDIRECTORD_PATHS}; do if [ -f "$f" ]; then echo "path $f"; break; fi; done; fi; true`,
    probes(stdout) {
      const seen = new Set<string>();
      const out: Array<Record<string, unknown>> = [];
      for (const m of stdout.matchAll(/^(heartbeat|path) (\S+)$/gm)) {
        const path = m[2].replace(/\/{2,}/g, '/');
        if (seen.has(path)) continue;
        seen.add(path);
        out.push({ path, managed_by: m[1] === 'heartbeat' ? 'heartbeat' : 'rb' });
      }
      return out;
    },
  },
  params(f, _host, probe) {
    const t = ldirectordTask(f, String(probe?.managed_by ?? 'rb'));
    return t ? [t] : [];
  },
};
