// Values rb must never show. Every secret a run meets is registered here — a
// param whose schema says `secret`, a value decrypted from a vault — and every
// text rb prints or stores (task messages, diffs, loop labels, failure and
// rollback causes, reports, the run journal) goes through `maskSecrets` first.
// `maskResult` adds what `no_log` hides on top: the whole result of the task.

import type { ParamSpec } from './schema/types.js';

export const MASK = '********';

/** Shorter values are not searched for in free text: "1" or "on" would mask every output. */
export const MIN_MASKED_LENGTH = 3;

const values = new Set<string>();
let pattern: RegExp | undefined;

/** Mark a value (a string, or every string inside an array/object) secret for the rest of the process. */
export function registerSecret(value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) return value.forEach(registerSecret);
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).forEach(registerSecret);
  const s = String(value);
  const forms = [s, ...s.split(/\r?\n/), JSON.stringify(s).slice(1, -1)];
  for (const f of forms) {
    const t = f.trim();
    if (t.length >= MIN_MASKED_LENGTH && !values.has(t)) {
      values.add(t);
      pattern = undefined;
    }
  }
}

/** Every registered value, longest first. */
export function secretValues(): string[] {
  return [...values].sort((a, b) => b.length - a.length);
}

export function isSecret(value: unknown): boolean {
  return typeof value === 'string' && values.has(value.trim());
}

/** Whether a text holds a registered secret. */
export function containsSecret(text: string): boolean {
  const re = regex();
  if (!re) return false;
  re.lastIndex = 0;
  const hit = re.test(text);
  re.lastIndex = 0;
  return hit;
}

/**
 * A unified diff with the secrets of both sides masked: a line that changes a
 * secret (`-  passwd = old` / `+  passwd = new`) shows only its key on either
 * side, since the old value was never registered.
 */
export function maskDiff(diff: string): string {
  const lines = diff.split('\n');
  const keyOf = (l: string) => /^[-+]\s*([^\s=:]+)/.exec(l)?.[1];
  const keys = new Set<string>();
  for (const l of lines) if ((l.startsWith('+') || l.startsWith('-')) && !/^(\+\+\+|---) /.test(l) && containsSecret(l)) keys.add(keyOf(l) ?? '');
  return lines
    .map((l) => {
      if (!/^[-+]/.test(l) || /^(\+\+\+|---) /.test(l)) return maskSecrets(l);
      const k = keyOf(l);
      if (k !== undefined && keys.has(k)) return `${l.slice(0, l.indexOf(k) + k.length)} ${MASK}`;
      return maskSecrets(l);
    })
    .join('\n');
}

/** Forget every registered value (tests; a long-lived process between runs). */
export function clearSecrets(): void {
  values.clear();
  pattern = undefined;
}

function regex(): RegExp | undefined {
  if (!values.size) return undefined;
  // Longest first, so a secret containing another is masked whole.
  pattern ??= new RegExp([...values].sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return pattern;
}

/** The value with every registered secret replaced by MASK, in every string it holds (keys too). */
export function maskSecrets<T>(value: T): T {
  const re = regex();
  if (!re) return value;
  return walk(value, re, new WeakMap()) as T;
}

function walk(v: unknown, re: RegExp, seen: WeakMap<object, unknown>): unknown {
  if (typeof v === 'string') return v.replace(re, MASK);
  if (v === null || typeof v !== 'object') return v;
  if (seen.has(v)) return seen.get(v);
  if (v instanceof Error) {
    const e = new Error(walk(v.message, re, seen) as string);
    e.stack = walk(v.stack, re, seen) as string;
    seen.set(v, e);
    return e;
  }
  if (Buffer.isBuffer(v) || v instanceof Date || v instanceof RegExp || v instanceof Map || v instanceof Set) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (const x of v) out.push(walk(x, re, seen));
    return out;
  }
  // Class instances (a Task with its methods) keep their prototype.
  const out = Object.create(Object.getPrototypeOf(v));
  seen.set(v, out);
  for (const [k, x] of Object.entries(v)) out[(k as string).replace(re, MASK)] = walk(x, re, seen);
  return out;
}

/** Register every value the schema marks `secret` in validated params. */
export function registerSecretParams(fields: Record<string, ParamSpec>, params: Record<string, unknown>): void {
  for (const [k, spec] of Object.entries(fields)) if (params[k] !== undefined) registerBySpec(spec, params[k]);
}

function registerBySpec(spec: ParamSpec, v: unknown): void {
  if (v === undefined || v === null) return;
  if (spec.secret) return registerSecret(v);
  if (spec.type === 'list' && Array.isArray(v)) for (const x of v) registerBySpec(spec.items, x);
  else if (spec.type === 'map' && typeof v === 'object') for (const x of Object.values(v as object)) registerBySpec(spec.values, x);
  else if (spec.type === 'object' && typeof v === 'object' && !Array.isArray(v)) registerSecretParams(spec.fields, v as Record<string, unknown>);
  else if (spec.type === 'oneOf') for (const o of spec.options) registerBySpec(o, v);
}
