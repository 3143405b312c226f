// Vault passwords for this run: --vault-password-file, --vault-id [label@]source,
// --ask-vault-pass, ANSIBLE_VAULT_PASSWORD_FILE. A source is a file (its first
// line), an executable script (its standard output) or `prompt`. Decrypted
// values are registered as secrets.

import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { RbError } from '../errors.js';
import { decryptWith, parseEnvelope, VaultFormatError } from './decrypt.js';
import { markSecret } from './secrets.js';

export interface VaultId {
  label: string;
  source: string;
}

interface Secret {
  label: string;
  password: Buffer;
}

let secrets: Secret[] = [];

/** `label@source` or `source` (label "default"). */
export function parseVaultId(spec: string): VaultId {
  const at = spec.indexOf('@');
  if (at > 0) return { label: spec.slice(0, at), source: spec.slice(at + 1) };
  return { label: 'default', source: spec };
}

function readSource(id: VaultId, ask: (label: string) => string): Buffer {
  if (id.source === 'prompt') return Buffer.from(ask(id.label));
  let st;
  try {
    st = statSync(id.source);
  } catch (e) {
    throw new RbError(`vault password file ${id.source}: cannot read it (${(e as NodeJS.ErrnoException).code})`);
  }
  if (!st.isFile()) throw new RbError(`vault password file ${id.source}: not a regular file`);
  let executable = true;
  try {
    accessSync(id.source, constants.X_OK);
  } catch {
    executable = false;
  }
  if (executable) {
    try {
      const out = execFileSync(id.source, id.label !== 'default' ? ['--vault-id', id.label] : [], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, maxBuffer: 1 << 20 });
      return Buffer.from(out.toString('utf8').replace(/\s+$/, ''));
    } catch (e) {
      throw new RbError(`vault password script ${id.source} failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const text = readFileSync(id.source, 'utf8').replace(/\s+$/, '');
  if (!text) throw new RbError(`vault password file ${id.source} is empty`);
  return Buffer.from(text);
}

function refusePrompt(): string {
  throw new RbError('--ask-vault-pass needs a terminal to read the password from; use --vault-password-file or --vault-id label@file');
}

/** Set up this run's vault passwords. `ask` reads a password from the terminal (absent: prompting is refused). */
export function configureVault(ids: VaultId[], askPass: boolean, ask: (label: string) => string = refusePrompt, env = process.env): void {
  const all = [...ids];
  if (askPass) all.push({ label: 'default', source: 'prompt' });
  if (!all.length && env.ANSIBLE_VAULT_PASSWORD_FILE) all.push({ label: 'default', source: env.ANSIBLE_VAULT_PASSWORD_FILE });
  secrets = all.map((id) => ({ label: id.label, password: readSource(id, ask) }));
}

/** Decrypt vault text (a whole file or a `!vault` value); the result is registered as a secret. Throws RbError with a one-line reason. */
export function decryptVault(text: string): string {
  if (!secrets.length) throw new RbError('is encrypted with Ansible Vault and no vault password was given (--vault-password-file, --vault-id or --ask-vault-pass)');
  let env;
  try {
    env = parseEnvelope(text);
  } catch (e) {
    if (e instanceof VaultFormatError) throw new RbError(e.message);
    throw e;
  }
  // The secret with the envelope's label first, then every other one (as Ansible does).
  const order = [...secrets.filter((s) => s.label === env.label), ...secrets.filter((s) => s.label !== env.label)];
  for (const s of order) {
    const plain = decryptWith(env, s.password);
    if (plain) {
      const text = plain.toString('utf8');
      markSecret(text);
      return text;
    }
  }
  throw new RbError(`could not be decrypted with the vault password${secrets.length > 1 ? 's' : ''} given${env.label ? ` (vault id "${env.label}")` : ''}`);
}

/** Forget the passwords (tests). */
export function resetVault(): void {
  secrets = [];
}
