// File attributes (mode, owner, group) shared by the file-writing modules:
// the param specs, the mode normalisation and the pure planning of chmod /
// chown / chgrp changes against a FileFact.

import type { Change } from '../module.js';
import type { AnySpec, StringSpec } from '../schema/types.js';
import { argv } from '../transport/shell.js';
import type { FileFact } from './facts.js';

/**
 * `mode` is `any` on purpose: playbooks are YAML 1.1, where an unquoted 0644 is
 * already the integer 420 and a quoted '0644' is a string. Like Ansible, an
 * integer is the numeric mode and a string is octal digits; `modeProblem`
 * checks it in the module's rules, `normalizeMode` converts it.
 */
export const modeParam: AnySpec = {
  type: 'any',
  description: "permissions: octal string '0644' (quoted), YAML octal 0644, or a symbolic mode as Ansible takes it (u=rw,g=r,o=r; u+x,go-w; a=rX)",
};
export const ownerParam: StringSpec = { type: 'string', description: 'user name owning the file', pattern: /^[^\s:]+$/, patternName: 'a user name' };
export const groupParam: StringSpec = { type: 'string', description: 'group name owning the file', pattern: /^[^\s:]+$/, patternName: 'a group name' };

/** Problem with a `mode` value, or undefined when it is fine (or absent). */
export function modeProblem(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 0o7777 ? undefined : `mode ${v} is out of range`;
  if (typeof v === 'string' && /^0?[0-7]{3,4}$/.test(v) && parseInt(v, 8) <= 0o7777) return undefined;
  if (typeof v === 'string' && isSymbolicMode(v)) return symbolicProblem(v);
  return `expected an octal mode like '0644' or a symbolic mode like 'u=rw,g=r,o=r', got ${JSON.stringify(v)}`;
}

/** A mode string that is not octal digits: Ansible reads it as symbolic. */
export function isSymbolicMode(v: unknown): v is string {
  return typeof v === 'string' && !/^[0-9]+$/.test(v);
}

const CLAUSE = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/;

function symbolicProblem(v: string): string | undefined {
  for (const clause of v.split(',')) {
    if (!CLAUSE.test(clause)) return `bad symbolic permission for mode: ${JSON.stringify(clause)} (expected [ugoa]*[-+=][rwxXstugo]*, clauses joined by commas)`;
  }
  return undefined;
}

/**
 * '644', '0644', 420 → '0644'. A symbolic mode is returned as given: it is
 * resolved against the path's current mode by `resolveMode` (attrChanges).
 */
export function normalizeMode(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isSymbolicMode(v)) return v;
  const n = typeof v === 'number' ? v : parseInt(String(v), 8);
  return n.toString(8).padStart(4, '0');
}

/** The umask Ansible's module process runs under on a stock host (a clause with no who honours it). */
const UMASK = 0o022;

/**
 * The octal mode a mode value gives a path whose current mode is `current`
 * (octal string; undefined: a path about to be created, 0755 for a directory
 * and 0644 for a file as the default umask leaves them), as Ansible's
 * _symbolic_mode_to_octal computes it: clauses applied left to right, 'a' or no
 * who meaning ugo (no who: bits in the umask untouched), X only for a
 * directory or a mode with some x bit, s as setuid/setgid, t as sticky (o),
 * u/g/o copying that class's bits before the change, '=' clearing the class's bits
 * (with its s/t bit) first.
 */
export function resolveMode(v: unknown, current: string | undefined, isDir: boolean): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isSymbolicMode(v)) return normalizeMode(v);
  // X and the u/g/o copies read the path's mode before the change, as Ansible's do.
  const orig = current !== undefined ? parseInt(current, 8) : isDir ? 0o755 : 0o644;
  let mode = orig;
  const classBits: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };
  const shift: Record<string, number> = { u: 6, g: 3, o: 0 };
  for (const clause of v.split(',')) {
    const m = CLAUSE.exec(clause);
    if (!m) throw new Error(symbolicProblem(v));
    const useUmask = m[1] === '';
    const users = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    const ops = m[2].match(/[-+=][rwxXstugo]*/g) ?? [];
    for (const op of ops) {
      const operator = op[0];
      const perms = op.slice(1);
      for (const user of users) {
        const applyX = isDir || (orig & 0o111) !== 0;
        let bits = 0;
        for (const perm of perms) {
          const s = shift[user];
          switch (perm) {
            case 'r': bits |= (0o4 << s) & (useUmask ? ~UMASK : 0o7777); break;
            case 'w': bits |= (0o2 << s) & (useUmask ? ~UMASK : 0o7777); break;
            case 'x': bits |= (0o1 << s) & (useUmask ? ~UMASK : 0o7777); break;
            case 'X': if (applyX) bits |= 0o1 << s; break;
            case 's': bits |= user === 'u' ? 0o4000 : user === 'g' ? 0o2000 : 0; break;
            case 't': bits |= user === 'o' ? 0o1000 : 0; break;
            default: bits |= ((orig >> shift[perm]) & 0o7) << s; // u, g, o: that class's bits before the change
          }
        }
        if (operator === '=') mode = (mode & ~classBits[user] & 0o7777) | bits;
        else if (operator === '+') mode |= bits;
        else mode &= ~bits;
      }
    }
  }
  return mode.toString(8).padStart(4, '0');
}

export interface WantedAttrs {
  mode?: string;
  owner?: string;
  group?: string;
}

/**
 * Changes that bring an existing path's attributes to `want`. A link's own
 * mode is meaningless on Linux, so links only get owner/group (with -h).
 */
export function attrChanges(fact: FileFact, want: WantedAttrs): Change[] {
  const path = fact.path;
  const link = fact.type === 'link';
  const out: Change[] = [];
  const mode = resolveMode(want.mode, fact.mode, fact.type === 'directory');
  if (mode && !link && fact.mode !== mode) {
    out.push({ kind: 'set-mode', resource: path, field: 'mode', before: fact.mode, after: mode, commands: [argv(['chmod', mode, '--', path])] });
  }
  if (want.owner && fact.owner !== want.owner) {
    out.push({ kind: 'set-owner', resource: path, field: 'owner', before: fact.owner, after: want.owner, commands: [argv(['chown', ...(link ? ['-h'] : []), want.owner, '--', path])] });
  }
  if (want.group && fact.group !== want.group) {
    out.push({ kind: 'set-group', resource: path, field: 'group', before: fact.group, after: want.group, commands: [argv(['chgrp', ...(link ? ['-h'] : []), want.group, '--', path])] });
  }
  return out;
}

/** Commands that put the attributes of `snapshot` back (for rollbacks). */
export function restoreAttrCommands(snapshot: FileFact): string[] {
  if (!snapshot.exists) return [];
  const link = snapshot.type === 'link';
  const h = link ? ['-h'] : [];
  const out: string[] = [];
  if (snapshot.mode && !link) out.push(argv(['chmod', snapshot.mode, '--', snapshot.path]));
  if (snapshot.owner && snapshot.group) out.push(argv(['chown', ...h, `${snapshot.owner}:${snapshot.group}`, '--', snapshot.path]));
  return out;
}
