// Report files (--report-json, --report-junit, --report-prometheus) are checked
// before the run starts: a path that cannot be written is bad input (exit 1,
// nothing contacted), not a surprise after the hosts were changed.

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigProblem } from '../errors.js';

function problem(flag: string, file: string): string | undefined {
  const path = resolve(file);
  try {
    const st = statSync(path);
    if (!st.isFile() && !st.isCharacterDevice()) return `${flag} ${file}: it is ${st.isDirectory() ? 'a directory' : 'not a regular file'}`;
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return `${flag} ${file}: cannot be written (${code})`;
  }
  // The file does not exist: the nearest existing directory above it must be writable.
  let dir = dirname(path);
  for (;;) {
    try {
      const st = statSync(dir);
      if (!st.isDirectory()) return `${flag} ${file}: ${dir} is not a directory`;
      accessSync(dir, constants.W_OK | constants.X_OK);
      return undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') return `${flag} ${file}: cannot be created in ${dir} (${code})`;
    }
    const up = dirname(dir);
    if (up === dir) return `${flag} ${file}: no directory to create it in`;
    dir = up;
  }
}

export function checkReportPaths(paths: Array<[flag: string, file: string | undefined]>): void {
  const problems: ConfigProblem[] = [];
  for (const [flag, file] of paths) {
    if (file === undefined) continue;
    if (file === '') problems.push({ message: `${flag}: the path is empty` });
    else {
      const p = problem(flag, file);
      if (p) problems.push({ message: p });
    }
  }
  if (problems.length) throw new ConfigError(problems);
}
