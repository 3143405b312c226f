// authkeys as a model: `auth N` picks the key that signs outgoing packets,
// `N METHOD [SECRET]` lines list the keys incoming packets may be signed with
// (authkeys(5)). Secrets never appear in an error message.

export interface AuthKey {
  index: number;
  method: string;
  /** Absent for crc, which has no secret. */
  key?: string;
}

export interface Authkeys {
  auth?: number;
  keys: AuthKey[];
}

export const METHODS = ['sha1', 'md5', 'crc'] as const;

export class AuthkeysSyntaxError extends Error {
  override name = 'AuthkeysSyntaxError';
}

export function parseAuthkeys(text: string): Authkeys {
  const model: Authkeys = { keys: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    if (words[0] === 'auth') {
      if (words.length !== 2 || !/^\d+$/.test(words[1])) throw new AuthkeysSyntaxError(`line ${i + 1}: expected "auth N"`);
      model.auth = Number(words[1]);
      return;
    }
    // The words after the method are the secret: say how many, never what they are.
    if (!/^\d+$/.test(words[0]) || words.length < 2 || words.length > 3) {
      throw new AuthkeysSyntaxError(`line ${i + 1}: expected "N METHOD [SECRET]" (got ${words.length} words)`);
    }
    model.keys.push({ index: Number(words[0]), method: words[1].toLowerCase(), ...(words[2] !== undefined ? { key: words[2] } : {}) });
  });
  return model;
}

export function renderAuthkeys(a: Authkeys): string {
  const lines = [`auth ${a.auth}`, ...a.keys.map((k) => [k.index, k.method, k.key].filter((w) => w !== undefined).join(' '))];
  return `${lines.join('\n')}\n`;
}

export interface AuthkeysParams {
  index: number;
  method: string;
  key?: string;
  /** Further keys incoming packets may be signed with (a key rotation in progress). */
  also_accept?: AuthKey[];
}

const keyOf = (k: AuthKey): AuthKey => ({ index: k.index, method: k.method, ...(k.key !== undefined ? { key: k.key } : {}) });

/** The signing key, then the keys still accepted, in index order. */
export function authkeysFromParams(p: AuthkeysParams): Authkeys {
  const others = [...(p.also_accept ?? [])].sort((a, b) => a.index - b.index).map(keyOf);
  return { auth: p.index, keys: [keyOf(p), ...others] };
}
