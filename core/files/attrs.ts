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
  description: "permissions: octal string '0644' (quoted) or YAML octal 0644; symbolic modes are not supported",
};
export const ownerParam: StringSpec = { type: 'string', description: 'user name owning the file', pattern: /^[^\s:]+$/, patternName: 'a user name' };
export const groupParam: StringSpec = { type: 'string', description: 'group name owning the file', pattern: /^[^\s:]+$/, patternName: 'a group name' };

/** Problem with a `mode` value, or undefined when it is fine (or absent). */
export function modeProblem(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 0o7777 ? undefined : `mode ${v} is out of range`;
  if (typeof v === 'string' && /^0?[0-7]{3,4}$/.test(v) && parseInt(v, 8) <= 0o7777) return undefined;
  return `expected an octal mode like '0644', got ${JSON.stringify(v)}`;
}

/** '644', '0644', 420 → '0644'. */
export function normalizeMode(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : parseInt(String(v), 8);
  return n.toString(8).padStart(4, '0');
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
  const mode = normalizeMode(want.mode);
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
