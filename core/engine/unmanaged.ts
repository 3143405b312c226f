// rb drift --unmanaged: state on a host that no task declares. A module that
// can tell (its optional `unmanaged` hook) is given, per host, the params and
// facts of every one of its tasks the drift run checked there, and names what
// none of them covers. Pure over facts already gathered: no extra exec.

import type { ModuleRegistry } from '../module.js';
import type { HostState } from './host-state.js';

export function declare(state: HostState, module: string, entry: { params: unknown; facts: unknown; taskName: string }): void {
  const list = state.declared.get(module) ?? [];
  list.push(entry);
  state.declared.set(module, list);
}

export function unmanagedOf(states: Iterable<HostState>, registry: ModuleRegistry): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of states) {
    const lines: string[] = [];
    for (const [module, declared] of s.declared) {
      const hook = registry.get(module)?.unmanaged;
      if (hook) lines.push(...hook(declared).map((l) => `${module}: ${l}`));
    }
    if (lines.length) out[s.name] = lines;
  }
  return out;
}
