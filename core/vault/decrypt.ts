// Ansible Vault 1.1 / 1.2 (AES256) decryption with node's crypto:
// body = hex(hex(salt) \n hex(hmac) \n hex(ciphertext)); PBKDF2-SHA256 with
// 10000 iterations gives 80 bytes: AES-256-CTR key, HMAC-SHA256 key, IV.

import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT;';

export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(VAULT_HEADER);
}

export interface VaultEnvelope {
  version: string;
  cipher: string;
  label?: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

export class VaultFormatError extends Error {}

const HEX = /^[0-9a-fA-F]*$/;

function unhex(s: string, what: string): Buffer {
  if (!HEX.test(s) || s.length % 2) throw new VaultFormatError(`malformed vault data (${what} is not hexadecimal)`);
  return Buffer.from(s, 'hex');
}

export function parseEnvelope(text: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim());
  const header = lines.shift() ?? '';
  const parts = header.split(';');
  if (parts[0] !== '$ANSIBLE_VAULT' || parts.length < 3) throw new VaultFormatError('malformed vault header');
  const [, version, cipher, label] = parts;
  if (version !== '1.1' && version !== '1.2') throw new VaultFormatError(`vault format ${version} is not supported (1.1 and 1.2 are)`);
  if (cipher !== 'AES256') throw new VaultFormatError(`vault cipher ${cipher} is not supported (AES256 is)`);
  const inner = unhex(lines.join(''), 'the body').toString('latin1').split('\n');
  if (inner.length !== 3) throw new VaultFormatError('malformed vault body');
  return { version, cipher, label: version === '1.2' ? label : undefined, salt: unhex(inner[0], 'the salt'), hmac: unhex(inner[1], 'the HMAC'), ciphertext: unhex(inner[2], 'the ciphertext') };
}

/** The plaintext, or undefined when `password` is not the one it was encrypted with. */
export function decryptWith(env: VaultEnvelope, password: Buffer): Buffer | undefined {
  const km = pbkdf2Sync(password, env.salt, 10000, 80, 'sha256');
  const mac = createHmac('sha256', km.subarray(32, 64)).update(env.ciphertext).digest();
  if (mac.length !== env.hmac.length || !timingSafeEqual(mac, env.hmac)) return undefined;
  const d = createDecipheriv('aes-256-ctr', km.subarray(0, 32), km.subarray(64, 80));
  const padded = Buffer.concat([d.update(env.ciphertext), d.final()]);
  const pad = padded[padded.length - 1];
  if (!pad || pad > 16 || pad > padded.length) throw new VaultFormatError('malformed vault plaintext padding');
  return padded.subarray(0, padded.length - pad);
}
