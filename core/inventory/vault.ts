// Ansible Vault ciphertext (`!vault |` values, encrypted vars files) is not
// decrypted by rb. Reading it as a plain string would hand the ciphertext to a
// task as if it were the password, so it is refused where it is found.

import { joinPath } from '../yaml.js';

const HEADER = '$ANSIBLE_VAULT;';

export const VAULT_MESSAGE = 'is encrypted with Ansible Vault, which rb does not decrypt; provide the value unencrypted (e.g. with -e @file)';

export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(HEADER);
}

/** The field paths (core/yaml.ts style) of every vault-encrypted string inside `value`. */
export function vaultPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.startsWith(HEADER) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => vaultPaths(v, joinPath(path, i)));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.entries(value).flatMap(([k, v]) => vaultPaths(v, joinPath(path, k)));
  }
  return [];
}
