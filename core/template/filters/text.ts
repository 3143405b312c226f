// Ansible's `comment` (text wrapped in a comment style, for ansible_managed
// headers) and `urlsplit` (Python's urllib.parse.urlsplit as a dict).

import { TemplateError } from '../../errors.js';
import { splitArgs } from '../args.js';
import { pyStr } from '../python.js';

const STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

function comment(text: unknown, ...args: unknown[]): string {
  const { pos, kw } = splitArgs(args);
  const style = pyStr(pos[0] ?? kw.style ?? 'plain');
  const styleParams = STYLES[style];
  if (!styleParams) throw new TemplateError(`comment: unknown style "${style}" (plain, erlang, c, cblock, xml)`);
  const around = Object.hasOwn(kw, 'decoration') ? pyStr(kw.decoration) : styleParams.decoration;
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: around.trimEnd(), prefix_count: 1, decoration: '', postfix: around.trimEnd(), postfix_count: 1, end: '', ...styleParams };
  for (const [k, v] of Object.entries(kw)) if (k !== 'style') p[k] = v;
  const nl = pyStr(p.newline);
  const deco = pyStr(p.decoration);
  const count = (v: unknown) => Math.max(0, Math.trunc(Number(v)));
  const beginning = p.beginning ? `${pyStr(p.beginning)}${nl}` : '';
  let prefix = '';
  if (p.prefix) prefix = (pyStr(p.prefix) !== nl ? `${pyStr(p.prefix)}${nl}` : nl).repeat(count(p.prefix_count));
  const body = `${deco}${pyStr(text).split(nl).join(`${nl}${deco}`)}`.split(`${deco}${nl}`).join(`${deco.trimEnd()}${nl}`);
  const postfix = ['', ...Array(count(p.postfix_count)).fill(pyStr(p.postfix))].join(nl);
  const end = p.end ? `${nl}${pyStr(p.end)}` : '';
  return `${beginning}${prefix}${body}${postfix}${end}`;
}

const URL_PARTS = ['fragment', 'hostname', 'netloc', 'password', 'path', 'port', 'query', 'scheme', 'username'];

/** Python's urlsplit: scheme://netloc/path?query#fragment, netloc = user:pass@host:port. */
function splitUrl(url: string): Record<string, unknown> {
  let rest = url;
  let scheme = '';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const colon = userinfo?.indexOf(':') ?? -1;
  const username = userinfo === undefined ? null : colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  const password = userinfo === undefined || colon < 0 ? null : userinfo.slice(colon + 1);
  let hostname: string | null;
  let portText = '';
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(hostport);
  if (v6) [hostname, portText] = [v6[1], v6[2] ?? ''];
  else {
    const c = hostport.lastIndexOf(':');
    [hostname, portText] = c >= 0 ? [hostport.slice(0, c), hostport.slice(c + 1)] : [hostport, ''];
  }
  hostname = hostname ? hostname.toLowerCase() : null;
  let port: number | null = null;
  if (portText) {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new TemplateError(`urlsplit: port out of range or not a number in "${url}"`);
    port = Number(portText);
  }
  return { fragment, hostname, netloc, password, path: rest, port, query, scheme, username };
}

function urlsplit(value: unknown, query: unknown = ''): unknown {
  const parts = splitUrl(pyStr(value));
  const q = pyStr(query ?? '');
  if (!q) return parts;
  if (!URL_PARTS.includes(q)) throw new TemplateError(`urlsplit: unknown URL component: ${q}`);
  return parts[q];
}

/** Python's str.split: on runs of whitespace (ends stripped) without a separator; at most maxsplit splits. */
function split(value: unknown, ...args: unknown[]): string[] {
  const { pos, kw } = splitArgs(args);
  const text = pyStr(value);
  const sepArg = kw.seperator ?? kw.sep ?? pos[0];
  const sep = sepArg === undefined || sepArg === null ? undefined : pyStr(sepArg);
  const max = Number(kw.maxsplit ?? pos[1] ?? -1);
  if (sep === '') throw new TemplateError('split: empty separator');
  const out: string[] = [];
  if (sep === undefined) {
    let rest = text.replace(/^\s+/, '');
    while (rest !== '') {
      if (max >= 0 && out.length === max) {
        out.push(rest);
        return out;
      }
      const m = /\s+/.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  let rest = text;
  for (;;) {
    const i = rest.indexOf(sep);
    if (i < 0 || (max >= 0 && out.length === max)) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

export const textFilters = { comment, urlsplit, split };
