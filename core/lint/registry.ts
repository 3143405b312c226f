// Every rb lint rule, by family (one file each under rules/). A new rule is a
// Rule<Model> added to its family's list, or a new family listed here.

import type { Model } from './model.js';
import { clusterRules } from './rules/cluster.js';
import { heartbeatRules } from './rules/heartbeat.js';
import { lvsRules } from './rules/lvs.js';
import { rsyncRules } from './rules/rsync.js';
import { vrrpRules } from './rules/vrrp.js';
import type { Rule } from './types.js';

export const lintRules: ReadonlyArray<Rule<Model>> = [...vrrpRules, ...lvsRules, ...clusterRules, ...heartbeatRules, ...rsyncRules];
