import type { Issue } from './issue';
import { runSchema } from './run';
import type { Output, Schema } from './schema';

/** A parse result: the parsed value, or every issue found. */
export type ParseResult<T> = { success: true; data: T } | { success: false; issues: Issue[] };

/** Validates `value` against `schema`; never throws for bad input. */
export function safeParse<S extends Schema>(schema: S, value: unknown): ParseResult<Output<S>> {
  const issues: Issue[] = [];
  const data = runSchema(schema, value, [], issues) as Output<S>;
  return issues.length === 0 ? { success: true, data } : { success: false, issues };
}
