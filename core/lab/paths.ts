// Fixed locations of the lab. Client-side files live under /var/lib/rblab and
// survive `rb lab down`: topology inventories hard-code the key and known_hosts
// paths, and host keys are reused on every rebuild so known_hosts stays valid
// (the qemu guest sees this directory read-only and reuses them too). Runtime
// state lives on a private tmpfs under /run, so a reboot forgets it.

export const LAB_DIR = '/var/lib/rblab';
export const LAB_KEY = `${LAB_DIR}/id_ed25519`;
export const LAB_PUBKEY = `${LAB_KEY}.pub`;
export const KNOWN_HOSTS = `${LAB_DIR}/known_hosts`;
export const HOSTKEYS_DIR = `${LAB_DIR}/hostkeys`;
export const INVENTORY = `${LAB_DIR}/inventory.yml`;
export const LOCK_FILE = `${LAB_DIR}/lock`;

/** tmpfs, mode 0700: overlay upper/work dirs, pid records, state.json. Invisible inside hosts. */
export const STATE_DIR = '/run/rblab';
export const HOSTS_STATE_DIR = `${STATE_DIR}/hosts`;
export const STATE_FILE = `${STATE_DIR}/state.json`;
/** The boot script every host runs (BOOT_SCRIPT in boot.ts). */
export const BOOT_FILE = `${STATE_DIR}/boot.sh`;
/** Device nodes built once and copied into each host's private /dev. */
export const DEV_TEMPLATE_DIR = `${STATE_DIR}/dev`;
/** Owned by the qemu part (`rb lab up --ipvs`): its pid file and guest state. */
export const QEMU_STATE_DIR = `${STATE_DIR}/qemu`;

export const NETNS_DIR = '/run/netns';

export function hostKeyPath(name: string): string {
  return `${HOSTKEYS_DIR}/${name}/ssh_host_ed25519_key`;
}

export function hostStateDir(name: string): string {
  return `${HOSTS_STATE_DIR}/${name}`;
}
