// Writing rsyncd.conf, the secrets file and /etc/default/rsync, then the
// daemon. rsync has no config-test option, but `rsync --server --daemon`
// reads the file exactly as the daemon does and answers a module-list request
// on stdin: with --log-file it writes (in the bytes of the file, so grep reads the log as text) what it refused ("Unknown Parameter",
// "Badly formed boolean", a bad [module] line) there. That is the validator:
// a file rsync complains about never replaces the old one.

import type { HostContext, Plan } from '../../core/module.js';
import { CommandError, ModuleError } from '../../core/errors.js';
import { installFile, restoreCommand, restoreNewestBackupCommand } from '../../core/files/write.js';
import { sh } from '../../core/transport/shell.js';
import { daemonAction } from '../lib/daemon-process.js';
import { daemonSpec, DEFAULTS_FILE, gatherRsyncdFacts, type RsyncdFacts } from './facts.js';
import type { RsyncdParams } from './params.js';
import { secretsContent } from './plan.js';

const COMPLAINTS = 'Unknown Parameter|IGNORING|Badly formed|Failed|rsync error|Unable to';

/** Read `tmp` as the daemon would and fail (printing rsync's complaints) on any. */
export function validateCommand(tmp: string): string {
  return [
    'rb_vlog=$(mktemp)',
    sh`rb_vout=$(printf '@RSYNCD: 30.0\\n#list\\n' | rsync --server --daemon --config=${tmp} --log-file="$rb_vlog" . 2>&1)`,
    `rb_bad=$(grep -a -E '${COMPLAINTS}' "$rb_vlog" | sed 's/^[0-9/]* [0-9:]* \\[[0-9]*\\] //'); rm -f "$rb_vlog"`,
    'if [ -n "$rb_bad" ]; then printf "%s\\n" "$rb_bad"; exit 1; fi',
    'case $rb_vout in *"@RSYNCD: EXIT"*) exit 0;; esac; printf "%s\\n" "$rb_vout"; exit 1',
  ].join('\n');
}

const dataText = (plan: Plan, kind: (k: string) => boolean): string | undefined =>
  (plan.changes.find((c) => kind(c.kind) && c.data)?.data as { text?: string } | undefined)?.text;

const isConfig = (k: string) => ['replace-config', 'create-config', 'set-option', 'add-module', 'remove-module'].includes(k);

export async function applyRsyncd(ctx: HostContext, p: RsyncdParams, plan: Plan, facts: RsyncdFacts): Promise<{ backup?: string }> {
  let backup: string | undefined;
  const text = dataText(plan, isConfig);
  if (text !== undefined) {
    try {
      backup = (await installFile(ctx, { path: p.config, content: text, mode: facts.config.exists ? undefined : '0644', backup: true, validate: validateCommand })).backup;
    } catch (e) {
      if (!(e instanceof CommandError) || !/validation of/.test(e.message)) throw e;
      const why = `${e.stderr}\n${e.stdout}`.split('\n').filter((l) => l.trim() && !/^validator exit/.test(l));
      throw new ModuleError(`${ctx.host}: rsync refused the new ${p.config}; nothing was changed:\n  ${why.join('\n  ')}`);
    }
  }
  for (const c of plan.changes) {
    if (c.kind === 'create-path' || c.kind === 'set-secrets-mode') for (const cmd of c.commands ?? []) await ctx.run(cmd);
    else if (c.kind === 'write-secrets') {
      // Content on stdin, never in a command line; readable by root only (strict modes).
      await installFile(ctx, { path: p.secrets_file, content: secretsContent(p.secrets ?? {}), mode: '0600', owner: 'root', group: 'root', backup: true });
    }
  }
  const boot = dataText(plan, (k) => k === 'set-boot');
  if (boot !== undefined) await installFile(ctx, { path: DEFAULTS_FILE, content: boot, backup: true });
  const daemon = plan.changes.find((c) => /^(start|stop|restart)-rsyncd$/.test(c.kind));
  if (daemon) await daemonAction(ctx, daemonSpec(p), daemon.kind.replace(/-rsyncd$/, '') as 'start' | 'stop' | 'restart');
  return backup ? { backup } : {};
}

/**
 * The files as facts saw them, then the daemon as it was. Module paths rb
 * created stay: removing a directory could take data clients already sent.
 */
export async function rollbackRsyncd(ctx: HostContext, p: RsyncdParams, snapshot: RsyncdFacts, applied: Plan): Promise<void> {
  const kinds = new Set(applied.changes.map((c) => c.kind));
  if ([...kinds].some(isConfig)) {
    if (snapshot.config.exists && snapshot.config.content !== undefined) await installFile(ctx, { path: p.config, content: snapshot.config.content, backup: false });
    else if (!snapshot.config.exists) await ctx.run(restoreCommand(p.config, null));
  }
  if (kinds.has('write-secrets')) await ctx.run(snapshot.secrets.exists ? restoreNewestBackupCommand(p.secrets_file) : restoreCommand(p.secrets_file, null));
  if (kinds.has('set-boot') && snapshot.defaults.content !== undefined) await installFile(ctx, { path: DEFAULTS_FILE, content: snapshot.defaults.content, backup: false });
  const now = (await gatherRsyncdFacts(ctx, p)).daemon;
  const spec = daemonSpec(p);
  if (snapshot.daemon.running && !now.running) await daemonAction(ctx, spec, 'start');
  else if (!snapshot.daemon.running && now.running) await daemonAction(ctx, spec, 'stop');
  else if (now.running && kinds.has('restart-rsyncd')) await daemonAction(ctx, spec, 'restart');
}
