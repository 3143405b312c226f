// sersync's confxml.xml read as sersync 2.5 reads it (its TinyXML walk of
// <head>): the elements it looks at, by name and place, and their attributes,
// entities decoded; comments and everything else ignored. The model is what
// sersync does with the file, so a hand-written file and rb's compare by meaning.

export interface ConfxmlModel {
  watch?: string;
  remotes: Array<{ ip: string; name: string }>;
  /** <filter start> and its <exclude expression>s. */
  filter: { start: boolean; excludes: string[] };
  /** <inotify> events by element name (delete, createFolder, createFile, closeWrite, moveFrom, moveTo, attrib, modify). */
  events: Record<string, boolean>;
  commonParams?: string;
  auth: { start: boolean; users?: string; passwordfile?: string };
  port: { start: boolean; port?: number };
  timeout: { start: boolean; time?: number };
  ssh: boolean;
  failLog?: { path: string; timeToExecute: number };
  crontab: { start: boolean; schedule?: number; filter: { start: boolean; excludes: string[] } };
}

export class ConfxmlSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}, line ${line}: ${message}`);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(v: string): string {
  return v.replace(/&(#x[0-9A-Fa-f]+|#\d+|\w+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e] ?? all;
  });
}

function attrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]] = decode(m[2] ?? m[3]);
  return out;
}

const truthy = (v: string | undefined) => v === 'true';
const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : undefined);

export function parseConfxml(text: string, file = 'confxml.xml'): ConfxmlModel {
  const model: ConfxmlModel = {
    remotes: [],
    filter: { start: false, excludes: [] },
    events: {},
    auth: { start: false },
    port: { start: false },
    timeout: { start: false },
    ssh: false,
    crontab: { start: false, filter: { start: false, excludes: [] } },
  };
  const stack: string[] = [];
  const body = text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' ')).replace(/<\?[\s\S]*?\?>/g, '');
  const lineAt = (i: number) => body.slice(0, i).split('\n').length;
  for (const m of body.matchAll(/<(\/?)([A-Za-z_][\w.-]*)((?:\s+[^>]*?)?)(\/?)>/g)) {
    const [, close, name, rest, selfClose] = m;
    if (close) {
      const top = stack.pop();
      if (top !== name) throw new ConfxmlSyntaxError(file, lineAt(m.index), `</${name}> closes <${top ?? 'nothing'}>`);
      continue;
    }
    const a = attrs(rest);
    const parent = stack[stack.length - 1];
    const inside = (p: string) => stack.includes(p);
    if (name === 'exclude' && parent === 'filter' && a.expression !== undefined) model.filter.excludes.push(a.expression);
    else if (name === 'exclude' && parent === 'crontabfilter' && a.expression !== undefined) model.crontab.filter.excludes.push(a.expression);
    else if (name === 'filter' && parent === 'head') model.filter.start = truthy(a.start);
    else if (parent === 'inotify') model.events[name] = truthy(a.start);
    else if (name === 'localpath' && inside('sersync')) model.watch = a.watch;
    else if (name === 'remote' && parent === 'localpath') model.remotes.push({ ip: a.ip ?? '', name: a.name ?? '' });
    else if (parent === 'rsync') {
      if (name === 'commonParams') model.commonParams = a.params;
      else if (name === 'auth') model.auth = { start: truthy(a.start), users: a.users, passwordfile: a.passwordfile };
      else if (name === 'userDefinedPort') model.port = { start: truthy(a.start), port: num(a.port) };
      else if (name === 'timeout') model.timeout = { start: truthy(a.start), time: num(a.time) };
      else if (name === 'ssh') model.ssh = truthy(a.start);
    } else if (name === 'failLog' && parent === 'sersync') model.failLog = { path: a.path ?? '', timeToExecute: num(a.timeToExecute) ?? 60 };
    else if (name === 'crontab' && parent === 'sersync') model.crontab = { ...model.crontab, start: truthy(a.start), schedule: num(a.schedule) };
    else if (name === 'crontabfilter' && parent === 'crontab') model.crontab.filter.start = truthy(a.start);
    if (!selfClose) stack.push(name);
  }
  if (stack.length) throw new ConfxmlSyntaxError(file, lineAt(body.length), `<${stack[stack.length - 1]}> is not closed`);
  return model;
}

/** What sersync does with a model: parts switched off (start="false") carry no meaning. */
export function confxmlMeaning(m: ConfxmlModel): ConfxmlModel {
  return {
    ...m,
    filter: m.filter.start ? m.filter : { start: false, excludes: [] },
    auth: m.auth.start ? m.auth : { start: false },
    // userDefinedPort on at 873 is rsync's own default port: the same as off.
    port: m.port.start && m.port.port !== 873 ? m.port : { start: false },
    timeout: m.timeout.start ? m.timeout : { start: false },
    crontab: m.crontab.start ? { ...m.crontab, filter: m.crontab.filter.start ? m.crontab.filter : { start: false, excludes: [] } } : { start: false, filter: { start: false, excludes: [] } },
  };
}

const EVENT_PARAMS: Record<string, string> = { createFolder: 'create_folder', createFile: 'create_file', closeWrite: 'close_write', moveFrom: 'move_from', moveTo: 'move_to', attrib: 'attrib', modify: 'modify' };

/** The sersync module params that write a file with this meaning (engine sersync; excludes kept as regexes). */
export function paramsFromConfxml(m: ConfxmlModel): Record<string, unknown> {
  const events = Object.fromEntries(Object.entries(EVENT_PARAMS).filter(([e]) => m.events[e] !== undefined).map(([e, p]) => [p, m.events[e]]));
  return {
    engine: 'sersync',
    watch: m.watch,
    remotes: m.remotes.map((r) => ({ ip: r.ip, module: r.name })),
    delete: m.events.delete ?? false,
    ...(m.commonParams !== undefined ? { rsync_options: m.commonParams } : {}),
    exclude_regex: m.filter.start ? m.filter.excludes : [],
    events,
    ...(m.crontab.start && m.crontab.schedule !== undefined ? { full_sync: { interval: m.crontab.schedule } } : {}),
    ...(m.failLog ? { fail_log: { path: m.failLog.path, interval: m.failLog.timeToExecute } } : {}),
    ...(m.auth.start ? { auth: { user: m.auth.users, ...(m.auth.passwordfile ? { password_file: m.auth.passwordfile } : {}) } } : {}),
    ...(m.port.start && m.port.port !== undefined ? { port: m.port.port } : {}),
    ...(m.timeout.start && m.timeout.time !== undefined ? { timeout: m.timeout.time } : {}),
  };
}
