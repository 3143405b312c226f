// slurp: a file of the host, registered base64-encoded as Ansible's slurp
// (`content`, `encoding: base64`, `source`); `{{ r.content | b64decode }}`
// reads it. Only looks: never a change, in check mode too, and its read is
// batched with the other tasks' facts. A missing file fails the task.
//
//   - slurp: { src: /etc/ha.d/authkeys }
//     register: keys
//     no_log: true

import { defineModule, noop, runFactsQuery, type FactsQuery } from '../core/module.js';
import { ModuleError } from '../core/errors.js';
import { sh } from '../core/transport/shell.js';

export interface SlurpParams {
  src: string;
}

export interface SlurpFacts {
  content: string;
}

/** The file base64-encoded on one line (a subshell); exit 3 when missing, 4 when a directory, 5 when unreadable. */
export function slurpCommand(p: SlurpParams): string {
  return [
    '(',
    sh`rb_p=${p.src}`,
    '[ -e "$rb_p" ] || exit 3',
    '[ -d "$rb_p" ] && exit 4',
    '[ -r "$rb_p" ] || exit 5',
    'base64 -w 0 < "$rb_p"',
    ')',
  ].join('\n');
}

const WHY: Record<number, string> = { 3: 'file not found', 4: 'source is a directory and must be a file', 5: 'file is not readable' };

function slurpQuery(host: string, p: SlurpParams): FactsQuery<SlurpFacts> {
  return {
    command: slurpCommand(p),
    parse(r) {
      if (r.code !== 0) throw new ModuleError(`${host}: ${WHY[r.code] ?? `cannot read (exit code ${r.code}${r.stderr ? `: ${r.stderr.trim()}` : ''})`}: ${p.src}`);
      return { content: r.stdout.trim() };
    },
  };
}

export default defineModule<SlurpParams, SlurpFacts>({
  name: 'slurp',
  summary: "A file's content from the host, base64-encoded (Ansible's slurp)",
  params: {
    src: { type: 'string', required: true, aliases: ['path'], pattern: /^\/[^\n\r]*$/, patternName: 'an absolute path' },
  },
  supports: { check: true, diff: false, rollback: false },
  example: `- slurp: { src: /etc/keepalived/keepalived.conf }
  register: conf`,

  factsQuery: (ctx, p) => slurpQuery(ctx.host, p),
  facts: (ctx, p) => runFactsQuery(ctx, slurpQuery(ctx.host, p)),
  plan: (p, f) => noop(`read ${p.src} (${Buffer.from(f.content, 'base64').length} bytes)`),
  registers: (p, f) => ({ content: f.content, encoding: 'base64', source: p.src }),
  // The plan is always empty: apply is never called.
  apply: async () => ({ changed: false }),
});
