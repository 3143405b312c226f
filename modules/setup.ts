// setup: reads the host's system facts (what `gather_facts` reads) and makes
// them the host's `ansible_facts` and `ansible_*` variables. Read-only: it
// runs in check mode too, as Ansible's does.
//
//   - setup: { gather_subset: [network, '!hardware'], filter: ['ansible_default_ipv4', 'ansible_eth*'] }

import { defineModule } from '../core/module.js';
import { FACTS_COMMAND, collectors, parseFacts, selectFacts } from '../core/facts/index.js';

export interface SetupParams {
  gather_subset: string[];
  filter: string[];
  gather_timeout?: number;
  fact_path?: string;
}

/** Ansible accepts `gather_subset: "network,!hardware"` as well as a list. */
const split = (list: string[]) => list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);

export default defineModule<SetupParams>({
  name: 'setup',
  summary: 'Gather the host\'s facts (ansible_facts and ansible_*), as gather_facts does',
  params: {
    gather_subset: { type: 'list', single: true, items: { type: 'string' }, default: ['all'], description: 'subsets: all, min, network, hardware, platform, distribution, dns, date_time, env, user, ...; !name excludes' },
    filter: { type: 'list', single: true, items: { type: 'string' }, default: [], description: 'shell patterns of fact names to keep (ansible_eth*)' },
    gather_timeout: { type: 'int', min: 1, description: 'accepted for Ansible compatibility' },
    fact_path: { type: 'string', description: 'accepted for Ansible compatibility (local facts are not read)' },
  },
  rules: (p) => {
    try {
      collectors(split((p.gather_subset as string[] | undefined) ?? ["all"]));
      return [];
    } catch (e) {
      return [['gather_subset', e instanceof Error ? e.message.replace(/^gather_subset: /, '') : String(e)]];
    }
  },
  supports: { check: true, diff: false, rollback: false },
  example: `- setup: { gather_subset: [network], filter: ['ansible_default_ipv4'] }`,

  async action(ctx, p) {
    const r = await ctx.run(FACTS_COMMAND);
    const facts = selectFacts(parseFacts(r.stdout), split(p.gather_subset), split(p.filter));
    return { changed: false, ansibleFacts: facts, data: { ansible_facts: facts } };
  },
});
