// The lab hosts inside the guest must answer from this machine before `up`
// returns: the inventory promises them.

import { connect } from 'node:net';
import { RbError } from '../../errors.js';
import { waitFor } from './wait.js';

export function tcpAnswers(address: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function waitReachable(addresses: readonly string[], port: number, timeoutMs: number): Promise<void> {
  const pending = new Set(addresses);
  await waitFor(async () => {
    const results = await Promise.all([...pending].map(async (a) => [a, await tcpAnswers(a, port)] as const));
    for (const [a, ok] of results) if (ok) pending.delete(a);
    return pending.size === 0 ? true : undefined;
  }, { timeoutMs, intervalMs: 200 });
  if (pending.size) {
    throw new RbError(`lab hosts in the guest do not answer on port ${port} from this machine: ${[...pending].join(', ')}`);
  }
}
