// The guest's own sshd (management address) gets a host key made once on this
// machine before boot — the guest sees it through 9p — and pinned in a
// known_hosts file of its own, so strict host-key checking works from the start.

import { existsSync, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { RbError } from '../../errors.js';
import { runChecked } from './run.js';

export interface GuestKeyPaths {
  hostKey: string;
  knownHosts: string;
  labKey: string;
  address: string;
}

export async function ensureGuestKeys(p: GuestKeyPaths): Promise<{ authorizedKey: string }> {
  const labPub = await fs.readFile(`${p.labKey}.pub`, 'utf8').catch(() => {
    throw new RbError(`the lab key ${p.labKey}.pub is missing: the lab's client keys must exist first`);
  });
  if (!existsSync(p.hostKey)) {
    await fs.mkdir(dirname(p.hostKey), { recursive: true, mode: 0o700 });
    await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rblab-guest', '-f', p.hostKey], {}, 'cannot make the guest host key');
  }
  const hostPub = await fs.readFile(`${p.hostKey}.pub`, 'utf8');
  await fs.writeFile(p.knownHosts, knownHostsLine(p.address, hostPub), { mode: 0o644 });
  return { authorizedKey: labPub.trim() };
}

/** "ADDRESS TYPE BLOB" from a .pub file's "TYPE BLOB COMMENT". */
export function knownHostsLine(address: string, pub: string): string {
  const [type, blob] = pub.trim().split(/\s+/);
  if (!type || !blob) throw new RbError(`malformed public key: ${pub.slice(0, 40)}`);
  return `${address} ${type} ${blob}\n`;
}
