// The floor: the least a controller can do for the reference workload. One
// ssh2 connection per host (Nagle off), 50 hosts at a time (rb's default forks), and the whole
// workload as ONE exec per host (workload.ts). No inventory parsing, no
// templating engine, no per-task anything: what is left is SSH and the work
// on the host itself.
//
//   node dist/bench/floor.js apply|noop|check HOSTS.json
//
// Prints `HOST changes=N` per host; exits 0 when every host ran its script.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostKeyVerifier } from '../core/transport/host-key-check.js';
import { openLink } from '../core/transport/ssh2-link.js';
import type { FloorHost } from './lab.js';
import { mapLimit } from '../core/engine/limit.js';
import { floorScript, leanDifferences, leanReadScript, type WorkloadInputs } from './workload.js';

const FORKS = 50;
const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');

/**
 * apply: the check-and-fix script. noop: the lean read, and the fix only when
 * something differs. check: the lean read alone.
 */
type FloorMode = 'apply' | 'noop' | 'check';

async function onHost(h: FloorHost, inputs: WorkloadInputs, mode: FloorMode): Promise<{ host: string; changes?: number; error?: string }> {
  try {
    const link = await openLink({
      host: h.name,
      address: h.address,
      port: h.port,
      user: h.user,
      keys: [{ file: h.key, data: await readFile(h.key) }],
      hostKey: await hostKeyVerifier({ address: h.address, port: h.port, mode: 'strict', knownHostsFile: h.knownHosts }),
      timeoutMs: 30_000,
      keepaliveIntervalMs: 0,
      maxSessions: 1,
      noDelay: true,
    });
    try {
      if (mode !== 'apply') {
        const read = await link.exec(leanReadScript(h.name, inputs), undefined, undefined);
        const diff = leanDifferences(h.name, inputs, read.stdout.toString());
        if (mode === 'check' || diff.length === 0) return { host: h.name, changes: diff.length };
      }
      const r = await link.exec(floorScript(h.name, inputs, true), undefined, undefined);
      const m = /^changes (\d+)$/m.exec(r.stdout.toString());
      if (r.code !== 0 || !m) return { host: h.name, error: `exit ${r.code}: ${r.stderr.toString().trim().split('\n').slice(-3).join(' | ')}` };
      return { host: h.name, changes: Number(m[1]) };
    } finally {
      await link.end();
    }
  } catch (e) {
    return { host: h.name, error: (e as Error).message };
  }
}

async function main(argv: string[]): Promise<number> {
  const [mode, hostsFile] = argv;
  if ((mode !== 'apply' && mode !== 'noop' && mode !== 'check') || !hostsFile) {
    process.stderr.write('usage: floor.js apply|noop|check HOSTS.json\n');
    return 2;
  }
  const [hosts, template, page] = await Promise.all([
    readFile(hostsFile, 'utf8').then((t) => JSON.parse(t) as FloorHost[]),
    readFile(join(BENCH_DIR, 'templates', 'keepalived.conf.j2'), 'utf8'),
    readFile(join(BENCH_DIR, 'files', 'index.html'), 'utf8'),
  ]);
  // 50 at a time, as rb's default forks: all of 500 hosts at once only time out in the handshake.
  const results = await mapLimit(hosts, FORKS, (h) => onHost(h, { template, page }, mode));
  let failed = 0;
  for (const r of results) {
    if (r.error !== undefined) failed++;
    process.stdout.write(r.error !== undefined ? `${r.host} FAILED ${r.error}\n` : `${r.host} changes=${r.changes}\n`);
  }
  return failed ? 1 : 0;
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
