// Runs every rule over a resolved topology; findings sorted errors first.

import type { Resolution } from '../engine/resolve.js';
import { liveResolution } from './live.js';
import { buildModel, type Model } from './model.js';
import { lintRules } from './registry.js';
import type { Finding, Rule } from './types.js';

/**
 * Findings of every rule over what the playbooks ask; with `facts` (the
 * resolution holds each task's facts), also over what runs on the hosts now:
 * those not already found are marked `live`.
 */
export function lintResolution(r: Resolution, rules: ReadonlyArray<Rule<Model>> = lintRules, opts: { facts?: boolean } = {}): Finding[] {
  const out = check(buildModel(r), rules);
  if (opts.facts) {
    const seen = new Set(out.map(key));
    for (const f of check(buildModel(liveResolution(r)), rules)) if (!seen.has(key(f))) out.push({ ...f, live: true, message: `running now: ${f.message}` });
  }
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

function check(model: Model, rules: ReadonlyArray<Rule<Model>>): Finding[] {
  return rules.flatMap((rule) => rule.check(model));
}

const key = (f: Finding) => `${f.rule}|${f.hosts.join(',')}|${f.message}`;
