// copy: converges one file on the host to a given content (inline `content`
// or a controller file `src`), with mode/owner/group; optional validation of
// the new file by a real tool before it replaces the old one, and a backup.
//
//   - name: web page
//     copy:
//       dest: /var/www/html/index.html
//       content: "rs1\n"
//       mode: '0644'
//       owner: root

import { readFile } from 'node:fs/promises';
import { defineModule, runFactsQuery, type FactsQuery, type FactsContext } from '../../core/module.js';
import {
  applyContent,
  contentFields,
  contentQuery,
  contentRules,
  planContent,
  rollbackContent,
  sourceBytes,
  sourceFromBytes,
  targetPath,
  type ContentFacts,
  type ContentParams,
} from '../lib/file-content.js';

export interface CopyParams extends ContentParams {
  content?: string;
  src?: string;
}

const path = (p: CopyParams) => targetPath(p.dest, p.src);

/** The facts as one command and its parser (the engine may batch them); `src` is read here. */
async function copyQuery(ctx: FactsContext, p: CopyParams): Promise<FactsQuery<ContentFacts>> {
  if (p.src === undefined) return contentQuery(ctx.host, path(p));
  const local = ctx.localPath(p.src, 'files');
  return contentQuery(ctx.host, path(p), sourceFromBytes(local, await readFile(local)));
}

export default defineModule<CopyParams, ContentFacts>({
  name: 'copy',
  summary: 'A file with given content (inline or from the controller), mode and owner',
  params: {
    content: { type: 'string', description: 'the file content, as given' },
    src: { type: 'string', controllerFile: 'files', description: "controller file: absolute, or relative to the playbook's files/ folder" },
    ...contentFields,
  },
  rules: (p) => {
    const out = contentRules(p);
    if ((p.content === undefined) === (p.src === undefined)) out.push(['', 'give exactly one of content or src']);
    if (typeof p.dest === 'string' && p.dest.endsWith('/') && p.src === undefined) out.push(['dest', 'a directory destination (ending in /) needs src to name the file']);
    return out;
  },
  supports: { check: true, diff: true, rollback: true },
  example: `- copy:
    dest: /etc/motd
    content: "managed by rb\\n"
    mode: '0644'`,

  factsQuery: copyQuery,
  facts: async (ctx, p) => runFactsQuery(ctx, await copyQuery(ctx, p)),

  plan(p, facts) {
    const want = facts.source ? sourceBytes(facts.source) : Buffer.from(p.content ?? '', 'utf8');
    return planContent({ ...p, dest: path(p) }, facts.dest, want);
  },

  apply: (ctx, p, plan, facts) => applyContent(ctx, { ...p, dest: path(p) }, plan, facts.dest),

  rollback: (ctx, _p, snapshot, applied) => rollbackContent(ctx, snapshot.dest, applied),
});
