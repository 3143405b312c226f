// sysctl: converges kernel parameters, live (`sysctl -w`) and at boot (one
// managed file under /etc/sysctl.d/, other files untouched). Several keys in one
// task cost one round trip; a key the host does not have is an error, never a
// silent change.
//
//   - name: ARP settings of a DR real server
//     sysctl:
//       settings:
//         net.ipv4.conf.lo.arp_ignore: 1
//         net.ipv4.conf.lo.arp_announce: 2
//         net.ipv4.conf.all.arp_ignore: 1
//         net.ipv4.conf.all.arp_announce: 2

import { defineModule, runFactsQuery, type FactsQuery } from '../../core/module.js';
import { ModuleError } from '../../core/errors.js';
import { argv } from '../../core/transport/shell.js';
import { missingKeysError, parseSysctlFacts, sysctlFactsCommand, type SysctlFacts } from './facts.js';
import { planSysctl, setsLive, wantedSettings, type SysctlParams } from './plan.js';
import { applyScript, restoreFileCommands } from '../../core/transport/script-parts.js';
import { sysctlParams, sysctlRules } from './params.js';
import { sysctlAdopt } from './adopt.js';

/** The facts as one command and its parser, so the engine can batch them with other tasks'. */
function sysctlQuery(host: string, p: SysctlParams): FactsQuery<SysctlFacts> {
  const keys = wantedSettings(p).map(([k]) => k);
  return {
    command: sysctlFactsCommand(keys, p.file),
    parse(r) {
      let facts: SysctlFacts;
      try {
        facts = parseSysctlFacts(keys, r.stdout);
      } catch (e) {
        throw new ModuleError(`${host}: cannot read sysctl facts: ${(e as Error).message}`);
      }
      const missing = keys.filter((k) => facts.values[k] === null);
      // Only the live side needs the key to exist: persisting a key for an interface
      // that appears later at boot, or removing it from the file, is legitimate.
      if (setsLive(p) && !p.ignoreerrors && p.state === 'present' && missing.length > 0) throw missingKeysError(host, missing);
      return facts;
    },
  };
}

export default defineModule<SysctlParams, SysctlFacts>({
  name: 'sysctl',
  summary: 'Kernel parameters, live (sysctl -w) and persisted in a sysctl.d file',
  params: sysctlParams,
  rules: sysctlRules,
  supports: { check: true, diff: true, rollback: true },
  example: `- sysctl:
    settings:
      net.ipv4.conf.lo.arp_ignore: 1
      net.ipv4.conf.lo.arp_announce: 2
- sysctl: { name: net.ipv4.ip_forward, value: 1 }
- ansible.posix.sysctl: { name: net.ipv4.ip_nonlocal_bind, value: 1, sysctl_set: true, sysctl_file: /etc/sysctl.d/99-lb.conf }`,

  factsQuery: (ctx, p) => sysctlQuery(ctx.host, p),
  facts: (ctx, p) => runFactsQuery(ctx, sysctlQuery(ctx.host, p)),

  plan: (p, facts, ctx) => planSysctl(p, facts, ctx),
  adopt: sysctlAdopt,

  async apply(ctx, _p, plan) {
    await ctx.run(applyScript(plan.changes.flatMap((c) => c.commands ?? [])));
  },

  async rollback(ctx, p, snapshot, applied) {
    const commands: string[] = [];
    for (const c of applied.changes) {
      if (c.kind === 'set-sysctl' && c.before !== undefined) commands.push(argv(['sysctl', '-w', `${c.resource}=${c.before}`]));
    }
    if (applied.changes.some((c) => c.kind !== 'set-sysctl')) commands.push(...restoreFileCommands(p.file, snapshot.file));
    if (commands.length > 0) await ctx.run(applyScript(commands));
  },
});
