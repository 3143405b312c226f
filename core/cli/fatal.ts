import { RbError } from '../errors.js';

/** Print an error that escaped a command. Our typed errors are one clean message; others are bugs. */
export function reportFatal(err: unknown): number {
  if (err instanceof RbError) {
    process.stderr.write(`rb: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(`rb: internal error (please report): ${err instanceof Error ? err.stack : String(err)}\n`);
  return 1;
}
