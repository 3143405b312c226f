// The one way to build a shell command line from values. A user value never
// reaches a shell unquoted: `sh` quotes every interpolated value, `argv` quotes
// every word. Tests assert the exact strings these produce.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one word for POSIX sh. Words made only of safe characters stay bare. */
export function quote(value: string | number | boolean): string {
  const s = String(value);
  if (s !== '' && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line that is already quoted; `sh` embeds it verbatim. */
export class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Mark a fragment built by `sh`/`argv` (or a constant) as already safe. */
export function raw(text: string): Raw {
  return new Raw(text);
}

type ShValue = string | number | boolean | Raw | readonly (string | number | Raw)[];

/**
 * Tagged template: sh`sysctl -n ${key}` → "sysctl -n net.ipv4.ip_forward".
 * Arrays become several quoted words; Raw values are embedded as they are.
 */
export function sh(strings: TemplateStringsArray, ...values: ShValue[]): string {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return out;
}

function render(v: ShValue): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return v.map((w) => (w instanceof Raw ? w.text : quote(w))).join(' ');
  return quote(v as string | number | boolean);
}

/** ['ip', 'addr', 'add', addr] → "ip addr add 10.0.0.1/32" with every word quoted. */
export function argv(words: readonly (string | number)[]): string {
  return words.map((w) => quote(w)).join(' ');
}

/** Join commands so the first failure stops the rest. */
export function and(...cmds: string[]): string {
  return cmds.filter(Boolean).join(' && ');
}
