// rb lint output: text for people, JSON for tools. Secrets never appear (the
// rules leave them out; the output is masked all the same).

import type { Finding } from './types.js';
import { maskSecrets } from '../secrets.js';

export function lintText(findings: Finding[], checked: { hosts: number; tasks: number; deferred: number }): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.severity.toUpperCase()} ${f.rule} [${f.hosts.join(', ')}]${f.loc ? ` ${f.loc.file}:${f.loc.line}` : ''}`);
    lines.push(`  ${f.message}`, `  why: ${f.why}`, `  fix: ${f.fix}`, '');
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  lines.push(`${findings.length ? `${errors} error(s), ${findings.length - errors} warning(s)` : 'no findings'}: ${checked.hosts} host(s), ${checked.tasks} task(s) checked${checked.deferred ? `, ${checked.deferred} left out (their values are known only at run time)` : ''}`);
  return maskSecrets(lines.join('\n')) + '\n';
}

export function lintJson(findings: Finding[], checked: { hosts: number; tasks: number; deferred: number }): string {
  return maskSecrets(JSON.stringify({ findings, checked }, null, 2)) + '\n';
}
