// Every wait on the guest is bounded: a boot that hangs must end in an error
// that shows why (the caller adds the console tail), never in a silent stall.

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Poll `probe` until it returns a value other than undefined, or time runs out.
 * `probe` may throw to stop waiting at once (e.g. the qemu process died).
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, opts: WaitOptions): Promise<T | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(opts.intervalMs ?? 100, Math.max(0, deadline - Date.now())));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
