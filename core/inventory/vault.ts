// Ansible Vault ciphertext is decrypted where it is marked (`!vault |` values,
// whole encrypted files: core/vault). Ciphertext written as a plain string
// would be handed to a task as if it were the password, so it is refused.

import { joinPath } from '../yaml.js';

const HEADER = '$ANSIBLE_VAULT;';

export const VAULT_MESSAGE = 'is Ansible Vault ciphertext without the !vault tag; mark it `!vault |` so it is decrypted, or give the value unencrypted';

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
