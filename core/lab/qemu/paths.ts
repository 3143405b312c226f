// Fixed names and places of the IPVS guest. The guest shares the lab's bridge
// segment (rblab0, 198.18.0.0/24), so its own addresses sit below the lab
// hosts' 198.18.0.(10+I) and never collide with the bridge's 198.18.0.1.

import { join } from 'node:path';
import { HOSTKEYS_DIR, LAB_DIR, LAB_KEY, QEMU_STATE_DIR } from '../paths.js';
import { BRIDGE } from '../topology.js';

export { LAB_DIR, LAB_KEY, QEMU_STATE_DIR };

/** Kernel cache: one directory per kernel ABI version, rebuilt only when Debian ships a new one. */
export const KERNEL_CACHE_ROOT = '/var/tmp/rblab-kernel';

// Per-run state of the guest lives in QEMU_STATE_DIR, under the lab's tmpfs state dir.
export const QEMU_PID_FILE = join(QEMU_STATE_DIR, 'qemu.pid');
export const QEMU_CONSOLE_LOG = join(QEMU_STATE_DIR, 'console.log');
export const QEMU_STDOUT_LOG = join(QEMU_STATE_DIR, 'qemu.out');
export const QEMU_STDERR_LOG = join(QEMU_STATE_DIR, 'qemu.err');
export const QEMU_INITRD = join(QEMU_STATE_DIR, 'initrd.cpio');
export const GUEST_HOSTS_FILE = join(QEMU_STATE_DIR, 'hosts.json');
export const BOOT_RECORD_FILE = join(QEMU_STATE_DIR, 'boot.json');
export const SSH_CONTROL_SOCKET = join(QEMU_STATE_DIR, 'ssh.ctl');

export const LAB_BRIDGE = BRIDGE;
export const TAP_DEVICE = 'rblab-tap0';
/** Locally administered MACs in the lab's 02:72:62 ("rb") prefix, out of the per-host range. */
export const GUEST_NIC_MAC = '02:72:62:ff:00:01';
export const GUEST_BRIDGE_MAC = '02:72:62:ff:00:02';
/** The guest's management address, where its own sshd listens. */
export const GUEST_ADDRESS = '198.18.0.2';
export const GUEST_PREFIX = 24;
export const GUEST_HOSTNAME = 'rblab-guest';

/** Made before boot beside the lab hosts' keys, so the guest sees it through 9p. */
export const GUEST_HOST_KEY = join(HOSTKEYS_DIR, 'guest', 'ssh_host_ed25519_key');
/** The guest's host key is pinned in a file of its own so the lab may rewrite its known_hosts freely. */
export const GUEST_KNOWN_HOSTS = join(HOSTKEYS_DIR, 'guest', 'known_hosts');

/** Where the guest's stage-2 init lives inside the guest's root (written into the RAM overlay). */
export const GUEST_INIT_PATH = '/rblab-init';
/** The 9p mount tag of this machine's `/`. */
export const HOST_ROOT_TAG = 'hostroot';
