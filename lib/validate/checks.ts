import type { ErrorMap } from './issue';
import type { Check, Output, Report, Schema } from './schema';

/** At least `value`. */
export const min = (value: number, error?: ErrorMap): Check => ({ kind: 'min', value, error });

/** At most `value`. */
export const max = (value: number, error?: ErrorMap): Check => ({ kind: 'max', value, error });

/** More than `value`. */
export const gt = (value: number, error?: ErrorMap): Check => ({ kind: 'gt', value, error });

/** A string `pattern` matches. */
export const regex = (pattern: RegExp, error?: ErrorMap): Check => ({ kind: 'regex', pattern, error });

/** A string of at least `value` characters, or an array of at least `value` items. */
export const minLength = (value: number, error?: ErrorMap | string): Check => ({ kind: 'minLength', value, error });

/** A value `fn` accepts. */
export const refine = <T>(fn: (value: T) => boolean, error?: ErrorMap | string): Check => ({
  kind: 'refine',
  fn: fn as (value: never) => boolean,
  error,
});

/** Adds `checks` to run after the schema's own, in order. */
export function withChecks<S extends Schema>(schema: S, ...checks: Check[]): S {
  return { ...schema, checks: [...(schema.checks ?? []), ...checks] };
}

/**
 * Adds a custom check over the parsed value that reports any number of issues, at paths relative to it. Like every
 * check it runs only when nothing inside the value failed fatally, so it sees the parsed shape.
 */
export function withCustomCheck<S extends Schema>(schema: S, fn: (value: Output<S>, report: Report) => void): S {
  return withChecks(schema, { kind: 'superRefine', fn: fn as (value: never, report: Report) => void });
}
