// Several commands (tasks' fact commands, or an apply and the next task's
// facts) as ONE remote script, and its output split back into one ExecResult
// per command. Each command runs with stdin closed unless it is the one given
// the exec's stdin, then a marker line carrying its exit code goes to stdout
// and a marker line to stderr. The marker holds a random nonce, so no command
// output can forge a boundary.
//
// A fact command runs in a `{ }` group: a subshell per command costs a fork of
// the login shell, about a fifth of the remote work of a batch of small fact
// commands. A command that could change the shell for the ones after it (exit,
// set -e, cd, trap, IFS=, ...) and the command given stdin (an apply) get a
// subshell, so that stays inside them. Fact commands set every variable they read.

import type { ExecResult } from '../transport/types.js';

const marker = (nonce: string) => `@@rb-facts-${nonce}`;

/** Words that change the shell itself (a false alarm only costs a subshell). */
const SHELL_STATE = /(^|[\s;&|(){}`])(exit|exec|return|trap|cd|pushd|popd|umask|ulimit|unset|readonly|export|alias|eval|source|shopt|enable)($|[\s;&|(){}`])|(^|[\s;&|({])set\s+[-+](?!-)|\bIFS=/;

/** Whether a command must run in a subshell to keep the shell unchanged for the next ones. */
export function needsSubshell(command: string): boolean {
  return SHELL_STATE.test(command);
}

/** The script running `commands` one after the other; `stdinTo` is the one reading the exec's stdin. */
export function factsBatchScript(commands: readonly string[], nonce: string, stdinTo = -1): string {
  if (!/^[0-9a-f]{8,}$/.test(nonce)) throw new Error(`facts batch nonce must be hex, got ${JSON.stringify(nonce)}`);
  const m = marker(nonce);
  // The newline before `)` or `}` ends a trailing comment or heredoc in the command.
  // The marker starts with a newline so output without a final newline stays exact.
  return commands
    .map((c, i) => {
      const [open, close] = i === stdinTo || needsSubshell(c) ? ['(', ')'] : ['{', '}'];
      return `${open}\n${c}\n${close}${i === stdinTo ? '' : ' </dev/null'}; printf '\\n${m} %s\\n' "$?"; printf '\\n${m}\\n' >&2`;
    })
    .join('\n');
}

/**
 * One result per command, in order; `null` for a command whose markers are
 * missing (the script was cut short). Whole-script duration is given to each.
 */
export function splitFactsBatch(result: ExecResult, count: number, nonce: string): Array<ExecResult | null> {
  const m = marker(nonce);
  const outs = splitOn(result.stdout, new RegExp(`\\n${m} (\\d+)\\n`, 'g'));
  const errs = splitOn(result.stderr, new RegExp(`\\n${m}\\n`, 'g'));
  return Array.from({ length: count }, (_, i) => {
    const out = outs[i];
    if (!out || out.code === undefined) return null;
    return { code: out.code, stdout: out.text, stderr: errs[i]?.text ?? '', durationMs: result.durationMs };
  });
}

function splitOn(text: string, re: RegExp): Array<{ text: string; code?: number }> {
  const parts: Array<{ text: string; code?: number }> = [];
  let start = 0;
  for (const hit of text.matchAll(re)) {
    parts.push({ text: text.slice(start, hit.index), code: hit[1] === undefined ? undefined : Number(hit[1]) });
    start = hit.index! + hit[0].length;
  }
  return parts;
}
