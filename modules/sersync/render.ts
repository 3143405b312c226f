// The two config files the module can write for the same model: sersync's
// confxml.xml (the seed's own format) and the equivalent lsyncd.conf.lua,
// one `sync { default.rsync, ... }` per remote, as sersync pushes to each
// <remote> of its <localpath>. Both pure; the unit tests pin their text.

import { globToRegex, lsyncdFlags } from './options.js';
import { EVENTS, type Remote, type SersyncParams } from './params.js';

/** A Lua string literal. */
export function luaString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\x00-\x1f]/g, (c) => `\\${c.charCodeAt(0).toString().padStart(3, '0')}`)}"`;
}

function target(p: SersyncParams, r: Remote): string {
  return `${p.auth ? `${p.auth.user}@` : ''}${r.ip}::${r.module}`;
}

/** lsyncd's status file lives beside its log. */
export function statusFile(p: SersyncParams): string {
  return p.log_file.replace(/[^/]*$/, 'lsyncd.status');
}

export function renderLsyncd(p: SersyncParams): string {
  const flags = lsyncdFlags(p.rsync_options);
  const extra = [...flags.extra, ...(p.port !== 873 ? [`--port=${p.port}`] : [])];
  const rsync = [
    ...flags.fields.map((f) => `\t\t${f} = true,`),
    ...(p.auth ? [`\t\tpassword_file = ${luaString(p.auth.password_file)},`] : []),
    ...(p.timeout !== undefined ? [`\t\ttimeout = ${p.timeout},`] : []),
    ...(extra.length ? [`\t\t_extra = { ${extra.map(luaString).join(', ')} },`] : []),
  ];
  const out = [
    `-- lsyncd.conf.lua, written by rb (module sersync, engine lsyncd): pushes ${p.watch}`,
    `-- to ${p.remotes.length} rsync daemon${p.remotes.length === 1 ? '' : 's'} on every change (inotify + rsync), as sersync would.`,
    'settings {',
    `\tlogfile = ${luaString(p.log_file)},`,
    `\tstatusFile = ${luaString(statusFile(p))},`,
    `\tpidfile = ${luaString(p.pid_file)},`,
    // A remote that is down at start must not keep the others from syncing.
    '\tinsist = true,',
    '}',
  ];
  for (const r of p.remotes) {
    out.push(
      '',
      'sync {',
      '\tdefault.rsync,',
      `\tsource = ${luaString(p.watch)},`,
      `\ttarget = ${luaString(target(p, r))},`,
      `\tdelete = ${p.delete},`,
      `\tdelay = ${p.delay},`,
      ...(p.initial_sync ? [] : ['\tinit = false,']),
      ...(p.exclude.length ? [`\texclude = { ${p.exclude.map(luaString).join(', ')} },`] : []),
      '\trsync = {',
      ...rsync,
      '\t},',
      '}',
    );
  }
  return `${out.join('\n')}\n`;
}

/** XML attribute value. */
export function xmlAttr(s: string): string {
  return `"${s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"`;
}

const on = (b: boolean) => xmlAttr(b ? 'true' : 'false');

const camel = (k: string) => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** Every exclude as sersync's regular expression: rsync patterns translated, regexes as they are. */
export function excludeExpressions(p: Pick<SersyncParams, 'exclude' | 'exclude_regex'>): string[] {
  return [...p.exclude.map(globToRegex), ...(p.exclude_regex ?? [])];
}

export function renderConfxml(p: SersyncParams): string {
  const expressions = excludeExpressions(p);
  const excludes = expressions.map((e) => `\t<exclude expression=${xmlAttr(e)}></exclude>`);
  const events = { ...EVENTS, ...p.events };
  const failLog = p.fail_log ?? { path: '/tmp/rsync_fail_log.sh', interval: 60 };
  return [
    '<?xml version="1.0" encoding="ISO-8859-1"?>',
    '<!-- confxml.xml, written by rb (module sersync, engine sersync) -->',
    '<head version="2.5">',
    '    <host hostip="localhost" port="8008"></host>',
    '    <debug start="false"/>',
    '    <fileSystem xfs="false"/>',
    `    <filter start=${on(excludes.length > 0)}>`,
    ...excludes,
    '    </filter>',
    '    <inotify>',
    `\t<delete start=${on(p.delete)}/>`,
    ...Object.entries(events).map(([k, v]) => `\t<${camel(k)} start=${on(v)}/>`),
    '    </inotify>',
    '',
    '    <sersync>',
    `\t<localpath watch=${xmlAttr(p.watch)}>`,
    ...p.remotes.map((r) => `\t    <remote ip=${xmlAttr(r.ip)} name=${xmlAttr(r.module)}/>`),
    '\t</localpath>',
    '\t<rsync>',
    `\t    <commonParams params=${xmlAttr(p.rsync_options)}/>`,
    `\t    <auth start=${on(Boolean(p.auth))} users=${xmlAttr(p.auth?.user ?? 'root')} passwordfile=${xmlAttr(p.auth?.password_file ?? '/etc/rsync.pas')}/>`,
    `\t    <userDefinedPort start=${on(p.port !== 873)} port="${p.port}"/>`,
    `\t    <timeout start=${on(p.timeout !== undefined)} time="${p.timeout ?? 100}"/>`,
    '\t    <ssh start="false"/>',
    '\t</rsync>',
    `\t<failLog path=${xmlAttr(failLog.path)} timeToExecute="${failLog.interval}"/>`,
    `\t<crontab start=${on(Boolean(p.full_sync))} schedule="${p.full_sync?.interval ?? 600}">`,
    `\t    <crontabfilter start=${on(Boolean(p.full_sync) && excludes.length > 0)}>`,
    ...(p.full_sync ? expressions.map((e) => `\t\t<exclude expression=${xmlAttr(e)}></exclude>`) : []),
    '\t    </crontabfilter>',
    '\t</crontab>',
    '\t<plugin start="false" name="command"/>',
    '    </sersync>',
    '</head>',
    '',
  ].join('\n');
}
