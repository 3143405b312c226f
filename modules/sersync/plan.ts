// facts + params → sersync changes: the engine (sersync2 when installed, else
// lsyncd), the other engine stopped if it runs, the config file rendered for
// the engine (with a unified diff), the password file (by hash, masked), and
// the daemon: started, stopped, or restarted when its config changed (neither
// engine re-reads its file while running).

import type { Change, Plan } from '../../core/module.js';
import { diffLines, unifiedDiff } from '../../core/files/diff.js';
import { sha256 } from '../../core/files/write.js';
import { argv, sh } from '../../core/transport/shell.js';
import { configPath, daemonSpec, type Engine, type SersyncFacts } from './facts.js';
import type { SersyncParams } from './params.js';
import { renderConfxml, renderLsyncd } from './render.js';
import { confxmlMeaning, ConfxmlSyntaxError, parseConfxml } from './confxml.js';

export function resolveEngine(p: SersyncParams, f: SersyncFacts, warnings: string[]): Engine {
  const engine: Engine = p.engine !== 'auto' ? p.engine : f.bins.sersync ? 'sersync' : 'lsyncd';
  if (!f.bins[engine]) {
    warnings.push(
      engine === 'sersync'
        ? `sersync2 is not installed (not in PATH, not at ${p.sersync_bin}): the run fails unless an earlier task installs it`
        : 'lsyncd is not installed (package lsyncd): the run fails unless an earlier task installs it',
    );
  }
  return engine;
}

export function renderFor(p: SersyncParams, engine: Engine): string {
  return engine === 'lsyncd' ? renderLsyncd(p) : renderConfxml(p);
}

/**
 * What differs, as the lines themselves (each line of either file is one
 * setting): `delete = false,` → `delete = true,`. Repeated lines (one per
 * remote) are shown once; long lists are cut.
 */
export function lineChanges(before: string, after: string): { before: string; after: string } {
  const ops = diffLines(before.split('\n'), after.split('\n'));
  const pick = (kind: '-' | '+') => {
    const lines = [...new Set(ops.filter((o) => o.kind === kind).map((o) => o.line.trim()).filter(Boolean))];
    const text = lines.join(' ');
    return text.length > 160 ? `${text.slice(0, 157)}...` : text || '(nothing)';
  };
  return { before: pick('-'), after: pick('+') };
}

/** JSON with object keys sorted: the order elements come in the file carries no meaning. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/** confxml.xml compares by what sersync does with it (a hand-written file with the same meaning is kept); lsyncd's Lua as text. */
export function sameConfig(engine: Engine, have: string | undefined, want: string): boolean {
  if (have === undefined) return false;
  if (have === want || engine !== 'sersync') return have === want;
  try {
    return canonical(confxmlMeaning(parseConfxml(have))) === canonical(confxmlMeaning(parseConfxml(want)));
  } catch (e) {
    if (e instanceof ConfxmlSyntaxError) return false;
    throw e;
  }
}

export const passwordContent = (password: string) => `${password}\n`;

function passwordChanges(p: SersyncParams, f: SersyncFacts): Change[] {
  if (!p.auth?.password || !f.password) return [];
  const file = p.auth.password_file;
  if (!f.password.exists || f.password.sha256 !== sha256(passwordContent(p.auth.password))) {
    return [{ kind: 'write-password', resource: file, field: 'content', before: f.password.exists ? 'another password' : undefined, after: `password of ${p.auth.user}`, secret: true }];
  }
  if (f.password.mode !== '0600' || f.password.owner !== 'root') {
    // rsync refuses a password file others can read.
    return [{ kind: 'set-password-mode', resource: file, field: 'mode', before: `${f.password.mode} ${f.password.owner}`, after: '0600 root', commands: [sh`chown root ${file}`, sh`chmod 0600 ${file}`] }];
  }
  return [];
}

export function planSersync(p: SersyncParams, f: SersyncFacts): Plan {
  const warnings: string[] = [];
  const engine = resolveEngine(p, f, warnings);
  const other: Engine = engine === 'lsyncd' ? 'sersync' : 'lsyncd';
  const changes: Change[] = [];
  const od = f.daemons[other];
  if (od.running) changes.push({ kind: 'stop-other-engine', resource: `${other} ${configPath(p, other)}`, field: 'state', before: `running (pid ${od.pid})`, after: `stopped: ${engine} does the sync` });

  const path = configPath(p, engine);
  const have = f.configs[engine];
  const text = renderFor(p, engine);
  const configChanged = !sameConfig(engine, have.content, text);
  if (configChanged) {
    const remotes = p.remotes.map((r) => `${r.ip}::${r.module}`).join(', ');
    changes.push({
      kind: have.exists ? 'write-config' : 'create-config',
      resource: path,
      field: engine,
      ...(have.exists && have.content !== undefined ? lineChanges(have.content, text) : { before: have.exists ? 'unreadable' : undefined, after: `${p.watch} → ${remotes}` }),
      diff: unifiedDiff(have.content ?? '', text, { fromLabel: `${path} (host)`, toLabel: `${path} (rb)` }),
      data: { text },
    });
  }
  changes.push(...passwordChanges(p, f));
  if (!f.watch) warnings.push(`${p.watch} is not a directory: ${engine} cannot watch it until it exists`);

  const d = f.daemons[engine];
  const resource = `${engine} ${path}`;
  if (p.state === 'stopped') {
    if (d.running) changes.push({ kind: `stop-${engine}`, resource, field: 'state', before: `running (pid ${d.pid})`, after: 'stopped' });
  } else if (!d.running) {
    changes.push({ kind: `start-${engine}`, resource, field: 'state', before: 'stopped', after: 'running', commands: [argv(daemonSpec(p, engine, f.bins[engine]).start)] });
  } else if (configChanged) {
    changes.push({ kind: `restart-${engine}`, resource, field: 'config', before: `pid ${d.pid}`, after: 'restarted with the new config' });
  }
  if (changes.length) return { changes, warnings };
  const n = p.remotes.length;
  return { changes, reason: `${engine} pushes ${p.watch} to ${n} remote${n === 1 ? '' : 's'} as configured${d.running ? ` (pid ${d.pid})` : ' (stopped)'}`, warnings };
}
