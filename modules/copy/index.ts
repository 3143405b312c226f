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
// A directory src is merged into dest as Ansible merges it (remote-dir.ts).

import { readFile } from 'node:fs/promises';
import { CommandError, ModuleError } from '../../core/errors.js';
import { sha256 } from '../../core/files/write.js';
import { applyRemoteDir, planRemoteDir, remoteDirQuery, rollbackRemoteDir, type RemoteDirFacts } from './remote-dir.js';
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
export type CopyFacts = ContentFacts & { remote?: FileFact; dir?: RemoteDirFacts };

const path = (p: CopyParams) => targetPath(p.dest, p.src);

/** The facts as one command and its parser (the engine may batch them); `src` is read here. */
async function copyQuery(ctx: FactsContext, p: CopyParams): Promise<FactsQuery<CopyFacts>> {
  if (p.src === undefined) return contentQuery(ctx.host, path(p));
  if (p.remote_src) return remoteQuery(ctx.host, p.src, path(p), p.dest);
  const local = ctx.localPath(p.src, 'files');
  return contentQuery(ctx.host, path(p), sourceFromBytes(local, await readFile(local)));
}

const DIR_MARK = '@@rb-remote-dir';

/** The host's source (a file with its bytes, or a directory tree) and the destination, in one read. */
function remoteQuery(host: string, src: string, dest: string, rawDest: string): FactsQuery<CopyFacts> {
  const paths = [...new Set([src, dest])];
  const dir = remoteDirQuery(host, src, rawDest);
  const command = `${fileFactsCommand(paths, { withContent: true })}; echo ${DIR_MARK}; ${dir.command}`;
  return {
    command,
    parse(r) {
      if (r.code !== 0 && !r.stdout.includes('@@rb')) throw new CommandError({ host, command, ...r }, 'cannot read file facts');
      const at = r.stdout.indexOf(`\n${DIR_MARK}\n`);
      if (at < 0) throw new CommandError({ host, command, ...r }, 'cannot read copy facts');
      const f = parseFileFacts(paths, r.stdout.slice(0, at + 1));
      const tree = dir.parse({ ...r, stdout: r.stdout.slice(at + DIR_MARK.length + 2) });
      return { dest: f[dest], remote: f[src], ...(tree.srcIsDir ? { dir: tree } : {}) };
    },
  };
}

/** The bytes of the host's source file, or why they cannot be copied. */
function remoteBytes(src: string, f: FileFact | undefined): Buffer {
  if (!f?.exists) throw new ModuleError(`Source ${src} not found`);
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
    if (p.remote_src && facts.dir) {
      if (p.mode !== undefined) throw new ModuleError(`${p.src} is a directory: mode is not applied to a copied tree (set it with file and recurse)`);
      return planRemoteDir(p.src!, p, facts.dir);
    }
    if (p.remote_src) return planContent({ ...p, dest: path(p) }, facts.dest, remoteBytes(p.src!, facts.remote));
    const want = facts.source ? sourceBytes(facts.source) : Buffer.from(p.content ?? '', 'utf8');
    return planContent({ ...p, dest: path(p) }, facts.dest, want);
  },

  apply: async (ctx, p, plan, facts) => {
    if (!facts.dir) return applyContent(ctx, { ...p, dest: path(p) }, plan, facts.dest);
    await applyRemoteDir(ctx, p.src!, facts.dir, plan);
    return { dest: facts.dir.target, changed: true };
  },

  rollback: (ctx, _p, snapshot, applied) => (snapshot.dir ? rollbackRemoteDir(ctx, snapshot.dir, applied) : rollbackContent(ctx, snapshot.dest, applied)),
});
