import { RbError } from '../errors.js';

/** Where an unexpected error was thrown, as `file:line:col` of its first stack frame. */
function thrownAt(err: Error): string {
  const frame = /\n\s+at (?:.*? \()?(?:file:\/\/)?([^()\s]+:\d+:\d+)\)?/.exec(err.stack ?? '');
  return frame ? frame[1] : 'unknown place';
}

/**
 * Print an error that escaped a command as one line. Our typed errors are one
 * clean message; others are bugs, named with the place they were thrown
 * (the full stack only with RB_DEBUG=1).
 */
export function reportFatal(err: unknown): number {
  if (err instanceof RbError) {
    process.stderr.write(`rb: ${err.message}\n`);
    return 1;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const msg = e.message.replace(/\s*\n\s*/g, ' ');
  process.stderr.write(`rb: unexpected error (please report): ${e.name}: ${msg} (thrown at ${thrownAt(e)})\n`);
  if (process.env.RB_DEBUG === '1') process.stderr.write(`${e.stack}\n`);
  return 1;
}
