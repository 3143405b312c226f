// `rb adopt` for sersync: the confxml.xml a host has, read as sersync reads
// it, becomes a task with engine sersync whose file means the same (the plan
// compares confxml.xml by meaning, so the hand-written file is not rewritten),
// and the daemon's state. The rsync password file is adopted by its path
// only: the password never leaves the host.

import type { ModuleAdopt } from '../../core/module.js';
import { paramsFromConfxml, parseConfxml, ConfxmlSyntaxError } from './confxml.js';
import type { SersyncFacts } from './facts.js';

export const sersyncAdopt: ModuleAdopt<SersyncFacts> = {
  // watch and remotes are required params; facts read both engines' config files (each at its default place) whatever they are.
  probe: { engine: 'sersync', watch: '/var/www/html', remotes: [{ ip: '127.0.0.1', module: 'probe' }] },
  params(f) {
    const c = f.configs.sersync;
    if (!c.exists || c.content === undefined) return [];
    let params: Record<string, unknown>;
    try {
      params = paramsFromConfxml(parseConfxml(c.content, c.path));
    } catch (e) {
      if (e instanceof ConfxmlSyntaxError) return [];
      throw e;
    }
    if (params.watch === undefined) return [];
    return [{ ...params, config: c.path, state: f.daemons.sersync.running ? 'started' : 'stopped' }];
  },
};
