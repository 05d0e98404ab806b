import type { ErrorMap, Path } from './issue';

/** Node kinds of the kit: exactly the constructs the project validates with. */
export type Kind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'literal'
  | 'enum'
  | 'array'
  | 'object'
  | 'record'
  | 'union'
  | 'optional'
  | 'nullable'
  | 'default'
  | 'prefault';

/**
 * A check run after the type matched, in order. `min`/`max` are inclusive, `gt` exclusive; `int` fails a fraction
 * (fatally) and an unsafe integer; `minLength` counts string characters or array items.
 */
export type Check =
  | { kind: 'min' | 'max' | 'gt'; value: number; error?: ErrorMap | undefined }
  | { kind: 'int'; error?: ErrorMap | undefined }
  | { kind: 'minLength'; value: number; error?: ErrorMap | string | undefined }
  | { kind: 'regex'; pattern: RegExp; error?: ErrorMap | undefined }
  | { kind: 'refine'; fn: (value: never) => boolean; error?: ErrorMap | string | undefined }
  | { kind: 'superRefine'; fn: (value: never, report: Report) => void };

/** Reports an issue from a custom check at `path` relative to the checked value. */
export type Report = (path: Path, message: string) => void;

/**
 * A schema: plain data, read by the validator (run.ts) and by the dev-time JSON Schema walker. `O` is the parsed
 * type (phantom), `Opt` whether an object key with this schema may be absent from the output.
 */
export interface Schema<O = unknown, Opt extends boolean = boolean> {
  readonly kind: Kind;
  /** Message for the schema's own issues (and, without their own, its checks'). */
  readonly error?: ErrorMap | undefined;
  readonly checks?: readonly Check[];
  /** The generated docs describe this node (text keyed by path, kept out of the handlers). */
  readonly doc?: true;
  /** literal, enum: the allowed values. */
  readonly values?: readonly unknown[];
  /** array: items; record: values; optional, nullable, default, prefault: the wrapped schema. */
  readonly inner?: Schema;
  /** object: its keys' schemas, in order. */
  readonly shape?: Readonly<Record<string, Schema>>;
  /** object: unknown keys are issues (otherwise dropped). */
  readonly strict?: boolean;
  /** record: the schema every key must satisfy. */
  readonly key?: Schema;
  /** union: the alternatives, first match wins. */
  readonly options?: readonly Schema[];
  /** default, prefault: the value for `undefined` (copied on use). */
  readonly fallback?: unknown;
  /** Phantom: the parsed type. */
  readonly _out?: O;
  /** Phantom: may be absent. */
  readonly _opt?: Opt;
}

/** The parsed type of a schema. */
export type Output<S> = S extends Schema<infer O, boolean> ? O : never;

/** A shape: key -> schema. */
export type Shape = Readonly<Record<string, Schema>>;

type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The parsed type of an object of `S`: keys of optional schemas may be absent. */
export type ObjectOutput<S extends Shape> = Flatten<
  { [K in keyof S as S[K] extends Schema<unknown, true> ? never : K]: Output<S[K]> } & {
    [K in keyof S as S[K] extends Schema<unknown, true> ? K : never]?: Output<S[K]>;
  }
>;
