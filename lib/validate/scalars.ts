import type { ErrorMap } from './issue';
import type { Schema } from './schema';

/*
 * Leaf schemas. Named after the type they accept, like the schema languages they replace, so a schema reads as the
 * data it describes. `error` words every issue of the schema whose check has no message of its own.
 */

/** A string. */
export const string = (error?: ErrorMap): Schema<string, false> => ({ kind: 'string', error });

/** A finite number. */
export const number = (error?: ErrorMap): Schema<number, false> => ({ kind: 'number', error });

/** A whole number (a safe integer): a number with the `int` check first. */
export const int = (error?: ErrorMap): Schema<number, false> => ({ kind: 'number', error, checks: [{ kind: 'int' }] });

/** `true` or `false`. */
export const boolean = (error?: ErrorMap): Schema<boolean, false> => ({ kind: 'boolean', error });

/** Exactly `value`. */
export const literal = <const T extends string | number | boolean>(value: T, error?: ErrorMap): Schema<T, false> => ({
  kind: 'literal',
  values: [value],
  error,
});

/** One of `values` (strings). */
export const oneOf = <const T extends string>(values: readonly T[], error?: ErrorMap): Schema<T, false> => ({
  kind: 'enum',
  values,
  error,
});
