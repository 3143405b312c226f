// Parameter schemas: the single source of truth for validation, type
// conversion of rendered strings, `rb modules NAME` docs and secret masking.

interface Base {
  description?: string;
  required?: boolean;
  /** Value used when the key is absent. */
  default?: unknown;
  /** Never printed: masked in diffs, reports and logs. */
  secret?: boolean;
  /** Other accepted key names (e.g. `dest` for `path`). */
  aliases?: string[];
}

export interface StringSpec extends Base {
  type: 'string';
  enum?: readonly string[];
  pattern?: RegExp;
  /** Human name of the pattern for error messages ("an IPv4 address"). */
  patternName?: string;
  /**
   * The value names a file (or folder) on the controller, searched in this folder of the role,
   * task file and playbook: a literal one that is nowhere is an error before any host is contacted.
   */
  controllerFile?: 'files' | 'templates' | 'vars';
  maxLength?: number;
  /** A further check (core/schema/formats.ts): a problem message, or undefined when the value is good. */
  check?: (value: string) => string | undefined;
}
export interface IntSpec extends Base {
  type: 'int';
  min?: number;
  max?: number;
}
export interface NumberSpec extends Base {
  type: 'number';
  min?: number;
  max?: number;
}
export interface BoolSpec extends Base {
  type: 'bool';
}
export interface ListSpec extends Base {
  type: 'list';
  items: ParamSpec;
  /** A single scalar/object is accepted as a list of one. */
  single?: boolean;
}
/** A free map with values of one type (e.g. sysctl `settings`). */
export interface MapSpec extends Base {
  type: 'map';
  values: ParamSpec;
}
/** A fixed set of fields. */
export interface ObjectSpec extends Base {
  type: 'object';
  fields: Record<string, ParamSpec>;
  /** Cross-field rules: return problems as [fieldPath, message]. */
  check?: (value: Record<string, unknown>) => Array<[string, string]>;
}
/** Accepts several shapes; the first that validates wins. */
export interface OneOfSpec extends Base {
  type: 'oneOf';
  options: ParamSpec[];
}
/** Anything (e.g. debug `var`, set_fact values). */
export interface AnySpec extends Base {
  type: 'any';
}

export type ParamSpec =
  | StringSpec
  | IntSpec
  | NumberSpec
  | BoolSpec
  | ListSpec
  | MapSpec
  | ObjectSpec
  | OneOfSpec
  | AnySpec;

export type Fields = Record<string, ParamSpec>;

export interface SchemaProblem {
  /** Path relative to the validated value: `settings["net.ipv4.ip_forward"]`, `real_servers[1].weight`. */
  path: string;
  message: string;
}
