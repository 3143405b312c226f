// The site module `rb modules new NAME` writes: a real, small module (one line
// in a file, like a `key = value` setting) that shows every hook of the
// contract through the public API, and its four cases.

export function scaffoldModule(name: string): string {
  return `// ${name}: a site module. It converges one \`key = value\` line in a file;
// replace what it manages, keep the shape: facts read, plan compares, apply
// writes, rollback puts back what facts saw.
//
//   - ${name}:
//       path: /etc/example.conf
//       key: max_connections
//       value: "512"

import { defineModule, fileFactsQuery, installFile, noop, restoreFile } from 'rb';

const lineOf = (p) => \`\${p.key} = \${p.value}\`;

/** The value of key in text, or undefined. */
function valueIn(text, key) {
  for (const line of text.split('\\n')) {
    const m = /^\\s*([^=#\\s]+)\\s*=\\s*(.*?)\\s*$/.exec(line);
    if (m && m[1] === key) return m[2];
  }
  return undefined;
}

function withValue(text, p) {
  const lines = text === '' ? [] : text.replace(/\\n$/, '').split('\\n');
  const at = lines.findIndex((l) => valueIn(l, p.key) !== undefined);
  if (at >= 0) lines[at] = lineOf(p);
  else lines.push(lineOf(p));
  return \`\${lines.join('\\n')}\\n\`;
}

export default defineModule({
  name: '${name}',
  summary: 'One key = value line in a file (site module)',
  params: {
    path: { type: 'string', required: true, pattern: /^\\/\\S+$/, patternName: 'an absolute path' },
    key: { type: 'string', required: true, pattern: /^[A-Za-z0-9_.-]+$/, patternName: 'a key' },
    // Refuse what would add or join a line: a value is one line of printable text.
    value: { type: 'string', required: true, pattern: /^[^\\n\\r\\u0085\\u2028\\u2029]*$/, patternName: 'one line of text' },
  },
  supports: { check: true, diff: true, rollback: true },
  example: \`- ${name}:
    path: /etc/example.conf
    key: max_connections
    value: "512"\`,

  factsQuery: (ctx, p) => {
    const q = fileFactsQuery(ctx.host, [p.path], { withContent: true });
    return { command: q.command, parse: (r) => q.parse(r)[p.path] };
  },
  facts: async (ctx, p) => {
    const q = fileFactsQuery(ctx.host, [p.path], { withContent: true });
    return q.parse(await ctx.exec(q.command))[p.path];
  },

  plan(p, file) {
    const before = file.exists ? valueIn(file.content ?? '', p.key) : undefined;
    if (before === p.value) return noop(\`\${p.key} is already \${p.value} in \${p.path}\`);
    return { changes: [{ kind: 'set-value', resource: \`\${p.path}: \${p.key}\`, field: 'value', before, after: p.value }] };
  },

  async apply(ctx, p, _plan, file) {
    await installFile(ctx, { path: p.path, content: withValue(file.exists ? file.content ?? '' : '', p), mode: file.mode ?? '0644' });
  },

  async rollback(ctx, p, before) {
    if (!before.exists) await restoreFile(ctx, p.path, null);
    else await installFile(ctx, { path: p.path, content: before.content ?? '', mode: before.mode, backup: false });
  },
});
`;
}

export const SCAFFOLD_CASES = (name: string): Record<string, string> => ({
  fresh: `description: no file yet, the line is added
params: { path: /etc/example.conf, key: max_connections, value: "512" }
facts: { path: /etc/example.conf, exists: false }
expect:
  changes:
    - { kind: set-value, resource: "/etc/example.conf: max_connections", field: value, after: "512" }
`,
  converged: `params: { path: /etc/example.conf, key: max_connections, value: "512" }
facts: { path: /etc/example.conf, exists: true, content: "# tuning\\nmax_connections = 512\\n" }
expect:
  reason: already 512
`,
  drift: `description: the value was changed by hand
params: { path: /etc/example.conf, key: max_connections, value: "512" }
facts: { path: /etc/example.conf, exists: true, content: "max_connections = 100\\n" }
expect:
  changes:
    - { kind: set-value, field: value, before: "100", after: "512" }
`,
  'invalid-params': `description: a value that would add a line is refused (${name})
params: { path: /etc/example.conf, key: max_connections, value: "1\\nother = 2" }
expect:
  error: "value: expected one line of text"
`,
});
