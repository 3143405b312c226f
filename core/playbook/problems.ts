import { ConfigError, type ConfigProblem, type Location } from '../errors.js';

/** Collects every problem of a load so they can be reported at once. */
export class Problems {
  readonly list: ConfigProblem[] = [];
  add(message: string, loc?: Location, path?: string): void {
    this.list.push({ message, loc, path });
  }
  absorb(err: unknown): void {
    if (err instanceof ConfigError) this.list.push(...err.problems);
    else throw err;
  }
  throwIfAny(): void {
    if (this.list.length) throw new ConfigError(this.list);
  }
}
