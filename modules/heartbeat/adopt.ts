// `rb adopt` for heartbeat: the files heartbeat 3 reads in /etc/ha.d, read as
// it reads them. ha.cf: each directive rb types as its param (seconds as
// numbers, on/off as booleans, media and node lines as lists), the others kept
// verbatim in `extra`, in their order. authkeys: the signing key (`auth N`)
// and the keys still accepted; the secrets are params marked secret, so adopt
// writes them as vault-marked variables and they are masked everywhere.
// haresources: its groups (unless crm is on: heartbeat then ignores the file,
// and rb leaves it alone). Resource scripts: those haresources names that are
// in resource.d/ and no package installed there (IPaddr, Filesystem or
// ldirectord come with heartbeat or ldirectord and are not adopted).

import type { ModuleAdopt } from '../../core/module.js';
import { sh } from '../../core/transport/shell.js';
import type { Authkeys } from './authkeys.js';
import type { HeartbeatFacts } from './facts.js';
import { parseHaCf } from './hacf.js';
import { parseHaresources, scriptOf } from './haresources.js';
import { DEFAULT_PATH } from './params.js';

type Obj = Record<string, unknown>;

/** The resource.d/ scripts heartbeat 3.0.6 and ldirectord ship, for hosts without a dpkg database to ask. */
export const SHIPPED_SCRIPTS = new Set([
  'AudibleAlarm', 'Delay', 'Filesystem', 'ICP', 'IPaddr', 'IPaddr2', 'IPsrcaddr', 'IPv6addr', 'LVM', 'LinuxSCSI', 'MailTo', 'OCF',
  'Raid1', 'SendArp', 'ServeRAID', 'WAS', 'WinPopup', 'Xinetd', 'apache', 'db2', 'hto-mapfuncs', 'ids', 'ldirectord', 'portblock',
]);

const RESOURCE_D = `${DEFAULT_PATH}/resource.d`;

// ha.cf decides whether there is anything to adopt; haresources and the
// scripts in resource.d/ (and those a package installed) decide which scripts.
const DISCOVER =
  sh`if [ -f ${`${DEFAULT_PATH}/ha.cf`} ]; then echo hacf; ` +
  sh`for f in ${RESOURCE_D}/*; do [ -f "$f" ] && echo "file \${f##*/}"; done; ` +
  sh`grep -h ${`^${RESOURCE_D}/`} /var/lib/dpkg/info/*.list 2>/dev/null | sed 's|.*/|packaged |'; ` +
  sh`[ -r ${`${DEFAULT_PATH}/haresources`} ] && sed 's/^/haresources /' ${`${DEFAULT_PATH}/haresources`}; fi; true`;

/** The scripts of resource.d/ that haresources names and no package installed. */
export function adoptedScripts(stdout: string): string[] {
  const lines = stdout.split('\n');
  const tagged = (tag: string) => lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.slice(tag.length + 1));
  const files = new Set(tagged('file'));
  const packaged = new Set(tagged('packaged'));
  const groups = parseHaresources(tagged('haresources').join('\n'));
  const named = [...new Set(groups.flatMap((g) => g.resources.map(scriptOf)))];
  return named.filter((s) => files.has(s) && !packaged.has(s) && !SHIPPED_SCRIPTS.has(s));
}

function authkeysParams(a: Authkeys): Obj | undefined {
  const signing = a.keys.find((k) => k.index === a.auth);
  if (!signing) return undefined;
  const others = a.keys.filter((k) => k !== signing).map((k) => ({ index: k.index, method: k.method, ...(k.key !== undefined ? { key: k.key } : {}) }));
  return {
    method: signing.method,
    ...(signing.key !== undefined ? { key: signing.key } : {}),
    ...(signing.index !== 1 ? { index: signing.index } : {}),
    ...(others.length ? { also_accept: others } : {}),
  };
}

const crmOn = (v: unknown) => v !== undefined && !['off', 'no', 'false'].includes(String(v).toLowerCase());

/** The task that reproduces what the facts saw; undefined when ha.cf is absent or unreadable. */
export function heartbeatTask(f: HeartbeatFacts, scripts: string[]): Obj | undefined {
  if (!f.ha_cf.exists || f.ha_cf.content === undefined) return undefined;
  const ha = parseHaCf(f.ha_cf.content);
  const task: Obj = {
    ...(f.path !== DEFAULT_PATH ? { path: f.path } : {}),
    state: f.daemon.running ? 'started' : 'stopped',
    ha_cf: { ...ha.values, ...(ha.extra.length ? { extra: ha.extra } : {}) },
  };
  // Without a readable authkeys the task says so when it is checked (authkeys is required).
  const keys = f.authkeys.model ? authkeysParams(f.authkeys.model) : undefined;
  if (keys) task.authkeys = keys;
  if (f.haresources.model && !crmOn(ha.values.crm)) task.resources = f.haresources.model.map((g) => ({ node: g.node, resources: g.resources }));
  const bodies = scripts.filter((s) => f.scripts[s]?.content !== undefined).map((s) => [s, f.scripts[s].content!]);
  if (bodies.length) task.resource_scripts = Object.fromEntries(bodies);
  return task;
}

export const heartbeatAdopt: ModuleAdopt<HeartbeatFacts> = {
  probe: [],
  discover: {
    command: DISCOVER,
    // The probe is checked as params: a placeholder ha.cf and authkeys (only its path and scripts are read).
    probes(stdout) {
      if (!/^hacf$/m.test(stdout)) return [];
      const scripts = adoptedScripts(stdout);
      return [{ path: DEFAULT_PATH, ha_cf: { node: ['probe'], bcast: ['lo'] }, authkeys: { method: 'crc' }, ...(scripts.length ? { resource_scripts: Object.fromEntries(scripts.map((s) => [s, ''])) } : {}) }];
    },
  },
  params(f, _host, probe) {
    const t = heartbeatTask(f, Object.keys((probe?.resource_scripts as Obj | undefined) ?? {}));
    return t ? [t] : [];
  },
};
