// rb's public API: what a site module is written against (`import { defineModule,
// sh } from 'rb'`). Built-in modules use the same contract (core/module.ts says
// what each hook may and must do); everything here is stable across minor versions.

export {
  defineModule,
  noop,
  runFactsQuery,
  stdoutFactsQuery,
  type ActionResult,
  type ApplyResult,
  type Change,
  type FactsContext,
  type FactsQuery,
  type HostContext,
  type ModuleDef,
  type ModuleSupports,
  type Plan,
  type PlanContext,
} from './module.js';

// Parameter schemas: plain objects typed by these; validation, docs and secret masking come from them.
export type { AnySpec, BoolSpec, Fields, IntSpec, ListSpec, MapSpec, NumberSpec, ObjectSpec, OneOfSpec, ParamSpec, StringSpec } from './schema/types.js';
export { validateFields } from './schema/validate.js';

// Commands: every value quoted by construction.
export { argv, quote, raw, sh } from './transport/shell.js';
export type { ExecOptions, ExecResult } from './transport/types.js';

// Facts: several read-only parts in one exec; file facts.
export { parseFilePart, partsScript, readFilePart, splitParts, type PartOutput } from './transport/script-parts.js';
export { fileFactsCommand, fileFactsQuery, parseFileFacts, type FileFact } from './files/facts.js';

// Files: the one writer (temp file, validation, backup, atomic rename) and its restore; diffs.
export { installFile, restoreFile, type InstallFileOptions, type InstallResult } from './files/write.js';
export { unifiedDiff } from './files/diff.js';

// Secrets: the one mask every output shows in place of a secret value.
export { MASK } from './secrets.js';

// Errors a module may throw: one line for the user, never a stack trace.
export { CommandError, ModuleError } from './errors.js';

// The case runner for a module's table-driven cases (also `rb modules test DIR`).
export { checkModuleCase, loadModuleCase, type ModuleCase } from './testing/fixture-cases.js';
