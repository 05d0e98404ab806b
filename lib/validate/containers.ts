import type { ErrorMap } from './issue';
import type { ObjectOutput, Output, Schema, Shape } from './schema';

/** A list whose every item matches `item`. */
export const array = <S extends Schema>(item: S, error?: ErrorMap): Schema<Output<S>[], false> => ({
  kind: 'array',
  inner: item,
  error,
});

/** An object with the keys of `shape`; other keys are dropped from the output (an API body may grow fields). */
export const object = <S extends Shape>(shape: S, error?: ErrorMap): Schema<ObjectOutput<S>, false> => ({
  kind: 'object',
  shape,
  error,
});

/** An object with the keys of `shape` and no other: an unknown key is an `unrecognized_keys` issue. */
export const strictObject = <S extends Shape>(shape: S, error?: ErrorMap): Schema<ObjectOutput<S>, false> => ({
  kind: 'object',
  shape,
  strict: true,
  error,
});

/** An object whose every key matches `key` (an `invalid_key` issue otherwise) and every value `value`. */
export const record = <V extends Schema>(
  key: Schema<string>,
  value: V,
  error?: ErrorMap,
): Schema<Record<string, Output<V>>, false> => ({ kind: 'record', key, inner: value, error });

/** The first of `options` that matches; an `invalid_union` issue when none does. */
export const union = <const S extends readonly Schema[]>(
  options: S,
  error?: ErrorMap,
): Schema<Output<S[number]>, false> => ({
  kind: 'union',
  options,
  error,
});
