// The pure half of `user`: the changes that bring a getent view of the host to
// the wanted account, as the commands Ansible's user module runs (useradd with
// the same options, one usermod per changed attribute, userdel), and the
// commands that put a snapshot back.

import { posix } from 'node:path';
import type { Change, Plan } from '../../core/module.js';
import { noop } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { argv } from '../../core/transport/shell.js';
import { findGroup, type AccountFacts } from '../lib/accounts.js';

export interface UserParams {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  group?: string;
  groups?: string[];
  append: boolean;
  shell?: string;
  home?: string;
  create_home: boolean;
  move_home: boolean;
  system: boolean;
  comment?: string;
  password?: string;
  update_password: 'always' | 'on_create';
  remove: boolean;
  force: boolean;
}

/** `groups` as Ansible reads it: a list, each item possibly comma-separated, blanks dropped. */
export function wantedGroups(p: UserParams): string[] | undefined {
  if (p.groups === undefined) return undefined;
  return [...new Set(p.groups.flatMap((g) => String(g).split(',')).map((g) => g.trim()).filter(Boolean))];
}

/** The groups listing the user as a member (the primary group counts only when it lists the user too, as in Ansible). */
export function memberships(f: AccountFacts, name: string): string[] {
  return f.groups.filter((g) => g.members.includes(name)).map((g) => g.name);
}

/** The home directory a new user gets: `home`, else useradd's base + name. */
export function newHome(p: UserParams, f: AccountFacts): string {
  return p.home ?? posix.join(f.homeBase ?? '/home', p.name);
}

const HASH_LIKE = /^(\$[0-9a-z]+\$|[!*]|$)/;

function warnings(p: UserParams): string[] {
  return p.password !== undefined && !HASH_LIKE.test(p.password) ? ['the password does not look like a crypt hash: it is written as given (use password_hash)'] : [];
}

function createUser(p: UserParams, f: AccountFacts): Plan {
  const groups = wantedGroups(p);
  const args = ['useradd'];
  if (p.uid !== undefined) args.push('-u', String(p.uid));
  if (p.group !== undefined) args.push('-g', p.group);
  else if (f.groups.some((g) => g.name === p.name)) args.push('-N'); // a group of the user's name exists: useradd would fail making it
  if (groups?.length) args.push('-G', groups.join(','));
  if (p.comment !== undefined) args.push('-c', p.comment);
  if (p.home !== undefined) args.push('-d', p.home);
  if (p.shell !== undefined) args.push('-s', p.shell);
  if (p.password !== undefined) args.push('-p', p.password);
  args.push(p.create_home ? '-m' : '-M');
  if (p.system) args.push('-r');
  args.push(p.name);
  const cmds: string[] = [];
  if (p.home !== undefined && p.create_home) cmds.push(argv(['mkdir', '-p', '--', posix.dirname(p.home)]));
  cmds.push(argv(args));
  const what = [
    p.uid !== undefined ? `uid ${p.uid}` : '',
    p.group !== undefined ? `group ${p.group}` : '',
    groups?.length ? `groups ${groups.join(',')}` : '',
    p.create_home ? `home ${newHome(p, f)}` : '',
    p.shell !== undefined ? `shell ${p.shell}` : '',
  ].filter(Boolean);
  const change: Change = { kind: 'create-user', resource: p.name, field: 'state', before: undefined, after: what.length ? `present (${what.join(', ')})` : 'present', commands: cmds };
  return { changes: [change], warnings: warnings(p) };
}

function groupName(f: AccountFacts, gid: number): string {
  return f.groups.find((g) => g.gid === gid)?.name ?? String(gid);
}

