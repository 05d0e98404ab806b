/** Where in the input an issue is: object keys and array indexes, outermost first. */
export type Path = (string | number)[];

/** What kind of problem an issue is (zod's codes, so messages and callers read the same as before). */
export type IssueCode =
  | 'invalid_type'
  | 'invalid_value'
  | 'invalid_union'
  | 'invalid_key'
  | 'invalid_format'
  | 'too_small'
  | 'too_big'
  | 'unrecognized_keys'
  | 'custom';

/** One problem found in the input. */
export interface Issue {
  code: IssueCode;
  path: Path;
  message: string;
  /** The offending value (for `invalid_key`, the key). */
  input?: unknown;
  /** For `unrecognized_keys`: the keys the schema does not know, in input order. */
  keys?: string[];
  /**
   * The value is unusable (wrong type, not an allowed value), so the checks of the schemas around it are skipped:
   * a refinement never sees a value of the wrong shape. Range, pattern and custom-check issues are not fatal.
   */
  fatal?: boolean;
}

/**
 * Turns an issue of a schema into its message; `undefined` falls back to the default English message. Receives the
 * code and the input, so one function can word a wrong type and a bad key differently.
 */
export type ErrorMap = (issue: { code: IssueCode; input: unknown }) => string | undefined;
