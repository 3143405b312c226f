// Filters and tests by name, filled by ../environment.ts. Filters such as `map`
// and `select` look other filters and tests up here when they run.

export type Filter = (this: unknown, value: any, ...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Test = (this: unknown, value: any, ...args: any[]) => boolean; // eslint-disable-line @typescript-eslint/no-explicit-any

export const registry = {
  filters: {} as Record<string, Filter>,
  tests: {} as Record<string, Test>,
};
