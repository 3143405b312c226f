// stat: what a path is on the host, registered in Ansible's shape
// (`result.stat.exists`, `.isdir`, `.mode` as "0644", `.checksum`, ...). It
// only looks: never a change, in check mode too, and its one read-only command
// is batched with the other tasks' facts (no exec of its own).
//
//   - stat: { path: /etc/keepalived/keepalived.conf }
//     register: conf
//   - debug: { msg: "{{ conf.stat.checksum }}" }
//     when: conf.stat.exists

import { defineModule, noop, runFactsQuery, stdoutFactsQuery, type FactsQuery } from '../core/module.js';
import { sh } from '../core/transport/shell.js';

export interface StatParams {
  path: string;
  follow: boolean;
  get_checksum: boolean;
  checksum_algorithm: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  get_mime?: boolean;
  get_attributes?: boolean;
}

export type StatFacts = Record<string, unknown>;

// %f raw mode (hex), %s size, %u/%g ids, %U/%G names, %X/%Y/%Z times, %i inode, %h links, %d device.
const FORMAT = '%f|%s|%u|%g|%U|%G|%X|%Y|%Z|%i|%h|%d';

/** One read-only command (a subshell: it may share a shell with other facts): `missing`, or the stat line, link target, resolved path and checksum. */
export function statCommand(p: StatParams): string {
  const stat = p.follow ? 'stat -L' : 'stat';
  const sum = `${p.checksum_algorithm}sum`;
  const body = [
    sh`rb_p=${p.path}`,
    'if [ ! -e "$rb_p" ] && [ ! -L "$rb_p" ]; then echo missing; exit 0; fi',
    `${stat} -c '${FORMAT}' -- "$rb_p" || exit 1`,
    'echo "link $(readlink -- "$rb_p")"; echo "real $(readlink -f -- "$rb_p")"',
    '[ -r "$rb_p" ] && echo readable; [ -w "$rb_p" ] && echo writeable; [ -x "$rb_p" ] && echo executable',
    ...(p.get_checksum ? [`if [ -f "$rb_p" ] && [ -r "$rb_p" ]; then echo "sum $(${sum} < "$rb_p" | cut -d' ' -f1)"; fi`] : []),
    'exit 0',
  ];
  return `(\n${body.join('\n')}\n)`;
}

const TYPES: Array<[string, number]> = [
  ['isdir', 0o040000],
  ['ischr', 0o020000],
  ['isblk', 0o060000],
  ['isreg', 0o100000],
  ['isfifo', 0o010000],
  ['islnk', 0o120000],
  ['issock', 0o140000],
];

const BITS: Array<[string, number]> = [
  ['rusr', 0o400], ['wusr', 0o200], ['xusr', 0o100],
  ['rgrp', 0o040], ['wgrp', 0o020], ['xgrp', 0o010],
  ['roth', 0o004], ['woth', 0o002], ['xoth', 0o001],
  ['isuid', 0o4000], ['isgid', 0o2000],
];

/** statCommand's output as Ansible's `stat` dictionary. Pure; throws on output it cannot read. */
export function parseStat(p: StatParams, stdout: string): StatFacts {
  const lines = stdout.split('\n');
  if (lines[0] === 'missing') return { exists: false };
  const f = (lines[0] ?? '').split('|');
  if (f.length !== 12 || !/^[0-9a-f]+$/.test(f[0])) throw new Error(`expected the stat line first, got ${JSON.stringify((lines[0] ?? '').slice(0, 100))}`);
  const raw = parseInt(f[0], 16);
  const out: StatFacts = { exists: true, path: p.path, mode: (raw & 0o7777).toString(8).padStart(4, '0') };
  for (const [k, t] of TYPES) out[k] = (raw & 0o170000) === t;
  for (const [k, b] of BITS) out[k] = (raw & b) !== 0;
  const num = (s: string) => Number(s);
  Object.assign(out, {
    size: num(f[1]), uid: num(f[2]), gid: num(f[3]), pw_name: f[4], gr_name: f[5],
    atime: num(f[6]), mtime: num(f[7]), ctime: num(f[8]), inode: num(f[9]), nlink: num(f[10]), dev: num(f[11]),
  });
  const rest = lines.slice(1);
  const value = (prefix: string) => rest.find((l) => l.startsWith(prefix))?.slice(prefix.length);
  out.readable = rest.includes('readable');
  out.writeable = rest.includes('writeable');
  out.executable = rest.includes('executable');
  if (out.islnk) {
    out.lnk_target = value('link ');
    out.lnk_source = value('real ');
  }
  const sum = value('sum ');
  if (sum !== undefined) out.checksum = sum;
  return out;
}

function statQuery(host: string, p: StatParams): FactsQuery<StatFacts> {
  return stdoutFactsQuery(host, 'stat', statCommand(p), (out) => parseStat(p, out));
}

export default defineModule<StatParams, StatFacts>({
  name: 'stat',
  summary: "What a path is on the host (exists, type, mode, owner, size, checksum), registered as Ansible's stat",
  params: {
    path: { type: 'string', required: true, aliases: ['dest', 'name'], pattern: /^\/[^\n\r]*$/, patternName: 'an absolute path' },
    follow: { type: 'bool', default: false, description: 'describe the target of a symbolic link' },
    get_checksum: { type: 'bool', default: true, description: 'checksum of a regular file' },
    checksum_algorithm: { type: 'string', enum: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], default: 'sha1', aliases: ['checksum', 'checksum_algo'] },
    get_mime: { type: 'bool', aliases: ['mime', 'mime_type', 'mime-type'], description: 'rb does not read MIME types: only false is accepted' },
    get_attributes: { type: 'bool', aliases: ['attr', 'attributes'], description: 'rb does not read file attributes: only false is accepted' },
  },
  rules: (p) => [
    ...(p.get_mime === true ? [['get_mime', 'rb does not read MIME types (leave it out or set false)'] as [string, string]] : []),
    ...(p.get_attributes === true ? [['get_attributes', 'rb does not read file attributes (leave it out or set false)'] as [string, string]] : []),
  ],
  supports: { check: true, diff: false, rollback: false },
  example: `- stat: { path: /etc/keepalived/keepalived.conf }
  register: conf`,

  factsQuery: (ctx, p) => statQuery(ctx.host, p),
  facts: (ctx, p) => runFactsQuery(ctx, statQuery(ctx.host, p)),
  plan: (p, f) => noop(f.exists ? `${p.path} is there (mode ${f.mode as string})` : `${p.path} does not exist`),
  registers: (_p, f) => ({ stat: f }),
  // The plan is always empty: apply is never called.
  apply: async () => ({ changed: false }),
});
