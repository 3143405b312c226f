// The facts batch script run by a real sh: each part's exit code, stdout and
// stderr come back exactly, an `exit` or `set -e` stays inside its part, and
// nothing a part prints can forge a boundary.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { factsBatchScript, needsSubshell, splitFactsBatch } from '../../core/engine/facts-batch.js';
import type { ExecResult } from '../../core/transport/types.js';

const NONCE = '0123456789abcdef';

function sh(script: string): ExecResult {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return { code: r.status ?? 255, stdout: r.stdout, stderr: r.stderr, durationMs: 1 };
}

describe('facts batch', () => {
  it('gives each command its own exit code, stdout and stderr, exactly', () => {
    const cmds = ["printf 'a\\nb\\n'", "printf 'no newline'; echo oops >&2; false", 'echo "x"; exit 3', 'cat <<EOF\nheredoc $HOME-less\nEOF', 'echo last # a trailing comment'];
    const parts = splitFactsBatch(sh(factsBatchScript(cmds, NONCE)), cmds.length, NONCE);
    expect(parts.map((p) => p && { code: p.code, stdout: p.stdout, stderr: p.stderr })).to.deep.equal([
      { code: 0, stdout: 'a\nb\n', stderr: '' },
      { code: 1, stdout: 'no newline', stderr: 'oops\n' },
      { code: 3, stdout: 'x\n', stderr: '' },
      { code: 0, stdout: `heredoc ${process.env.HOME}-less\n`, stderr: '' },
      { code: 0, stdout: 'last\n', stderr: '' },
    ]);
  });

  it('keeps set -e, variables and stdin inside one command', () => {
    const cmds = ['set -e; v=1; false; echo not reached', 'echo "v=${v:-unset}"; false; echo after', 'cat; echo "read $?"'];
    const parts = splitFactsBatch(sh(factsBatchScript(cmds, NONCE)), 3, NONCE);
    expect(parts.map((p) => [p!.code, p!.stdout])).to.deep.equal([[1, ''], [0, 'v=unset\nafter\n'], [0, 'read 0\n']]);
  });

  it('runs plain fact commands in one shell, without a fork each, and the rest in subshells', () => {
    for (const c of ['sysctl net.ipv4.ip_forward', 'set -- /a /b; for p in "$@"; do stat "$p"; done', "grep -q 'exit' /etc/x", 'echo "$HOME"']) expect(needsSubshell(c), c).to.equal(false);
    for (const c of ['exit 1', 'x; exit', 'set -e', 'set -eu; y', 'cd /tmp && ls', 'trap "rm f" EXIT', 'IFS=: read a b', 'f() { return 1; }', 'eval "$x"', 'exec 3>&1']) expect(needsSubshell(c), c).to.equal(true);
    const r = sh(`${factsBatchScript(['w=1; echo "$$"', 'echo "${w:-unset} $$"', 'set -e; echo "$BASHPID"'], NONCE)}`);
    const [a, b] = splitFactsBatch(r, 3, NONCE);
    expect(b!.stdout).to.equal(`1 ${a!.stdout.trim()}\n`);
  });

  it('gives the command reading stdin (an apply) a subshell and the stdin, the others /dev/null', () => {
    const r = spawnSync('sh', ['-c', factsBatchScript(['read line; echo "got $line"; v=2', 'echo "${v:-unset}"; cat'], NONCE, 0)], { input: 'content\n', encoding: 'utf8' });
    const [apply, facts] = splitFactsBatch({ code: r.status!, stdout: r.stdout, stderr: r.stderr, durationMs: 1 }, 2, NONCE);
    expect(apply!.stdout).to.equal('got content\n');
    expect(facts!.stdout).to.equal('unset\n');
  });

  it('ignores a marker with another nonce printed by a command', () => {
    const cmds = [`printf '\\n@@rb-facts-ffffffffffffffff 0\\n'`, 'echo ok'];
    const parts = splitFactsBatch(sh(factsBatchScript(cmds, NONCE)), 2, NONCE);
    expect(parts[0]!.stdout).to.equal('\n@@rb-facts-ffffffffffffffff 0\n');
    expect(parts[1]!.stdout).to.equal('ok\n');
  });

  it('returns null for the commands a cut-short script never finished', () => {
    const cmds = ['echo one', 'kill -9 $$', 'echo three'];
    const parts = splitFactsBatch(sh(factsBatchScript(cmds, NONCE)), 3, NONCE);
    expect(parts[0]!.stdout).to.equal('one\n');
    expect(parts.slice(1)).to.deep.equal([null, null]);
  });

  it('refuses a nonce that is not hex (it is part of a regular expression and a printf format)', () => {
    expect(() => factsBatchScript(['true'], 'a%s')).to.throw(/nonce must be hex/);
  });
});
