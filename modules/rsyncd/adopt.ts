// `rb adopt` for rsync daemons: the rsyncd.conf a host has (at the usual
// places: /etc/rsyncd.conf, or /etc/rsync/ as many write-ups put it), read as
// rsync reads it (last value of a key wins), becomes one task: typed keys as
// their params (yes/no as booleans, numbers as numbers), keys rb does not type
// verbatim in `extra`, the daemon's state and Debian's boot switch. The
// secrets file is adopted by its path only: its passwords never leave the
// host, and rb leaves the file as it is (no `secrets` param).

import type { ModuleAdopt } from '../../core/module.js';
import { modelOf, parseRsyncd, type Entry } from './conf.js';
import type { RsyncdFacts } from './facts.js';
import { keyInfo, paramName } from './keys.js';
import { DEFAULT_CONFIG } from './params.js';

export const ADOPTED_CONFIGS = [DEFAULT_CONFIG, '/etc/rsync/rsync.conf', '/etc/rsync/rsyncd.conf'];

const TRUE = /^(yes|true|1|on)$/i;
const FALSE = /^(no|false|0|off)$/i;

/** One scope's entries as params; `undefined` when a value has no typed spelling. */
export function scopeParams(entries: Entry[], globalScope: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const extra: Record<string, string> = {};
  for (const e of entries) {
    const k = keyInfo(e.key);
    const typed = k && (globalScope ? k.name !== 'path' && k.name !== 'secrets file' : !k.globalOnly);
    if (!k || !typed) {
      extra[e.key] = e.value;
      continue;
    }
    const name = paramName(k.name);
    if (k.kind === 'bool' && TRUE.test(e.value)) out[name] = true;
    else if (k.kind === 'bool' && FALSE.test(e.value)) out[name] = false;
    else if (k.kind === 'int' && /^-?\d+$/.test(e.value)) out[name] = Number(e.value);
    else if (k.kind === 'bool' || k.kind === 'int') extra[e.key] = e.value;
    else out[name] = e.value;
  }
  if (Object.keys(extra).length) out.extra = extra;
  return out;
}

export const rsyncdAdopt: ModuleAdopt<RsyncdFacts> = {
  probe: ADOPTED_CONFIGS.map((config) => ({ config })),
  params(f) {
    const c = f.config;
    if (!c.exists || c.content === undefined || c.parseError) return [];
    // Another config is what the running daemon reads: that one is adopted, not this one.
    const args = ` ${f.daemon.args ?? ''} `;
    const ours = args.includes(` ${c.path} `) || args.includes(`=${c.path} `);
    if (f.daemon.running && !ours) return [];
    const model = modelOf(parseRsyncd(c.content, c.path));
    const globals = scopeParams(model.globals, true);
    const modules = Object.fromEntries(model.modules.map((m) => [m.name, scopeParams(m.entries, false)]));
    const task: Record<string, unknown> = { config: c.path, state: f.daemon.running ? 'started' : 'stopped', ...globals, modules };
    const d = f.defaults;
    if (d.enable === 'false') task.enabled = false;
    else if (d.enable === 'true' && (c.path === DEFAULT_CONFIG || d.configFile === c.path)) task.enabled = true;
    return [task];
  },
};
