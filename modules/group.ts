// group: a local group present (with a gid) or absent, made with the host's
// own groupadd/groupmod/groupdel as Ansible's group module does. Facts come
// from getent (one read, batched with the other tasks' facts).
//
//   - group: { name: haclient, gid: 491, system: true }

import { defineModule, noop, runFactsQuery, stdoutFactsQuery, type FactsQuery, type Plan } from '../core/module.js';
import { ModuleError } from '../core/errors.js';
import { and, argv } from '../core/transport/shell.js';
import { accountsCommand, parseAccounts, type AccountFacts } from './lib/accounts.js';

export interface GroupParams {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
}

const NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;

export function planGroup(p: GroupParams, f: AccountFacts): Plan {
  const cur = f.groups.find((g) => g.name === p.name);
  if (p.state === 'absent') {
    if (!cur) return noop(`group ${p.name} is absent`);
    return { changes: [{ kind: 'remove-group', resource: p.name, field: 'state', before: 'present', after: undefined, commands: [argv(['groupdel', p.name])] }] };
  }
  if (!cur) {
    const cmd = argv(['groupadd', ...(p.gid !== undefined ? ['-g', String(p.gid)] : []), ...(p.system ? ['-r'] : []), p.name]);
    return { changes: [{ kind: 'create-group', resource: p.name, field: 'state', before: undefined, after: p.gid !== undefined ? `present (gid ${p.gid})` : 'present', commands: [cmd] }] };
  }
  if (p.gid !== undefined && cur.gid !== p.gid) {
    const other = f.groups.find((g) => g.gid === p.gid && g.name !== p.name);
    if (other) throw new ModuleError(`gid ${p.gid} is already the group ${other.name}'s`);
    return { changes: [{ kind: 'set-gid', resource: p.name, field: 'gid', before: cur.gid, after: p.gid, commands: [argv(['groupmod', '-g', String(p.gid), p.name])] }] };
  }
  return noop(`group ${p.name} is present (gid ${cur.gid})`);
}

function query(host: string): FactsQuery<AccountFacts> {
  return stdoutFactsQuery(host, 'group', accountsCommand({}), parseAccounts);
}

export default defineModule<GroupParams, AccountFacts>({
  name: 'group',
  summary: 'A local group present with a gid, or absent (groupadd/groupmod/groupdel)',
  params: {
    name: { type: 'string', required: true, pattern: NAME, patternName: 'a group name' },
    state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
    gid: { type: 'int', min: 0, max: 4294967294, description: 'the group id; unset: the host picks one when the group is created' },
    system: { type: 'bool', default: false, description: 'a system group (gid from the system range) when it is created' },
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- group: { name: haclient, gid: 491, system: true }
- group: { name: olduser, state: absent }`,

  factsQuery: (ctx) => query(ctx.host),
  facts: (ctx) => runFactsQuery(ctx, query(ctx.host)),
  plan: planGroup,
  async apply(ctx, _p, plan) {
    await ctx.run(and(...plan.changes.flatMap((c) => c.commands ?? [])));
  },
  async rollback(ctx, p, snapshot) {
    const before = snapshot.groups.find((g) => g.name === p.name);
    if (!before) {
      await ctx.run(`if getent group -- ${argv([p.name])} >/dev/null; then ${argv(['groupdel', p.name])}; fi`);
      return;
    }
    const cmds = [`if getent group -- ${argv([p.name])} >/dev/null; then ${argv(['groupmod', '-g', String(before.gid), p.name])}; else ${argv(['groupadd', '-g', String(before.gid), p.name])}; fi`];
    if (before.members.length) cmds.push(argv(['gpasswd', '-M', before.members.join(','), p.name]));
    await ctx.run(and(...cmds));
  },
});
