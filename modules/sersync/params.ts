// Params of the sersync module: sersync's confxml.xml as a model (watched
// path, remotes, delete, rsync options, excludes, auth, port, timeout), plus
// which engine runs it and where its files go.

import type { Fields, ParamSpec } from '../../core/schema/types.js';
import { SUPPORTED_LETTERS, unsupportedLetters } from './options.js';
import { controlProblems } from '../lib/config-values.js';

/** A regular expression sersync matches against paths (<exclude expression>): one that compiles, on one line. */
const REGEX: ParamSpec = {
  type: 'string',
  pattern: /^\S(?:.*\S)?$/,
  patternName: 'a regular expression without blanks at either end',
  check: (v: string) => {
    try {
      new RegExp(v);
      return undefined;
    } catch (e) {
      return `not a regular expression: ${(e as Error).message}`;
    }
  },
};

/** sersync's <inotify> events, with its defaults as rb writes them. */
export const EVENTS = { create_folder: true, create_file: false, close_write: true, move_from: true, move_to: true, attrib: false, modify: false };

const PATH: ParamSpec = { type: 'string', pattern: /^\/[^\s"'\\<>&]*$/, patternName: 'an absolute path without spaces, quotes, \\, <, > or &' };
const NAME: ParamSpec = { type: 'string', pattern: /^[A-Za-z0-9_.@:-]+$/, patternName: 'a name of letters, digits, _ . @ : -' };

export const LSYNCD_CONFIG = '/etc/lsyncd/lsyncd.conf.lua';
export const SERSYNC_CONFIG = '/usr/local/sersync/confxml.xml';
export const SERSYNC_BIN = '/usr/local/sersync/sersync2';

export const sersyncParams: Fields = {
  engine: {
    type: 'string',
    enum: ['auto', 'lsyncd', 'sersync'],
    default: 'auto',
    description: 'auto: sersync2 when installed, else lsyncd (Debian packages lsyncd, not sersync)',
  },
  watch: { ...PATH, required: true, aliases: ['localpath'], description: 'directory pushed to the remotes on every change (<localpath watch>)' } as ParamSpec,
  remotes: {
    type: 'list',
    required: true,
    items: {
      type: 'object',
      fields: {
        ip: { ...NAME, required: true, description: 'rsync daemon address (<remote ip>)' } as ParamSpec,
        module: { ...NAME, required: true, aliases: ['name'], description: 'rsyncd module on it (<remote name>)' } as ParamSpec,
      },
    },
    description: 'rsync daemons to push to: [{ ip, module }]',
  },
  delete: { type: 'bool', default: true, description: 'propagate deletions (<delete start>); lsyncd also deletes extra files on the targets at start' },
  rsync_options: {
    type: 'string',
    default: '-artuz',
    pattern: /^-[A-Za-z]+$/,
    patternName: 'rsync short options like -artuz',
    description: `rsync options (<commonParams>); letters lsyncd can express: ${SUPPORTED_LETTERS}`,
  },
  exclude: { type: 'list', single: true, items: { type: 'string', pattern: /^[^\s"'\\<>&]+$/, patternName: 'an rsync exclude pattern without spaces or quotes' }, default: [], description: 'rsync exclude patterns (*.swp, cache/); sersync gets them as regular expressions' },
  auth: {
    type: 'object',
    fields: {
      user: { ...NAME, required: true, description: 'rsyncd auth user (<auth users>)' } as ParamSpec,
      password: { type: 'string', secret: true, pattern: /^[^\r\n]+$/, patternName: 'a password on one line', description: 'written to password_file (mode 0600); never shown' },
      password_file: { ...PATH, default: '/etc/rsync.pass', description: 'rsync --password-file (<auth passwordfile>)' } as ParamSpec,
    },
    description: 'rsyncd authentication: { user, password, password_file }',
  },
  exclude_regex: { type: 'list', single: true, items: REGEX, default: [], description: 'sersync: exclude regular expressions written as they are (anchored ^cache/ or grouped (tmp|swp)$); engine sersync only' },
  events: {
    type: 'object',
    fields: Object.fromEntries(Object.entries(EVENTS).map(([k, d]) => [k, { type: 'bool', default: d, description: `sersync <${k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}> (default ${d})` }])),
    default: EVENTS,
    description: 'sersync: inotify events that trigger a push; lsyncd reacts to every change (only the defaults with lsyncd)',
  },
  full_sync: {
    type: 'object',
    fields: { interval: { type: 'int', min: 1, max: 525600, required: true, description: 'minutes between full pushes (<crontab schedule>)' } },
    description: 'sersync: push the whole tree every interval minutes, excludes applied (<crontab start="true">); engine sersync only',
  },
  fail_log: {
    type: 'object',
    fields: {
      path: { ...PATH, default: '/tmp/rsync_fail_log.sh', description: 'script sersync writes the failed pushes to (<failLog path>)' } as ParamSpec,
      interval: { type: 'int', min: 1, max: 525600, default: 60, description: 'minutes between runs of that script (timeToExecute)' },
    },
    default: { path: '/tmp/rsync_fail_log.sh', interval: 60 },
    description: 'sersync: retry of failed pushes (<failLog>)',
  },
  port: { type: 'int', min: 1, max: 65535, default: 873, description: 'rsync daemon port (<userDefinedPort>)' },
  timeout: { type: 'int', min: 1, max: 86400, description: 'rsync I/O timeout in seconds (<timeout>)' },
  delay: { type: 'int', min: 0, max: 3600, default: 1, description: 'lsyncd: seconds events are collected before an rsync (sersync has no such setting)' },
  initial_sync: { type: 'bool', default: true, description: 'push the whole tree when the daemon starts (sersync -r, lsyncd init)' },
  config: { ...PATH, description: `config file (default ${LSYNCD_CONFIG} for lsyncd, ${SERSYNC_CONFIG} for sersync)` } as ParamSpec,
  sersync_bin: { ...PATH, default: SERSYNC_BIN, description: 'sersync2 when it is not in PATH' } as ParamSpec,
  log_file: { ...PATH, default: '/var/log/lsyncd/lsyncd.log', description: 'lsyncd log' } as ParamSpec,
  pid_file: { ...PATH, default: '/var/run/lsyncd.pid', description: 'lsyncd pid file' } as ParamSpec,
  state: { type: 'string', enum: ['started', 'stopped'], default: 'started', description: 'the sync daemon running or not' },
};

export interface Remote {
  ip: string;
  module: string;
}

export interface SersyncParams {
  engine: 'auto' | 'lsyncd' | 'sersync';
  watch: string;
  remotes: Remote[];
  delete: boolean;
  rsync_options: string;
  exclude: string[];
  exclude_regex: string[];
  events: typeof EVENTS;
  full_sync?: { interval: number };
  fail_log: { path: string; interval: number };
  auth?: { user: string; password?: string; password_file: string };
  port: number;
  timeout?: number;
  delay: number;
  initial_sync: boolean;
  config?: string;
  sersync_bin: string;
  log_file: string;
  pid_file: string;
  state: 'started' | 'stopped';
}

export function checkSersyncParams(v: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = controlProblems(v, '', ['auth.password']);
  const p = v as unknown as SersyncParams;
  if (p.engine !== 'sersync') {
    const why = 'is a sersync setting lsyncd has no equivalent for: set engine: sersync';
    if (p.exclude_regex.length) out.push(['exclude_regex', `${why} (or give rsync patterns in exclude)`]);
    if (p.full_sync) out.push(['full_sync', why]);
    for (const [k, d] of Object.entries(EVENTS)) if (p.events[k as keyof typeof EVENTS] !== d) out.push([`events.${k}`, `${why} (lsyncd reacts to every change)`]);
    if (p.fail_log.path !== '/tmp/rsync_fail_log.sh' || p.fail_log.interval !== 60) out.push(['fail_log', why]);
  }
  if (p.remotes.length === 0) out.push(['remotes', 'at least one remote is needed']);
  const keys = p.remotes.map((r) => `${r.ip}::${r.module}`);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) out.push(['remotes', `${dup} is listed twice`]);
  const bad = unsupportedLetters(p.rsync_options);
  if (bad.length && p.engine !== 'sersync') out.push(['rsync_options', `lsyncd has no setting for -${bad.join('')} (supported: ${SUPPORTED_LETTERS}); use engine: sersync or drop them`]);
  if (p.watch === '/') out.push(['watch', 'refusing to push / to other hosts']);
  return out;
}
