// A counting semaphore for SSH session channels. OpenSSH refuses more than
// MaxSessions (default 10) open sessions per connection; extra execs wait here
// instead of failing with "open failed".

export class SessionSlots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private max: number) {
    if (!(max >= 1)) throw new Error(`session slots must be >= 1, got ${max}`);
  }

  async acquire(): Promise<void> {
    if (this.used < this.max) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hand the slot to the next waiter, or free it. */
  release(): void {
    if (this.used > this.max) {
      this.used--;
      return;
    }
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }

  /**
   * The server refused a session while this one was held: its MaxSessions is
   * lower than ours. Lower the limit to the sessions that are open besides it.
   */
  shrink(): void {
    this.max = Math.max(1, this.used - 1);
  }

  /** Wake every waiter: the connection is gone and each of them will see that. */
  wakeAll(): void {
    for (const w of this.waiting.splice(0)) w();
  }

  get inUse(): number {
    return this.used;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
