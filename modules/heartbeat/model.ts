// The files the params describe, rendered, and the files the host has, as
// models: the two sides every plan compares.

import { authkeysFromParams, renderAuthkeys, type Authkeys } from './authkeys.js';
import { haCfFromParams, renderHaCf, valueText, type HaCf } from './hacf.js';
import { groupsFromParams, renderHaresources, type ResourceGroup } from './haresources.js';
import { BY_NAME } from './directives.js';
import type { HeartbeatParams } from './params.js';

export interface Wanted {
  haCf: HaCf;
  authkeys: Authkeys;
  /** Undefined: haresources is not managed. */
  haresources?: ResourceGroup[];
  /** name → content, each ending with a newline. */
  scripts: Record<string, string>;
}

export function wanted(p: HeartbeatParams): Wanted {
  const scripts = Object.fromEntries(Object.entries(p.resource_scripts ?? {}).map(([n, c]) => [n, c.endsWith('\n') ? c : `${c}\n`]));
  return {
    haCf: haCfFromParams(p.ha_cf),
    authkeys: authkeysFromParams(p.authkeys),
    ...(p.resources ? { haresources: groupsFromParams(p.resources) } : {}),
    scripts,
  };
}

export interface Rendered {
  haCf: string;
  authkeys: string;
  haresources?: string;
}

export function render(w: Wanted): Rendered {
  return {
    haCf: renderHaCf(w.haCf),
    authkeys: renderAuthkeys(w.authkeys),
    ...(w.haresources ? { haresources: renderHaresources(w.haresources) } : {}),
  };
}

/** What `cl_status hbparameter` must report once heartbeat runs with this ha.cf: the values as written. */
export function runtimeValues(m: HaCf): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(m.values)) {
    const d = BY_NAME.get(name)!;
    if (d.runtime && !Array.isArray(v)) out[name] = valueText(d, v);
  }
  return out;
}
