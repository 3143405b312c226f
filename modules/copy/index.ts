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
//
// With `remote_src: true`, `src` is a file on the host itself: its bytes are
// read with the facts and installed the same way (as Ansible's: a new file gets
// the default mode, not src's; an existing one keeps its own unless mode is given).

import { readFile } from 'node:fs/promises';
import { CommandError, ModuleError } from '../../core/errors.js';
import { sha256 } from '../../core/files/write.js';
import { CONTENT_LIMIT, fileFactsCommand, parseFileFacts, type FileFact } from '../../core/files/facts.js';
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
  remote_src: boolean;
}

/** copy's facts: the destination, the controller source, or with remote_src the host's source file. */
export type CopyFacts = ContentFacts & { remote?: FileFact };

const path = (p: CopyParams) => targetPath(p.dest, p.src);

/** The facts as one command and its parser (the engine may batch them); `src` is read here. */
async function copyQuery(ctx: FactsContext, p: CopyParams): Promise<FactsQuery<CopyFacts>> {
  if (p.src === undefined) return contentQuery(ctx.host, path(p));
  if (p.remote_src) return remoteQuery(ctx.host, p.src, path(p));
  const local = ctx.localPath(p.src, 'files');
  return contentQuery(ctx.host, path(p), sourceFromBytes(local, await readFile(local)));
}

/** The host's source file (with its bytes) and the destination, in one read. */
function remoteQuery(host: string, src: string, dest: string): FactsQuery<CopyFacts> {
  const paths = [...new Set([src, dest])];
  const command = fileFactsCommand(paths, { withContent: true });
  return {
    command,
    parse(r) {
      if (r.code !== 0 && !r.stdout.includes('@@rb')) throw new CommandError({ host, command, ...r }, 'cannot read file facts');
      const f = parseFileFacts(paths, r.stdout);
      return { dest: f[dest], remote: f[src] };
    },
  };
}

/** The bytes of the host's source file, or why they cannot be copied. */
function remoteBytes(src: string, f: FileFact | undefined): Buffer {
  if (!f?.exists) throw new ModuleError(`Source ${src} not found`);
  if (f.type === 'directory') throw new ModuleError(`${src} is a directory: remote_src copies a file (use synchronize or a command for a tree)`);
  if (f.type !== 'file') throw new ModuleError(`${src} is not a regular file`);
  if (f.content === undefined) throw new ModuleError(`${src} is ${f.size} bytes: remote_src copies files under ${CONTENT_LIMIT} bytes`);
  const bytes = Buffer.from(f.content, 'utf8');
  if (sha256(bytes) !== f.sha256) throw new ModuleError(`${src} is not UTF-8 text: remote_src copies text files`);
  return bytes;
}

export default defineModule<CopyParams, CopyFacts>({
  name: 'copy',
  summary: 'A file with given content (inline or from the controller), mode and owner',
  params: {
    content: { type: 'string', description: 'the file content, as given' },
    src: { type: 'string', controllerFile: 'files', description: "controller file: absolute, or relative to the playbook's files/ folder (with remote_src: an absolute path on the host)" },
    remote_src: { type: 'bool', default: false, description: 'src is a file on the host itself' },
    ...contentFields,
  },
  rules: (p) => {
    const out = contentRules(p);
    if ((p.content === undefined) === (p.src === undefined)) out.push(['', 'give exactly one of content or src']);
    if (p.remote_src === true && (typeof p.src !== 'string' || !p.src.startsWith('/'))) out.push(['src', 'with remote_src, src is an absolute path on the host']);
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
    if (p.remote_src) return planContent({ ...p, dest: path(p) }, facts.dest, remoteBytes(p.src!, facts.remote));
    const want = facts.source ? sourceBytes(facts.source) : Buffer.from(p.content ?? '', 'utf8');
    return planContent({ ...p, dest: path(p) }, facts.dest, want);
  },

  apply: (ctx, p, plan, facts) => applyContent(ctx, { ...p, dest: path(p) }, plan, facts.dest),

  rollback: (ctx, _p, snapshot, applied) => rollbackContent(ctx, snapshot.dest, applied),
});
