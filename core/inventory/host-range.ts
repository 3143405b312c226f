// Host names with optional :port and [x:y] ranges, read exactly as Ansible
// reads them (ansible.parsing.utils.addresses + expand_hostname_range):
// `web[01:03]`, `node[a:c]`, `app[0:10:2]`, `db[1:2]-[a:b]`, `10.0.0.[1:3]`,
// `host:2222`, `[2001:db8::1]:2222`.

/** A host range that does not expand; the message is shown with file:line. */
export class HostRangeError extends Error {
  override name = 'HostRangeError';
}

/** A range may not expand into more hosts than this: a typo like [0:9999999] would exhaust memory. */
export const MAX_RANGE_HOSTS = 100_000;

const ALPHA_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const V6 = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const V4 = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
const LABEL = String.raw`(?:[\p{L}\p{N}_]|${ALPHA_RANGE})(?:[\p{L}\p{N}_-]|${ALPHA_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const IPV4 = new RegExp(`^(?:${V4}\\.){3}${V4}$`, 'i');
const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${V6}:){7}${V6}`,
      `(?:${V6}:){1,6}:`,
      `(?:${V6}:)(?::${V6}){1,6}`,
      `(?:${V6}:){2}(?::${V6}){1,5}`,
      `(?:${V6}:){3}(?::${V6}){1,4}`,
      `(?:${V6}:){4}(?::${V6}){1,3}`,
      `(?:${V6}:){5}(?::${V6}){1,2}`,
      `(?:${V6}:){6}(?::${V6})`,
      `:(?::${V6}){1,6}`,
      `${V6}?::`,
      `(?:0:){6}(?:${V6}\\.){3}${V6}`,
      `::(?:ffff:)?(?:${V6}\\.){3}${V6}`,
      `(?:0:){5}ffff:(?:${V6}\\.){3}${V6}`,
    ].join('|') +
    ')$',
  'i',
);
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu');

export function isIpAddress(name: string): boolean {
  return IPV4.test(name) || IPV6.test(name);
}

/**
 * Split `host:port` / `[v6]:port` like Ansible's parse_address(allow_ranges=True).
 * Returns undefined when the text is not a recognisable host (Ansible then uses it verbatim).
 */
export function parseAddress(address: string): { host: string; port?: number } | undefined {
  let port: number | undefined;
  let rest = address;
  // Both forms are tried in turn, as Ansible does: `[name]:1:2` strips twice.
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(rest);
    if (m) {
      rest = m[1];
      port = Number(m[2]);
    }
  }
  if (IPV4.test(rest) || IPV6.test(rest) || HOSTNAME.test(rest)) return { host: rest, port };
  return undefined;
}

export interface HostSpec {
  names: string[];
  port?: number;
}

/** One inventory host entry → the host names it stands for, and the port it carries. */
export function expandHostPattern(pattern: string): HostSpec {
  const addr = parseAddress(pattern);
  const base = addr ? addr.host : pattern;
  const names = base.includes('[') ? expandHostnameRange(base) : [base];
  return { names, port: addr?.port };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Expand the first [beg:end(:step)] of a name, then the rest recursively. */
export function expandHostnameRange(line: string, out: string[] = []): string[] {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (open < 0 || close < 0) throw new HostRangeError(`host range in "${line}" is missing its closing "]"`);
  const head = line.slice(0, open);
  const tail = line.slice(close + 1);
  const bounds = line.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostRangeError(`host range "[${bounds.join(':')}]" must be begin:end or begin:end:step`);
  }
  const beg = bounds[0] || '0';
  const end = bounds[1];
  const step = bounds.length === 3 ? toInt(bounds[2], 'step') : 1;
  if (!end) throw new HostRangeError(`host range "[${bounds.join(':')}]" must specify an end value`);
  if (step <= 0) throw new HostRangeError(`host range step must be a positive number, got ${bounds[2]}`);

  let width = 0;
  if (beg[0] === '0' && beg.length > 1) {
    width = beg.length;
    if (width !== end.length) {
      throw new HostRangeError(`host range "[${bounds.join(':')}]" must use equal-length begin and end (zero padding)`);
    }
  }
  const fill = (x: string) => x.padStart(width, '0');

  let seq: string[];
  const ib = LETTERS.indexOf(beg);
  const ie = LETTERS.indexOf(end);
  if (ib >= 0 && ie >= 0 && beg.length === 1 && end.length === 1) {
    if (ib > ie) throw new HostRangeError(`host range "[${bounds.join(':')}]" must have begin <= end`);
    seq = [];
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i]);
  } else {
    const b = toInt(beg, 'begin');
    const e = toInt(end, 'end');
    // Ansible silently expands a reversed numeric range to nothing; that is always a typo.
    if (b > e) throw new HostRangeError(`host range "[${bounds.join(':')}]" must have begin <= end`);
    if ((e - b) / step >= MAX_RANGE_HOSTS) {
      throw new HostRangeError(`host range "[${bounds.join(':')}]" expands to more than ${MAX_RANGE_HOSTS} hosts`);
    }
    seq = [];
    for (let i = b; i <= e; i += step) seq.push(String(i));
  }
  for (const s of seq) {
    const name = head + fill(s) + tail;
    if (name.includes('[')) expandHostnameRange(name, out);
    else out.push(name);
    if (out.length > MAX_RANGE_HOSTS) {
      throw new HostRangeError(`host range "${line}" expands to more than ${MAX_RANGE_HOSTS} hosts`);
    }
  }
  return out;
}

function toInt(text: string, what: string): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new HostRangeError(`host range ${what} "${text}" is not a number or a single letter`);
  return Number(text);
}
