// Values rb knows to be secret because of where they came from (decrypted
// Ansible Vault values today). Output masking consults this registry in
// addition to the schema's `secret` flag and `no_log`: any string registered
// here, and any text containing one, is treated as secret.

const values = new Set<string>();

/** Mark `value` as secret for the rest of the process (empty and 1-char strings are not: they would mask everything). */
export function markSecret(value: string): string {
  if (typeof value === 'string' && value.length >= 2) values.add(value);
  return value;
}

export function isSecretValue(value: unknown): boolean {
  return typeof value === 'string' && values.has(value);
}

/** Every registered secret, longest first (so a masker replaces the longest match first). */
export function secretValues(): string[] {
  return [...values].sort((a, b) => b.length - a.length);
}

/** Does `text` contain a registered secret? */
export function containsSecret(text: string): boolean {
  for (const v of values) if (text.includes(v)) return true;
  return false;
}

/** Replace every registered secret inside `text` with `mask`. */
export function maskSecrets(text: string, mask = '********'): string {
  let out = text;
  for (const v of secretValues()) if (out.includes(v)) out = out.split(v).join(mask);
  return out;
}

/** Forget every registered secret (tests). */
export function clearSecrets(): void {
  values.clear();
}
