// The rule model and its normaliser. iptables rewrites what it is given:
// `-d VIP` becomes `-d VIP/32`, `-p tcp --dport 80` gains `-m tcp`, `-p 112`
// prints as `-p vrrp`, MACs print in lower case, `--set-mark 0x3` prints as
// `--set-xmark 0x3/0xffffffff`. Rules from params, from `iptables-save` and from
// a saved rules file are all parsed into this one model and compared there.

import { netmaskToPrefix } from '../../core/net/address.js';

/** A match value with iptables' leading `!` negation. */
export interface Neg {
  value: string;
  not: boolean;
}

export interface Rule {
  chain: string;
  source?: Neg;
  destination?: Neg;
  in_interface?: Neg;
  out_interface?: Neg;
  protocol?: Neg;
  dport?: Neg;
  mac_source?: Neg;
  comment?: string;
  jump?: string;
  /** Canonical `0xVALUE/0xMASK` (xmark form). */
  set_mark?: string;
  /** Tokens rb does not model (other matches, target options): kept so such rules never compare equal by accident. */
  extra: string[];
}

export const RULE_FIELDS = ['chain', 'source', 'destination', 'in_interface', 'out_interface', 'protocol', 'dport', 'mac_source', 'jump', 'set_mark', 'extra'] as const;

const PROTOCOLS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '47': 'gre', '50': 'esp', '51': 'ah', '58': 'ipv6-icmp', '112': 'vrrp', '132': 'sctp' };
const PORT_MATCHES = new Set(['tcp', 'udp', 'sctp']);

export function normaliseProtocol(p: string): string {
  const s = p.toLowerCase();
  return PROTOCOLS[s] ?? s;
}

/** `10.0.0.1` → `10.0.0.1/32`; `10.0.0.0/255.0.0.0` → `10.0.0.0/8`. */
export function normaliseAddress(a: string): string {
  const [addr, mask] = a.split('/');
  if (mask === undefined) return `${addr}/32`;
  if (/^\d+$/.test(mask)) return `${addr}/${Number(mask)}`;
  const bits = netmaskToPrefix(mask);
  return bits === null ? a : `${addr}/${bits}`;
}

/** xt_MARK: `--set-mark V[/M]` is `--set-xmark V/(V|M)`, M defaulting to all ones. */
export function normaliseMark(value: string, xmark: boolean): string {
  const [v, m] = value.split('/');
  const val = Number(v) >>> 0;
  let mask = m === undefined ? 0xffffffff : Number(m) >>> 0;
  if (!xmark) mask = (mask | val) >>> 0;
  return `0x${val.toString(16)}/0x${mask.toString(16)}`;
}

/** Split an iptables-save line into words; `"..."` with `\"` and `\\` escapes is one word. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let word = '';
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
      if (line[i] === '"') {
        i++;
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < line.length) i++;
          word += line[i++];
        }
        if (line[i] !== '"') throw new Error(`unterminated quote in ${JSON.stringify(line)}`);
        i++;
      } else word += line[i++];
    }
    words.push(word);
  }
  return words;
}

export interface SavedRule extends Rule {
  /** The words after `-A CHAIN`, as iptables printed them: `iptables -D CHAIN <words>` deletes exactly this rule. */
  spec: string[];
}