export function planUser(p: UserParams, f: AccountFacts): Plan {
  const cur = f.user;
  if (p.state === 'absent') {
    if (!cur) return noop(`user ${p.name} is absent`);
    const cmd = argv(['userdel', ...(p.force ? ['-f'] : []), ...(p.remove ? ['-r'] : []), p.name]);
    return { changes: [{ kind: 'remove-user', resource: p.name, field: 'state', before: 'present', after: undefined, commands: [cmd] }] };
  }
  if (!cur) return createUser(p, f);
  const name = p.name;
  const changes: Change[] = [];
  const mod = (kind: string, field: string, before: unknown, after: unknown, opts: string[], secret = false) =>
    changes.push({ kind, resource: name, field, before, after, commands: [argv(['usermod', ...opts, name])], ...(secret ? { secret } : {}) });
  if (p.uid !== undefined && cur.uid !== p.uid) mod('set-uid', 'uid', cur.uid, p.uid, ['-u', String(p.uid)]);
  if (p.group !== undefined) {
    const g = findGroup(f.groups, p.group);
    if (!g || g.gid !== cur.gid) mod('set-group', 'group', groupName(f, cur.gid), p.group, ['-g', p.group]);
  }
  const groups = wantedGroups(p);
  if (groups !== undefined) {
    const current = memberships(f, name);
    const want = groups.map((g) => findGroup(f.groups, g)?.name ?? g);
    const missing = want.filter((g) => !current.includes(g));
    const extra = current.filter((g) => !want.includes(g));
    const before = [...current].sort();
    if (want.length === 0) {
      if (current.length && !p.append) mod('set-groups', 'groups', before, [], ['-G', '']);
    } else if (p.append) {
      if (missing.length) mod('add-groups', 'groups', before, [...new Set([...current, ...want])].sort(), ['-a', '-G', groups.join(',')]);
    } else if (missing.length || extra.length) {
      mod('set-groups', 'groups', before, [...want].sort(), ['-G', groups.join(',')]);
    }
  }
  if (p.comment !== undefined && cur.comment !== p.comment) mod('set-comment', 'comment', cur.comment, p.comment, ['-c', p.comment]);
  if (p.home !== undefined && cur.home !== p.home) mod('set-home', 'home', cur.home, p.home, ['-d', p.home, ...(p.move_home ? ['-m'] : [])]);
  if (p.shell !== undefined && cur.shell !== p.shell) mod('set-shell', 'shell', cur.shell, p.shell, ['-s', p.shell]);
  if (p.password !== undefined && p.update_password === 'always' && f.hash !== p.password) {
    mod('set-password', 'password', f.hash === undefined ? undefined : 'another hash', 'the given hash', ['-p', p.password], true);
  }
  // As Ansible: a user whose home directory is missing gets one (skeleton, owned by the user), unless create_home is false.
  const home = p.home ?? cur.home;
  const moved = p.move_home && p.home !== undefined && cur.home !== p.home;
  if (p.create_home && !f.homeExists && !moved && home) {
    const uid = p.uid ?? cur.uid;
    changes.push({ kind: 'create-home', resource: name, field: 'home directory', before: undefined, after: home, commands: [createHomeCommand(home, uid, p.group ?? String(cur.gid))] });
  }
  if (!changes.length) return { ...noop(`user ${name} is present (uid ${cur.uid}) as wanted`), warnings: warnings(p) };
  return { changes, warnings: warnings(p) };
}

/** A home directory as Ansible's create_homedir makes it: a copy of /etc/skel (or empty), mode from login.defs' UMASK, owned by the user. */
export function createHomeCommand(home: string, uid: number, group: string): string {
  const h = argv([home]);
  return (
    `if [ -d /etc/skel ]; then mkdir -p -- "$(dirname -- ${h})" && cp -a /etc/skel ${h}; else mkdir -p -- ${h}; fi && ` +
    `rb_um=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-7]\\{1,4\\}\\).*/\\1/p' /etc/login.defs 2>/dev/null | head -n1) && ` +
    `chmod "$(printf %o $((0777 & ~0\${rb_um:-022})))" -- ${h} && chown -R ${argv([`${uid}:${group}`])} -- ${h}`
  );
}

/** Commands putting the account `snapshot` saw back, after `applied` ran. */
export function restoreCommands(p: UserParams, snapshot: AccountFacts, applied: Plan): string[] {
  const kinds = new Set(applied.changes.map((c) => c.kind));
  const before = snapshot.user;
  if (kinds.has('create-user')) {
    const removeHome = p.create_home && !snapshot.homeExists;
    return [`if getent passwd -- ${argv([p.name])} >/dev/null; then ${argv(['userdel', ...(removeHome ? ['-r'] : []), p.name])}; fi`];
  }
  if (!before) return [];
  if (kinds.has('remove-user')) {
    if (p.remove) throw new ModuleError(`user ${p.name} was removed with its home directory; it cannot be restored`);
    const primary = snapshot.groups.find((g) => g.gid === before.gid);
    const cmds: string[] = [];
    if (primary) cmds.push(`getent group ${before.gid} >/dev/null || ${argv(['groupadd', '-g', String(before.gid), primary.name])}`);
    const add = ['useradd', '-o', '-u', String(before.uid), '-g', String(before.gid), '-c', before.comment, '-d', before.home, '-s', before.shell, '-M'];
    if (snapshot.hash !== undefined) add.push('-p', snapshot.hash);
    const groups = memberships(snapshot, p.name);
    if (groups.length) add.push('-G', groups.join(','));
    cmds.push(argv([...add, p.name]));
    return cmds;
  }
  const opts: string[] = [];
  if (kinds.has('set-uid')) opts.push('-u', String(before.uid));
  if (kinds.has('set-group')) opts.push('-g', String(before.gid));
  if (kinds.has('set-groups') || kinds.has('add-groups')) opts.push('-G', memberships(snapshot, p.name).join(','));
  if (kinds.has('set-comment')) opts.push('-c', before.comment);
  if (kinds.has('set-home')) opts.push('-d', before.home, ...(p.move_home ? ['-m'] : []));
  if (kinds.has('set-shell')) opts.push('-s', before.shell);
  if (kinds.has('set-password') && snapshot.hash !== undefined) opts.push('-p', snapshot.hash);
  const cmds = opts.length ? [argv(['usermod', ...opts, p.name])] : [];
  const home = applied.changes.find((c) => c.kind === 'create-home');
  if (home) cmds.push(argv(['rm', '-rf', '--', String(home.after)]));
  return cmds;
}
