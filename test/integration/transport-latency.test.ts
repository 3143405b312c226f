// Measures what one connection and one exec cost over the ssh transport, and
// proves Nagle is off: the median exec with setNoDelay must beat the one
// without by a wide margin. Prints the figures. Needs root (starts sshd).

import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshTransport, type SshConnectOptions } from '../../core/transport/ssh.js';
import type { ConnectionSpec } from '../../core/transport/types.js';
import { createUser, startSshd, type TestSshd, type TestUser } from '../fixtures/transport/sshd.js';
import { skipUnlessRoot } from '../harness/lab.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('transport: latency', function () {
  let d: TestSshd;
  let u: TestUser;
  let spec: ConnectionSpec;

  before(async function () {
    skipUnlessRoot(this);
    d = await startSshd();
    // A user whose login shell is sh: root's .bashrc here costs more than the transport.
    u = createUser('nopasswd');
    const kh = join(d.dir, 'known_hosts');
    writeFileSync(kh, `[127.0.0.1]:${d.port} ${d.hostKeys.ed25519}\n`);
    spec = {
      name: 'bench',
      connection: 'ssh',
      address: '127.0.0.1',
      port: d.port,
      user: u.name,
      privateKeyFile: d.clientKey,
      knownHostsFile: kh,
      hostKeyChecking: 'strict',
      become: false,
      connectTimeoutMs: 10000,
      keepaliveIntervalMs: 15000,
    };
  });

  after(async () => {
    u?.remove();
    await d?.stop();
  });

  async function execMedian(opts: SshConnectOptions, n: number): Promise<number> {
    const t = await SshTransport.connect(spec, opts);
    try {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        const r = await t.exec('true');
        times.push(performance.now() - started);
        expect(r.code).to.equal(0);
      }
      expect(t.stats.execs).to.equal(n);
      return median(times);
    } finally {
      await t.close();
    }
  }

  it('connect, and 200 execs with and without setNoDelay', async () => {
    const connects: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const t = await SshTransport.connect(spec);
      connects.push(performance.now() - started);
      await t.close();
    }
    const noDelay = await execMedian({}, 200);
    const nagle = await execMedian({ noDelay: false }, 200);
    console.log(
      `      connect (TCP + handshake + ed25519 key auth + known_hosts): median ${median(connects).toFixed(1)} ms of 10\n` +
        `      exec "true", median of 200: ${noDelay.toFixed(2)} ms with setNoDelay, ${nagle.toFixed(2)} ms without`,
    );
    expect(nagle / noDelay).to.be.above(3);
  });
});
