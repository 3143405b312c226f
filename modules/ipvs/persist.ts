// The table at boot: the saved rules file (Debian /etc/ipvsadm.rules, read by
// the ipvsadm init script when /etc/default/ipvsadm says AUTO="true"; RHEL
// /etc/sysconfig/ipvsadm, read by ipvsadm.service). rb rewrites only the lines
// of the services it manages (and of the services purge removes); other
// services, comments and blank lines stay as they are.
//
// `ipvsadm -R` stops at a comment line (measured with ipvsadm 1.31): Debian's
// script filters them out with grep, RHEL's service does not, so rb never adds
// comments there. -R does take `--set` lines, so timeouts are saved too.

import type { Change } from '../../core/module.js';
import { sh } from '../../core/transport/shell.js';
import { writeFileCommands } from '../../core/transport/script-parts.js';
import { DEBIAN_DEFAULTS, SAVED_PATHS } from './facts.js';
import { ruleLines, serviceId, type VirtualService } from '../lib/ipvs-table/model.js';
import { parseRules, type RuleLine, type Timeouts } from '../lib/ipvs-table/save-format.js';

export type Flavour = 'debian' | 'redhat';

export interface SavedTarget {
  flavour: Flavour;
  /** Content now, null when absent. */
  content: string | null;
  want: VirtualService[];
  /** Ids of services the file must not hold (state absent, purge). */
  remove: string[];
  /** Timeouts to save; absent = leave the file's --set line alone. */
  timeouts?: Timeouts;
}

const HEADER = '# ipvsadm.rules';

function setLine(t: Timeouts): string {
  return `--set ${t.tcp} ${t.tcpfin} ${t.udp}`;
}

/** The file's services, by id. Throws RulesSyntaxError naming the file and line. */
function savedServices(path: string, content: string | null): Map<string, VirtualService> {
  if (content === null) return new Map();
  return new Map(parseRules(content, path).services.map((s) => [serviceId(s.key), s]));
}

/** New content of the saved file: managed blocks replaced in place, new ones appended. */
export function renderSaved(t: SavedTarget): string {
  const path = SAVED_PATHS[t.flavour];
  const lines: RuleLine[] = t.content === null ? [] : parseRules(t.content, path).lines;
  const want = new Map(t.want.map((s) => [serviceId(s.key), s]));
  const managed = new Set([...want.keys(), ...t.remove]);
  const out: string[] = [];
  const written = new Set<string>();
  let setWritten = false;
  for (const l of lines) {
    if (l.kind === 'set' && t.timeouts) {
      if (!setWritten) out.push(setLine(t.timeouts));
      setWritten = true;
    } else if ((l.kind === 'service' || l.kind === 'real') && managed.has(l.id)) {
      if (l.kind === 'service' && want.has(l.id)) {
        out.push(...ruleLines(want.get(l.id)!));
        written.add(l.id);
      }
    } else {
      out.push(l.text);
    }
  }
  if (t.content === null && t.flavour === 'debian') out.unshift(HEADER);
  if (t.timeouts && !setWritten) out.push(setLine(t.timeouts));
  for (const [id, s] of want) if (!written.has(id)) out.push(...ruleLines(s));
  return out.length ? `${out.join('\n')}\n` : '';
}

/** One change per managed service whose saved lines differ, with the command that writes the file. */
export function savedChanges(t: SavedTarget): Change[] {
  const path = SAVED_PATHS[t.flavour];
  const have = savedServices(path, t.content);
  const out: Change[] = [];
  const text = (s?: VirtualService) => (s ? ruleLines(s).join('\n') : undefined);
  for (const s of t.want) {
    const id = serviceId(s.key);
    if (text(have.get(id)) !== text(s)) out.push({ kind: 'persist-service', resource: path, field: id, before: text(have.get(id)), after: text(s) });
  }
  for (const id of t.remove) if (have.has(id)) out.push({ kind: 'unpersist-service', resource: path, field: id, before: text(have.get(id)), after: undefined });
  if (t.timeouts) {
    const saved = t.content === null ? undefined : parseRules(t.content, path).timeouts;
    if (!saved || setLine(saved) !== setLine(t.timeouts)) out.push({ kind: 'persist-timeouts', resource: path, field: 'timeouts', before: saved && setLine(saved), after: setLine(t.timeouts) });
  }
  if (out.length) out[out.length - 1].commands = writeFileCommands(path, renderSaved(t), t.flavour === 'redhat' ? '0600' : '0644');
  return out;
}

/** AUTO="true" in /etc/default/ipvsadm, other lines kept. */
export function debianDefaultsChange(content: string | null): Change | undefined {
  const m = content === null ? null : /^[ \t]*AUTO=(.*)$/m.exec(content);
  const value = m ? m[1].trim().replace(/^(["'])(.*)\1$/, '$2') : undefined;
  if (value === 'true') return undefined;
  const next = content === null ? 'AUTO="true"\n' : m ? content.replace(/^[ \t]*AUTO=.*$/m, 'AUTO="true"') : `${content}${content.endsWith('\n') || content === '' ? '' : '\n'}AUTO="true"\n`;
  return {
    kind: 'enable-boot-restore',
    resource: DEBIAN_DEFAULTS,
    field: 'AUTO',
    before: value,
    after: 'true',
    commands: writeFileCommands(DEBIAN_DEFAULTS, next),
  };
}

export function bootServiceChange(flavour: Flavour): Change {
  return {
    kind: 'enable-boot-restore',
    resource: 'service ipvsadm',
    field: 'enabled',
    before: false,
    after: true,
    commands: [flavour === 'debian' ? sh`update-rc.d ipvsadm defaults` : sh`systemctl enable ipvsadm.service`],
  };
}
