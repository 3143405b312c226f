// user: a local account present with its uid, groups, shell, home, comment and
// password hash, or absent, made with the host's own useradd/usermod/userdel
// as Ansible's user module does (same options, same idempotence rules: groups
// compared with the groups that list the user, `append` only adds). Facts are
// one getent read batched with the other tasks'; the password hash is a
// secret, never shown, and read from shadow only when `password` is given.
//
//   - user:
//       name: lbadmin
//       uid: 1500
//       groups: [adm, haclient]
//       append: true
//       shell: /bin/bash
//       password: "{{ lbadmin_hash }}"

import { defineModule, runFactsQuery, stdoutFactsQuery, type FactsQuery } from '../../core/module.js';
import { and, argv } from '../../core/transport/shell.js';
import { accountsCommand, parseAccounts, passwdLine, type AccountFacts, type PasswdEntry } from '../lib/accounts.js';
import { planUser, restoreCommands, type UserParams } from './plan.js';

const NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;
const FIELD = /^[^:\n\r]*$/;

function query(host: string, p: UserParams): FactsQuery<AccountFacts> {
  const command = accountsCommand({ user: p.name, hash: p.password !== undefined && p.state === 'present', home: p.home ?? 'passwd' });
  return stdoutFactsQuery(host, 'user', command, parseAccounts);
}

/** What `register:` holds, in Ansible's result shape (uid, group as a gid, comment, home, shell). */
export function userResult(p: UserParams, u: PasswdEntry | undefined): Record<string, unknown> {
  const base = { name: p.name, state: p.state, ...(p.state === 'present' ? { append: p.append, system: p.system, create_home: p.create_home } : {}) };
  if (!u || p.state === 'absent') return base;
  const groups = p.groups === undefined ? {} : { groups: p.groups.join(',') };
  return { ...base, uid: u.uid, group: u.gid, comment: u.comment, home: u.home, shell: u.shell, ...groups };
}

export default defineModule<UserParams, AccountFacts>({
  name: 'user',
  summary: 'A local user account (uid, group, groups, shell, home, comment, password hash) present or absent',
  params: {
    name: { type: 'string', required: true, aliases: ['user'], pattern: NAME, patternName: 'a user name' },
    state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
    uid: { type: 'int', min: 0, max: 4294967294 },
    group: { type: 'string', pattern: /^[^\s:,]+$/, patternName: 'a group name or gid', description: 'primary group (name or gid); it must exist' },
    groups: {
      type: 'list',
      single: true,
      items: { type: 'string', pattern: /^[^\s:]*$/, patternName: 'group names' },
      description: "supplementary groups (a list, or names joined by commas); [] or '' leaves every group unless append",
    },
    append: { type: 'bool', default: false, description: 'add the user to groups, leaving the others' },
    shell: { type: 'string', pattern: FIELD, patternName: 'a path without ":"' },
    home: { type: 'string', pattern: /^\/[^:\n\r]*$/, patternName: 'an absolute path without ":"' },
    create_home: { type: 'bool', default: true, aliases: ['createhome'], description: 'make the home directory (from /etc/skel) when it is missing' },
    move_home: { type: 'bool', default: false, description: 'when home changes, move the old home directory there' },
    system: { type: 'bool', default: false, description: 'a system account (uid from the system range) when it is created' },
    comment: { type: 'string', pattern: FIELD, patternName: 'text without ":" or a line break' },
    password: { type: 'string', secret: true, pattern: FIELD, patternName: 'a crypt hash', description: 'the crypt hash (password_hash), never the clear password; never shown' },
    update_password: { type: 'string', enum: ['always', 'on_create'], default: 'always', description: 'on_create: set the hash only when the user is created' },
    remove: { type: 'bool', default: false, description: 'state: absent also removes the home directory and mail spool (userdel -r)' },
    force: { type: 'bool', default: false, description: 'state: absent even while the user is logged in (userdel -f)' },
  },
  rules: (p) => {
    const out: Array<[string, string]> = [];
    if (p.state === 'absent') {
      for (const k of ['uid', 'group', 'groups', 'shell', 'home', 'comment', 'password']) if (p[k] !== undefined) out.push([k, 'makes no sense with state: absent']);
    }
    if (p.move_home === true && p.home === undefined) out.push(['move_home', 'needs home (where to move it)']);
    return out;
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- user: { name: lbadmin, uid: 1500, groups: [adm], append: true, shell: /bin/bash }
- user: { name: olduser, state: absent, remove: true }`,

  factsQuery: (ctx, p) => query(ctx.host, p),
  facts: (ctx, p) => runFactsQuery(ctx, query(ctx.host, p)),
  plan: planUser,
  registers: (p, f) => userResult(p, f.user),
  async apply(ctx, p, plan) {
    // The entry as the host has it afterwards, in the same exec, for register.
    const r = await ctx.run(`${and(...plan.changes.flatMap((c) => c.commands ?? []))} && { getent passwd -- ${argv([p.name])} || true; }`);
    const line = r.stdout.split('\n').reverse().find((l) => l.startsWith(`${p.name}:`));
    return { ...userResult(p, line ? passwdLine(line) : undefined), changed: true };
  },
  async rollback(ctx, p, snapshot, applied) {
    const cmds = restoreCommands(p, snapshot, applied);
    if (cmds.length) await ctx.run(and(...cmds));
  },
});
