// Values shown in output (task and play names, hosts, messages, item labels)
// must not forge output lines: control characters are written escaped, and a
// value that legitimately spans lines is indented under its record.

// C0 controls but \n, DEL, C1 controls, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1b': '\\e' };

function esc(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One line: every control character (newlines too) escaped. */
export function oneLine(v: unknown): string {
  return String(v).replace(CONTROL_OR_NL, esc);
}

/** Several lines allowed: control characters escaped, every line after the first indented by `pad`. */
export function indented(v: unknown, pad = '  '): string {
  return String(v).replace(/\r\n/g, '\n').replace(CONTROL, esc).split('\n').join(`\n${pad}`);
}
