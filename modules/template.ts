// template: converges one file on the host to a nunjucks template from the
// controller rendered with the host's variables (then exactly as `copy`:
// hash compare, validation, backup, atomic rename, rollback).
//
//   - name: keepalived configuration
//     template:
//       src: keepalived.conf.j2
//       dest: /etc/keepalived/keepalived.conf
//       mode: '0644'
//       validate: keepalived -t -f %s

import { readFile } from 'node:fs/promises';
import { defineModule, runFactsQuery, type FactsQuery, type FactsContext } from '../core/module.js';
import { TemplateError } from '../core/errors.js';
import {
  applyContent,
  contentFields,
  contentQuery,
  contentRules,
  planContent,
  rollbackContent,
  sourceBytes,
  targetPath,
  type ContentFacts,
  type ContentParams,
} from './lib/file-content.js';

export interface TemplateParams extends ContentParams {
  src: string;
}

const path = (p: TemplateParams) => targetPath(p.dest, p.src.replace(/\.j2$/, ''));

/** The facts as one command and its parser (the engine may batch them); the template is rendered here. */
async function templateQuery(ctx: FactsContext, p: TemplateParams): Promise<FactsQuery<ContentFacts>> {
  const local = ctx.localPath(p.src, 'templates');
  const text = await readFile(local, 'utf8');
  let content: string;
  try {
    content = ctx.render(text, { template_path: local, template_destpath: path(p) });
  } catch (e) {
    // Name the template: the engine's message only knows the task.
    if (e instanceof TemplateError) throw new TemplateError(`${local}: ${e.message}`);
    throw e;
  }
  return contentQuery(ctx.host, path(p), { path: local, content });
}

export default defineModule<TemplateParams, ContentFacts>({
  name: 'template',
  summary: 'A file rendered from a nunjucks template on the controller',
  params: {
    src: { type: 'string', required: true, controllerFile: 'templates', description: "template on the controller: absolute, or relative to the playbook's templates/ folder" },
    ...contentFields,
  },
  rules: contentRules,
  supports: { check: true, diff: true, rollback: true },
  example: `- template:
    src: rsyncd.conf.j2
    dest: /etc/rsyncd.conf
    mode: '0644'`,

  factsQuery: templateQuery,
  facts: async (ctx, p) => runFactsQuery(ctx, await templateQuery(ctx, p)),

  plan: (p, facts) => planContent({ ...p, dest: path(p) }, facts.dest, sourceBytes(facts.source!)),

  apply: (ctx, p, plan, facts) => applyContent(ctx, { ...p, dest: path(p) }, plan, facts.dest),

  rollback: (ctx, _p, snapshot, applied) => rollbackContent(ctx, snapshot.dest, applied),
});
