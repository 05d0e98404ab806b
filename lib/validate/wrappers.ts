import type { Output, Schema } from './schema';

/** `inner`, or absent: as an object key, it may be left out. */
export const optional = <S extends Schema>(inner: S): Schema<Output<S> | undefined, true> => ({
  kind: 'optional',
  inner,
});

/** `inner`, or `null`. */
export const nullable = <S extends Schema>(inner: S): Schema<Output<S> | null, false> => ({ kind: 'nullable', inner });

/** A field that may be absent or null (registrar answers: a serialiser that writes null for "no value"). */
export const maybe = <S extends Schema>(inner: S) => optional(nullable(inner));

/** `inner`, or `fallback` when absent. The fallback is not validated (it is typed) and is copied on use. */
export const withDefault = <S extends Schema>(inner: S, fallback: Output<S>): Schema<Output<S>, false> => ({
  kind: 'default',
  inner,
  fallback,
});

/** `inner`, parsing `fallback` when absent: `{}` for an object fills in each key's default. */
export const prefault = <S extends Schema>(inner: S, fallback: unknown): Schema<Output<S>, false> => ({
  kind: 'prefault',
  inner,
  fallback,
});

/**
 * Marks the node the generated docs describe at its path (the texts live apart, see lib/policy/descriptions.ts). Where
 * the mark sits, on a wrapper or on what it wraps, decides where the JSON Schema puts the description.
 */
export const documented = <S extends Schema>(schema: S): S => ({ ...schema, doc: true });
