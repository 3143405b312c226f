// Params of the heartbeat module: a typed model of ha.cf (generated from the
// directive table), authkeys, haresources and resource scripts, and the
// rules heartbeat itself applies when it reads them (init_config in
// heartbeat's config.c), so a file heartbeat would refuse is refused here first.

import type { Fields, ObjectSpec, ParamSpec } from '../../core/schema/types.js';
import { METHODS, type AuthkeysParams } from './authkeys.js';
import { BY_NAME, DIRECTIVES, parseSeconds, type Directive } from './directives.js';
import { interfaceNameProblem, ipv4Problem, ipv6Problem } from '../../core/schema/formats.js';
import { controlProblems, hostProblem, lineProblem, oneLine } from '../lib/config-values.js';

export const DEFAULT_PATH = '/etc/ha.d';

export interface ResourceGroupParams {
  node: string;
  resources: string[];
}

export interface HeartbeatParams {
  path: string;
  state: 'started' | 'stopped';
  timeout: number;
  ha_cf: Record<string, unknown>;
  authkeys: AuthkeysParams;
  resources?: ResourceGroupParams[];
  resource_scripts?: Record<string, string>;
}

// One word, never ending in `\` (haresources joins such a line with the next).
const WORD: ParamSpec = oneLine({ type: 'string', pattern: /^[^\s,#]+$/, patternName: 'one word (no blanks, commas or #)' });
const LINE: ParamSpec = oneLine({ type: 'string', pattern: /^[^#\r\n]*\S[^#\r\n]*$/, patternName: 'one line without #' });
const IFACE: ParamSpec = { ...WORD, check: (v: string) => lineProblem(v) ?? interfaceNameProblem(v) } as ParamSpec;
const HOST: ParamSpec = { ...WORD, check: (v: string) => lineProblem(v) ?? hostProblem(v) } as ParamSpec;

/** A media line as words: DEV first, then what `checks` says of each following word. */
function wordsCheck(checks: Array<(w: string) => string | undefined>): (v: string) => string | undefined {
  return (v) => {
    const bad = lineProblem(v);
    if (bad) return bad;
    const words = v.trim().split(/\s+/);
    for (let i = 0; i < Math.min(words.length, checks.length); i++) {
      const problem = checks[i](words[i]);
      if (problem) return problem;
    }
    return undefined;
  };
}
const port = (w: string) => (/^\d+$/.test(w) && Number(w) >= 1 && Number(w) <= 65535 ? undefined : `expected a port 1-65535, got ${JSON.stringify(w)}`);
const LINE_CHECKS: Record<string, Array<(w: string) => string | undefined>> = {
  ucast6: [interfaceNameProblem, ipv6Problem],
  mcast6: [interfaceNameProblem, ipv6Problem, port],
};
const TIME: ParamSpec = {
  type: 'oneOf',
  options: [
    { type: 'number', min: 0.001, max: 86400 },
    { type: 'string', pattern: /^\d+(\.\d+)?(ms|s)?$/, patternName: 'seconds, or heartbeat time syntax such as 500ms' },
  ],
};

const UCAST: ParamSpec = {
  type: 'oneOf',
  options: [
    { type: 'string', pattern: /^\s*\S+\s+[^\s#]+\s*$/, patternName: '"DEV PEER"', check: wordsCheck([interfaceNameProblem, hostProblem]) },
    { type: 'object', fields: { dev: { ...IFACE, required: true }, peer: { ...HOST, required: true, description: "the peer's address" } } },
  ],
};

const MCAST: ParamSpec = {
  type: 'oneOf',
  options: [
    { type: 'string', pattern: /^\s*(\S+\s+){4}[^\s#]+\s*$/, patternName: '"DEV GROUP PORT TTL LOOP"', check: wordsCheck([interfaceNameProblem, ipv4Problem, port]) },
    {
      type: 'object',
      fields: {
        dev: { ...IFACE, required: true },
        group: { ...WORD, required: true, check: (v: string) => lineProblem(v) ?? ipv4Problem(v), description: 'multicast group, e.g. 239.0.0.1' },
        port: { type: 'int', min: 1, max: 65535, default: 694 },
        ttl: { type: 'int', min: 1, max: 255, default: 1 },
        loop: { type: 'int', min: 0, max: 0, default: 0, description: 'always 0' },
      },
    },
  ],
};

function directiveSpec(d: Directive): ParamSpec {
  const base = { description: d.description, ...(d.alias ? { aliases: [d.alias] } : {}) };
  switch (d.kind) {
    case 'seconds':
      return { ...TIME, ...base } as ParamSpec;
    case 'int':
      return { type: 'int', min: d.min, max: d.max, ...base };
    case 'bool':
      return { type: 'bool', ...base };
    case 'enum': {
      const words = d.enum!.includes('on') ? [...d.enum!, 'yes', 'no', 'true', 'false'] : d.enum!;
      return { type: 'string', enum: words, ...base };
    }
    case 'word':
      return { ...WORD, ...base } as ParamSpec;
    case 'words':
      return { type: 'list', single: true, items: d.name === 'bcast' ? IFACE : d.name === 'ping' ? HOST : WORD, ...base };
    case 'lines': {
      const items = d.name === 'ucast' ? UCAST : d.name === 'mcast' ? MCAST : LINE_CHECKS[d.name] ? ({ ...LINE, check: wordsCheck(LINE_CHECKS[d.name]) } as ParamSpec) : LINE;
      return { type: 'list', single: true, items, ...base };
    }
  }
}

const MEDIA = DIRECTIVES.filter((d) => d.media).map((d) => d.name);

type Obj = Record<string, unknown>;

function seconds(v: unknown, fallback?: number): number | undefined {
  if (v === undefined) return fallback;
  return typeof v === 'number' ? v : parseSeconds(String(v));
}

/** heartbeat's own checks of ha.cf (config.c init_config), as validation errors. */
export function checkHaCf(v: Obj): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!MEDIA.some((m) => ((v[m] as unknown[] | undefined) ?? []).length > 0)) {
    out.push(['', `heartbeat needs at least one link to talk over: give ${MEDIA.join(', ')}`]);
  }
  const nodes = ((v.node as string[] | undefined) ?? []).map((n) => n.toLowerCase());
  if (nodes.length === 0 && v.autojoin !== 'any') out.push(['node', 'list the cluster nodes (their `uname -n`); heartbeat refuses a config without nodes']);
  const dup = nodes.find((n, i) => nodes.indexOf(n) !== i);
  if (dup) out.push(['node', `${dup} is listed twice`]);
  const keepalive = seconds(v.keepalive, 1)!;
  const deadtime = seconds(v.deadtime, 30)!;
  if (deadtime <= 2 * keepalive) out.push(['deadtime', `must be more than twice keepalive (${keepalive} s), got ${deadtime} s`]);
  const initdead = seconds(v.initdead);
  if (initdead !== undefined && initdead < deadtime) out.push(['initdead', `must be at least deadtime (${deadtime} s), got ${initdead} s`]);
  const warntime = seconds(v.warntime);
  if (warntime !== undefined && warntime >= deadtime) out.push(['warntime', `must be less than deadtime (${deadtime} s), got ${warntime} s`]);
  const deadping = seconds(v.deadping);
  if (deadping !== undefined && deadping <= 2 * keepalive) out.push(['deadping', `must be more than twice keepalive (${keepalive} s), got ${deadping} s`]);
  ((v.extra as string[] | undefined) ?? []).forEach((line, i) => {
    const kw = line.trim().split(/\s+/)[0];
    const d = BY_NAME.get(kw);
    if (d) out.push(['extra', `line ${i + 1} (${JSON.stringify(line)}): ${kw} has its own parameter: give ha_cf.${d.name}`]);
  });
  return out;
}

const haCfFields: Record<string, ParamSpec> = {
  ...Object.fromEntries(DIRECTIVES.map((d) => [d.name, directiveSpec(d)])),
  extra: {
    type: 'list',
    single: true,
    items: oneLine({ type: 'string', pattern: /^\s*[a-z][a-z0-9_]*(\s+[^#\r\n]*)?$/, patternName: 'a "directive value" line without #' }),
    description: 'ha.cf lines rb does not model, written as they are (e.g. "env HA_LOGD=yes")',
  },
};

const AUTH_KEY: ParamSpec = { type: 'string', secret: true, pattern: /^[^\s#\\\u0000-\u001f\u007f-\u009f]+$/, patternName: 'a secret without blanks or #' };

const groupSpec: ObjectSpec = {
  type: 'object',
  fields: {
    node: { ...WORD, required: true, description: 'the node that prefers this group' } as ParamSpec,
    resources: {
      type: 'list',
      single: true,
      required: true,
      items: { ...WORD, patternName: 'one resource: an address, SCRIPT or SCRIPT::ARG::ARG' } as ParamSpec,
      description: 'started left to right when the node takes the group',
    },
  },
};

export const heartbeatParams: Fields = {
  path: { type: 'string', default: DEFAULT_PATH, pattern: /^\/[^\s"#]*$/, patternName: 'an absolute path', description: 'directory of ha.cf, authkeys, haresources and resource.d/ (heartbeat 3 reads /etc/ha.d)' },
  state: { type: 'string', enum: ['started', 'stopped'], default: 'started', description: 'heartbeat running or not' },
  timeout: { type: 'int', min: 5, max: 600, default: 60, description: 'seconds a start, stop, reload or restart of heartbeat may take' },
  ha_cf: { type: 'object', required: true, fields: haCfFields, check: checkHaCf, description: 'ha.cf directives' },
  authkeys: {
    type: 'object',
    required: true,
    fields: {
      method: { type: 'string', enum: METHODS, default: 'sha1', description: 'signature method (crc has no secret and is insecure)' },
      key: { ...AUTH_KEY, description: 'shared secret, the same on every node' },
      index: { type: 'int', min: 1, max: 15, default: 1, description: 'key number (`auth N`)' },
      also_accept: {
        type: 'list',
        items: {
          type: 'object',
          fields: {
            index: { type: 'int', min: 1, max: 15, required: true, description: 'key number' },
            method: { type: 'string', enum: METHODS, required: true },
            key: { ...AUTH_KEY, description: 'the secret of that key' },
          },
          check: checkAuthkeys,
        },
        description: 'key rotation: further keys incoming packets may be signed with, e.g. the old key until every node signs with the new one',
      },
    },
    check: checkAuthkeys,
    description: 'authkeys (written with mode 0600)',
  },
  resources: { type: 'list', items: groupSpec, description: 'haresources: resource groups and the node each prefers (absent: haresources is left alone)' },
  resource_scripts: {
    type: 'map',
    values: { type: 'string' },
    description: 'scripts written to resource.d/ with mode 0755 (name: content); status must print "running" or "stopped"',
  },
};

function checkAuthkeys(v: Obj): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (v.method === 'crc' && v.key !== undefined) out.push(['key', 'crc has no secret: leave key out (or use sha1)']);
  if (v.method !== 'crc' && v.key === undefined) out.push(['key', `${v.method} needs a shared secret`]);
  const indexes = [v.index, ...((v.also_accept as Obj[] | undefined) ?? []).map((k) => k.index)].filter((i) => i !== undefined);
  const dup = indexes.find((i, n) => indexes.indexOf(i) !== n);
  if (dup !== undefined) out.push(['also_accept', `key ${dup} is given twice (each key number once)`]);
  return out;
}

/** Rules across the three files. */
export function checkHeartbeatParams(v: Obj): Array<[string, string]> {
  const out: Array<[string, string]> = controlProblems(v, '', ['resource_scripts', 'authkeys']);
  const ha = v.ha_cf as Obj;
  const crm = String(ha.crm ?? 'off').toLowerCase();
  const crmOn = !['off', 'no', 'false'].includes(crm);
  const groups = v.resources as ResourceGroupParams[] | undefined;
  if (groups && crmOn) out.push(['resources', `heartbeat ignores haresources when crm is ${crm}: drop resources or set ha_cf.crm: off`]);
  if (!crmOn && ha.autojoin !== undefined && ha.autojoin !== 'none') {
    out.push(['ha_cf', `autojoin ${ha.autojoin}: heartbeat refuses autojoin with haresources (crm off)`]);
  }
  const nodes = ((ha.node as string[] | undefined) ?? []).map((n) => n.toLowerCase());
  const firsts: string[] = [];
  (groups ?? []).forEach((g, i) => {
    // Rules return top-level fields: name the group in the message.
    const group = `group ${i + 1} (${g.node})`;
    if (!nodes.includes(g.node.toLowerCase())) out.push(['resources', `${group}: ${g.node} is not in ha_cf.node (${nodes.join(', ')})`]);
    if (g.resources.length === 0) out.push(['resources', `${group}: a resource group needs at least one resource`]);
    else if (firsts.includes(g.resources[0])) out.push(['resources', `${group}: ${g.resources[0]} already starts another group (the first resource names the group and must be unique)`]);
    else firsts.push(g.resources[0]);
    for (const r of g.resources) {
      const addr = resourceAddress(r);
      const bad = addr === undefined ? undefined : ipv4Problem(addr) && ipv6Problem(addr) ? `${group}: resource ${JSON.stringify(r)}: ${ipv4Problem(addr)}` : undefined;
      if (bad) out.push(['resources', bad]);
    }
  });
  for (const name of Object.keys((v.resource_scripts as Obj | undefined) ?? {})) {
    if (!/^[A-Za-z0-9_+-][A-Za-z0-9_.+-]*$/.test(name)) out.push(['resource_scripts', `${JSON.stringify(name)} is not one file name (letters, digits, . _ + -)`]);
  }
  return out;
}

/** The address of an IP resource (`10.0.0.1`, `10.0.0.1/24/eth0`, `IPaddr::10.0.0.1/24`, `IPaddr2::…`), if `r` is one. */
function resourceAddress(r: string): string | undefined {
  const ip = /^IPaddr2?::(.*)$/.exec(r);
  if (ip) return ip[1].split('/')[0];
  if (/^[\d.]+(\/|$)/.test(r)) return r.split('/')[0];
  return undefined;
}
