// `rb adopt` for keepalived: the model read from the host's keepalived.conf
// (includes resolved) is already shaped like the module's params (both come
// from the grammar), so the adopted task is that model plus where the file is
// and whether keepalived runs. Untyped statements stay verbatim in `extra`.

import type { ModuleAdopt } from '../../core/module.js';
import type { VrrpFacts } from './facts.js';
import { DEFAULT_PATH } from './schema.js';

export const vrrpAdopt: ModuleAdopt<VrrpFacts> = {
  probe: { path: DEFAULT_PATH },
  params(f) {
    if (!f.exists || f.parseError) return [];
    const config = JSON.parse(JSON.stringify(f.config)) as Record<string, unknown>;
    if (Object.keys(config).length === 0) return [];
    return [{ path: f.path, state: f.running ? 'started' : 'stopped', ...config }];
  },
};
