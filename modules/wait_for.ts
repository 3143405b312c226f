// wait_for: waits, on the host, until a TCP port accepts connections (or stops
// accepting them) or a path appears (or disappears). One bounded polling loop
// runs on the host in a single exec. In check mode it says what it would wait
// for and does not wait.
//
//   - name: keepalived's web check target is up
//     wait_for: { host: 198.18.0.11, port: 80, timeout: 30 }

import { defineModule } from '../core/module.js';
import { sh } from '../core/transport/shell.js';

export interface WaitForParams {
  host: string;
  port?: number;
  path?: string;
  state: 'started' | 'stopped' | 'present' | 'absent';
  timeout: number;
  delay: number;
  sleep: number;
  msg?: string;
}

/** What is waited for, in words (check mode, messages). */
export function waitTarget(p: WaitForParams): string {
  if (p.port !== undefined) return `port ${p.port} on ${p.host} to be ${p.state === 'stopped' || p.state === 'absent' ? 'closed' : 'open'}`;
  return `${p.path} to be ${p.state === 'stopped' || p.state === 'absent' ? 'absent' : 'present'}`;
}

/**
 * The loop. A port is probed with bash's /dev/tcp under `timeout 2` (bash and
 * coreutils are on every Linux host rb targets; nc is not). Prints "ok after
 * N s" or exits 1 after the timeout.
 */
export function waitForCommand(p: WaitForParams): string {
  const gone = p.state === 'stopped' || p.state === 'absent';
  const probe =
    p.port !== undefined
      ? sh`timeout 2 bash -c 'exec 3<>/dev/tcp/"$1"/"$2"' rb ${p.host} ${p.port} 2>/dev/null`
      : sh`[ -e ${p.path!} ]`;
  const test = gone ? `! { ${probe}; }` : probe;
  return [
    `sleep ${p.delay}`,
    'start=$(date +%s)',
    `while :; do if ${test}; then echo "ok after $(( $(date +%s) - start )) s"; exit 0; fi`,
    `[ $(( $(date +%s) - start )) -ge ${p.timeout} ] && { echo "timeout after ${p.timeout} s" >&2; exit 1; }`,
    `sleep ${p.sleep}; done`,
  ].join('\n');
}

export default defineModule<WaitForParams>({
  name: 'wait_for',
  summary: 'Wait on the host for a TCP port or a path (bounded)',
  params: {
    host: { type: 'string', default: '127.0.0.1', description: 'address to connect to, from the host' },
    port: { type: 'int', min: 1, max: 65535 },
    path: { type: 'string', pattern: /^\//, patternName: 'an absolute path' },
    state: { type: 'string', enum: ['started', 'stopped', 'present', 'absent'], default: 'started', description: 'started/present: wait until open/there; stopped/absent: until closed/gone' },
    timeout: { type: 'int', default: 300, min: 0, max: 86400, description: 'seconds' },
    delay: { type: 'int', default: 0, min: 0, max: 3600, description: 'seconds to wait before the first probe' },
    sleep: { type: 'int', default: 1, min: 1, max: 60, description: 'seconds between probes' },
    msg: { type: 'string', description: 'message on timeout' },
  },
  rules: (p) => {
    if ((p.port === undefined) === (p.path === undefined)) return [['', 'give exactly one of port or path']];
    return [];
  },
  supports: { check: true, diff: false, rollback: false },
  example: `- wait_for: { port: 22, timeout: 10 }
- wait_for: { path: /run/keepalived.pid, state: present, timeout: 5 }`,

  async action(ctx, p) {
    const what = waitTarget(p);
    if (ctx.check) return { changed: false, msg: `would wait up to ${p.timeout} s for ${what}` };
    const r = await ctx.exec(waitForCommand(p), { timeoutMs: (p.delay + p.timeout + 15) * 1000 });
    if (r.code !== 0) return { failed: true, msg: p.msg ?? `timed out after ${p.timeout} s waiting for ${what}`, data: { elapsed: p.timeout } };
    const elapsed = Number(/ok after (\d+) s/.exec(r.stdout)?.[1] ?? 0) + p.delay;
    return { changed: false, msg: `${what}: ok after ${elapsed} s`, data: { elapsed } };
  },
});