/** One `-A CHAIN ...` line of iptables-save output or a rules file (a leading `[pkts:bytes]` is skipped). */
export function parseRuleLine(line: string): SavedRule {
  let words = tokenize(line);
  if (/^\[\d+:\d+\]$/.test(words[0] ?? '')) words = words.slice(1);
  if (words[0] !== '-A' || !words[1]) throw new Error(`not a rule line: ${JSON.stringify(line.slice(0, 120))}`);
  const rule: SavedRule = { chain: words[1], extra: [], spec: words.slice(2) };
  let not = false;
  let match = '';
  let inTarget = false;
  const w = rule.spec;
  const take = (i: number) => {
    if (w[i + 1] === undefined) throw new Error(`option ${w[i]} without a value in ${JSON.stringify(line.slice(0, 120))}`);
    return w[i + 1];
  };
  for (let i = 0; i < w.length; i++) {
    const t = w[i];
    const neg = (value: string): Neg => ({ value, not });
    let used = true;
    if (t === '!') {
      not = true;
      continue;
    } else if (inTarget) {
      if ((t === '--set-xmark' || t === '--set-mark') && rule.jump === 'MARK') rule.set_mark = normaliseMark(take(i++), t === '--set-xmark');
      else used = false;
    } else if (t === '-s' || t === '--source') rule.source = neg(normaliseAddress(take(i++)));
    else if (t === '-d' || t === '--destination') rule.destination = neg(normaliseAddress(take(i++)));
    else if (t === '-i' || t === '--in-interface') rule.in_interface = neg(take(i++));
    else if (t === '-o' || t === '--out-interface') rule.out_interface = neg(take(i++));
    else if (t === '-p' || t === '--protocol') rule.protocol = neg(normaliseProtocol(take(i++)));
    else if (t === '-m' || t === '--match') {
      match = take(i++);
      // The protocol's own match is implied by `-p tcp --dport`; other modules stay visible.
      if (!(PORT_MATCHES.has(match) || match === 'mac' || match === 'comment')) rule.extra.push(t, match);
    } else if ((t === '--dport' || t === '--destination-port') && (PORT_MATCHES.has(match) || PORT_MATCHES.has(rule.protocol?.value ?? ''))) {
      // `-p tcp --dport 80` loads the tcp match implicitly (command line, hand-written rules files).
      rule.dport = neg(take(i++));
    } else if (t === '--mac-source' && match === 'mac') rule.mac_source = neg(take(i++).toLowerCase());
    else if (t === '--comment' && match === 'comment') rule.comment = take(i++);
    else if (t === '-j' || t === '--jump') {
      rule.jump = take(i++);
      inTarget = true;
    } else used = false;
    if (!used) rule.extra.push(...(not ? ['!', t] : [t]));
    not = false;
  }
  return rule;
}

const negWords = (flag: string, n: Neg | undefined): string[] => (n ? [...(n.not ? ['!'] : []), flag, n.value] : []);

/** The words of a rule in iptables-save's order, minus `-A CHAIN`; the comment as a plain word. */
export function ruleWords(r: Rule, markStyle: 'save' | 'command'): string[] {
  const words = [
    ...negWords('-s', r.source),
    ...negWords('-d', r.destination),
    ...negWords('-i', r.in_interface),
    ...negWords('-o', r.out_interface),
    ...negWords('-p', r.protocol),
  ];
  if (r.dport) words.push('-m', r.protocol!.value, ...negWords('--dport', r.dport));
  if (r.mac_source) words.push('-m', 'mac', ...negWords('--mac-source', r.mac_source));
  if (r.comment !== undefined) words.push('-m', 'comment', '--comment', r.comment);
  words.push(...r.extra);
  if (r.jump) words.push('-j', r.jump);
  if (r.set_mark) {
    const [v, m] = r.set_mark.split('/');
    words.push(...(markStyle === 'command' && m === '0xffffffff' ? ['--set-mark', v] : ['--set-xmark', r.set_mark]));
  }
  return words;
}

/** xtables_save_string: bare when only [A-Za-z0-9_-], else double-quoted with `"`, `\` and `'` escaped. */
function saveString(s: string): string {
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : `"${s.replace(/(["\\'])/g, '\\$1')}"`;
}

/** `-A CHAIN words...` with the comment quoted as iptables-save quotes it. */
export function formatLine(chain: string, words: readonly string[]): string {
  return ['-A', chain, ...words.map((w, i) => (words[i - 1] === '--comment' ? saveString(w) : w))].join(' ');
}

/** The line iptables-save prints for this rule. */
export function saveLine(r: Rule): string {
  return formatLine(r.chain, ruleWords(r, 'save'));
}

const show = (n: Neg | undefined) => (n ? `${n.not ? '! ' : ''}${n.value}` : undefined);

/** One field for the diff: negations spelt as in params (`! 08:00:27:...`). */
export function fieldValue(r: Rule, f: (typeof RULE_FIELDS)[number]): string | undefined {
  const v = r[f];
  if (f === 'extra') return r.extra.length ? r.extra.join(' ') : undefined;
  return typeof v === 'object' ? show(v as Neg) : (v as string | undefined);
}

/** Same rule once normalised (comment included). */
export function sameRule(a: Rule, b: Rule): boolean {
  return a.comment === b.comment && RULE_FIELDS.every((f) => fieldValue(a, f) === fieldValue(b, f));
}
