// Values rb knows to be secret because of where they came from (decrypted
// Ansible Vault values, generated passwords). They go into the one registry of
// core/secrets.ts, which every output path masks with.

import { clearSecrets as clear, containsSecret as contains, isSecret, maskSecrets as mask, MASK, registerSecret, secretValues as all } from '../secrets.js';

/** Mark `value` as secret for the rest of the process; returns it. */
export function markSecret(value: string): string {
  registerSecret(value);
  return value;
}

export function isSecretValue(value: unknown): boolean {
  return isSecret(value);
}

/** Every registered secret, longest first. */
export function secretValues(): string[] {
  return all();
}

/** Does `text` contain a registered secret? */
export function containsSecret(text: string): boolean {
  return contains(text);
}

/** Replace every registered secret inside `text` with the mask. */
export function maskSecrets(text: string, replacement = MASK): string {
  return replacement === MASK ? mask(text) : mask(text).split(MASK).join(replacement);
}

/** Forget every registered secret (tests). */
export function clearSecrets(): void {
  clear();
}
