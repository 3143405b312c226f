// Time in templates, as Ansible gives it: the `strftime` filter
// (`'%Y-%m-%d' | strftime(epoch)`, Python's time.strftime in local time or UTC)
// and the `now(utc=False, fmt=None)` global. Both change from run to run: a file
// rendered with them is a change every time.

import { TemplateError } from '../../errors.js';
import { bindArgs } from '../args.js';
import { pyStr } from '../python.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, w = 2, c = '0') => String(n).padStart(w, c);

/** Python's strftime for the directives C's strftime shares on glibc. */
export function strftime(format: string, d: Date, utc: boolean): string {
  const get = {
    Y: utc ? d.getUTCFullYear() : d.getFullYear(),
    m: (utc ? d.getUTCMonth() : d.getMonth()) + 1,
    d: utc ? d.getUTCDate() : d.getDate(),
    H: utc ? d.getUTCHours() : d.getHours(),
    M: utc ? d.getUTCMinutes() : d.getMinutes(),
    S: utc ? d.getUTCSeconds() : d.getSeconds(),
    w: utc ? d.getUTCDay() : d.getDay(),
  };
  const dayOfYear = Math.floor((Date.UTC(get.Y, get.m - 1, get.d) - Date.UTC(get.Y, 0, 1)) / 86_400_000) + 1;
  const offset = utc ? 0 : -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  const h12 = get.H % 12 === 0 ? 12 : get.H % 12;
  return format.replace(/%([a-zA-Z%])/g, (all, c: string) => {
    switch (c) {
      case 'Y': return String(get.Y);
      case 'y': return pad(get.Y % 100);
      case 'm': return pad(get.m);
      case 'd': return pad(get.d);
      case 'e': return pad(get.d, 2, ' ');
      case 'H': return pad(get.H);
      case 'I': return pad(h12);
      case 'M': return pad(get.M);
      case 'S': return pad(get.S);
      case 'p': return get.H < 12 ? 'AM' : 'PM';
      case 'j': return pad(dayOfYear, 3);
      case 'w': return String(get.w);
      case 'u': return String(get.w === 0 ? 7 : get.w);
      case 'a': return DAYS[get.w].slice(0, 3);
      case 'A': return DAYS[get.w];
      case 'b': case 'h': return MONTHS[get.m - 1].slice(0, 3);
      case 'B': return MONTHS[get.m - 1];
      case 'F': return `${get.Y}-${pad(get.m)}-${pad(get.d)}`;
      case 'T': return `${pad(get.H)}:${pad(get.M)}:${pad(get.S)}`;
      case 'D': return `${pad(get.m)}/${pad(get.d)}/${pad(get.Y % 100)}`;
      case 'R': return `${pad(get.H)}:${pad(get.M)}`;
      case 's': return String(Math.floor(d.getTime() / 1000));
      case 'z': return zone;
      case 'Z': return utc ? 'UTC' : (Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? zone);
      case '%': return '%';
      default: throw new TemplateError(`strftime: directive ${all} is not supported`);
    }
  });
}

/** `'%Y-%m-%d %H:%M' | strftime(second=None, utc=False)`. */
export function strftimeFilter(format: unknown, ...args: unknown[]): string {
  const a = bindArgs('strftime', args, [['second', null], ['utc', false]]);
  const when = a.second === null ? new Date() : new Date(Number(a.second) * 1000);
  if (Number.isNaN(when.getTime())) throw new TemplateError('strftime: second must be a number of seconds since the epoch');
  return strftime(pyStr(format), when, a.utc === true);
}

/** `now(utc=False, fmt=None)`: the time as Python prints a datetime, or formatted. */
export function now(...args: unknown[]): string {
  const a = bindArgs('now', args, [['utc', false], ['fmt', null]]);
  const d = new Date();
  const utc = a.utc === true;
  if (a.fmt !== null) return strftime(pyStr(a.fmt), d, utc);
  return `${strftime('%Y-%m-%d %H:%M:%S', d, utc)}.${pad(d.getMilliseconds() * 1000, 6)}`;
}
