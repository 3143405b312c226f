// Local accounts as the host's own name service sees them (getent), read in
// ONE read-only command for the `user` and `group` modules: the passwd entry of
// a user, every group (for gids and memberships), and when asked the user's
// password hash (a secret: registered so no output or journal shows it), the
// existence of a home directory and useradd's default home base.

import { registerSecret } from '../../core/secrets.js';
import { sh } from '../../core/transport/shell.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface AccountFacts {
  /** The user's passwd entry; undefined when there is no such user. */
  user?: PasswdEntry;
  /** Every group of the host, in getent's order. */
  groups: GroupEntry[];
  /** The user's password hash from shadow, when asked for and readable. A registered secret. */
  hash?: string;
  /** Whether the home directory asked about exists (a directory). */
  homeExists?: boolean;
  /** useradd's base for new homes (`useradd -D` HOME), when asked for. */
  homeBase?: string;
}

export interface AccountQuery {
  user?: string;
  /** Read the shadow hash of `user`. */
  hash?: boolean;
  /** A path whose existence is reported (the wanted home), or 'passwd': the home of the user's entry, or of a new user. */
  home?: string;
}

/**
 * The read-only command: tagged lines `P passwd-line`, `G group-line` (every group),
 * `S hash`, `H yes|no`, `B base`. A subshell: it sets its own variables.
 */
export function accountsCommand(q: AccountQuery): string {
  const body: string[] = [];
  if (q.user !== undefined) {
    body.push(sh`rb_u=${q.user}`, 'getent passwd -- "$rb_u" | sed -n "1s/^/P /p"');
    if (q.hash) body.push('getent shadow -- "$rb_u" | sed -n "1{s/^[^:]*:\\([^:]*\\).*/S \\1/p}"');
  }
  body.push('getent group | sed "s/^/G /"');
  if (q.home !== undefined) {
    body.push("rb_b=$(useradd -D 2>/dev/null | sed -n 's/^HOME=//p')", 'echo "B $rb_b"');
    // 'passwd': the entry's home, or where useradd would put a new one.
    if (q.home === 'passwd') body.push('rb_h=$(getent passwd -- "$rb_u" | cut -d: -f6)', '[ -n "$rb_h" ] || rb_h="${rb_b:-/home}/$rb_u"');
    else body.push(sh`rb_h=${q.home}`);
    body.push('if [ -d "$rb_h" ]; then echo "H yes"; else echo "H no"; fi');
  }
  body.push('exit 0');
  return `(\n${body.join('\n')}\n)`;
}

export function passwdLine(line: string): PasswdEntry {
  const f = line.split(':');
  if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) throw new Error(`cannot read passwd entry ${JSON.stringify(line.slice(0, 100))}`);
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f.slice(6).join(':') };
}

export function groupLine(line: string): GroupEntry {
  const f = line.split(':');
  if (f.length < 4 || !/^\d+$/.test(f[2])) throw new Error(`cannot read group entry ${JSON.stringify(line.slice(0, 100))}`);
  return { name: f[0], gid: Number(f[2]), members: f[3] === '' ? [] : f[3].split(',') };
}

/** accountsCommand's output. Pure but for registering the hash as a secret; throws on lines it cannot read. */
export function parseAccounts(stdout: string): AccountFacts {
  const out: AccountFacts = { groups: [] };
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === 'P ') out.user = passwdLine(rest);
    else if (tag === 'G ') out.groups.push(groupLine(rest));
    else if (tag === 'S ') {
      out.hash = rest;
      registerSecret(rest);
    } else if (tag === 'H ') out.homeExists = rest === 'yes';
    else if (tag === 'B ') out.homeBase = rest || undefined;
    else throw new Error(`unexpected line ${JSON.stringify(line.slice(0, 80))}`);
  }
  return out;
}

/** A group by name, or by gid when the reference is a number (as Ansible's group_exists looks it up). */
export function findGroup(groups: readonly GroupEntry[], ref: string | number): GroupEntry | undefined {
  const s = String(ref);
  return groups.find((g) => g.name === s) ?? (/^\d+$/.test(s) ? groups.find((g) => g.gid === Number(s)) : undefined);
}
