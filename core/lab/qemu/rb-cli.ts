// How the guest runs rb: the guest's root is this machine's `/`, so the same
// project directory, node and packages are there at the same paths.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RbError } from '../../errors.js';

/** The project root: the nearest directory above this file holding package.json. */
export function projectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new RbError(`cannot find rb's package.json above ${from}`);
  }
}

/**
 * The argv that runs rb's CLI: the compiled one when it is built, else the
 * TypeScript sources through tsx (a source checkout whose tests run unbuilt).
 */
export function rbCliArgv(root = projectRoot()): string[] {
  const built = join(root, 'dist', 'bundle', 'rb.js');
  if (existsSync(built)) return ['node', built];
  const source = join(root, 'core', 'cli', 'main.ts');
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  if (existsSync(source) && existsSync(tsx)) return ['node', '--import', `file://${tsx}`, source];
  throw new RbError(`rb is not built: run npm run build in ${root}`);
}
