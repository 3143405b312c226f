// Every real run leaves its journal on the controller — what changed, what was
// rolled back — so a later report can say exactly what happened.

import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../engine/types.js';
import { jsonReport } from '../report/json.js';

export function runsDir(): string {
  const base = process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state');
  return join(base, 'rb', 'runs');
}

export async function saveRunRecord(summary: RunSummary): Promise<string> {
  const dir = runsDir();
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.json`);
  await writeFile(file, JSON.stringify(jsonReport(summary), null, 1));
  return file;
}
