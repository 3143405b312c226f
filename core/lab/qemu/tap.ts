// The guest's NIC is a tap device on the lab bridge of this machine, so the lab
// hosts inside the guest share one L2 segment with the control machine.

import { promises as fs } from 'node:fs';
import { RbError } from '../../errors.js';
import { run, runChecked } from './run.js';

/** Asked over netlink: /sys/class/net shows the links of whichever netns mounted sysfs. */
export async function linkExists(name: string): Promise<boolean> {
  return (await run('ip', ['link', 'show', 'dev', name])).code === 0;
}

export async function ensureTap(tap: string, bridge: string): Promise<void> {
  if (!(await linkExists(bridge))) throw new RbError(`the lab bridge ${bridge} does not exist`);
  if (!(await linkExists(tap))) {
    const r = await run('ip', ['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    if (r.code !== 0) {
      throw new RbError(`cannot create the tap device ${tap} (is /dev/net/tun available?): ${r.stderr.trim()}`);
    }
  }
  // Router solicitations and DAD from the tap would only add noise to the lab segment.
  await fs.writeFile(`/proc/sys/net/ipv6/conf/${tap}/disable_ipv6`, '1').catch(() => undefined);
  await runChecked('ip', ['link', 'set', 'dev', tap, 'master', bridge], {}, `cannot put ${tap} on ${bridge}`);
  await runChecked('ip', ['link', 'set', 'dev', tap, 'up'], {}, `cannot bring ${tap} up`);
}

export async function removeTap(tap: string): Promise<void> {
  if (!(await linkExists(tap))) return;
  await runChecked('ip', ['link', 'del', 'dev', tap], {}, `cannot remove ${tap}`);
}

