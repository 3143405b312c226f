// `npm run build` step 2: the CLI as one bundle (dist/bundle/rb.js and its
// chunks), because Node spends most of a short run resolving and compiling
// hundreds of small files. Modules stay lazy: each one is a chunk that a run
// imports only when a playbook uses it. ssh2 stays outside (native crypto),
// loaded with the first connection. `rb` (core/index.ts, for site modules) is
// an entry of the same bundle, so site modules share the CLI's classes.

import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const out = join(root, 'dist', 'bundle');

await rm(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    rb: 'core/cli/main.ts',
    index: 'core/index.ts',
    'modules/index': 'modules/index.ts',
    'qemu/index': 'core/lab/qemu/index.ts',
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['ssh2'],
  // Chunks sit beside rb.js: the registry is found from any of them.
  define: { RB_BUNDLED_MODULES: '"./modules/index.js"' },
  // CommonJS packages inside an ES module bundle still need require() for Node's built-ins.
  banner: { js: 'import { createRequire as rbCreateRequire } from "node:module"; const require = rbCreateRequire(import.meta.url);' },
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
process.stdout.write(`bundle: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB in dist/bundle\n`);
