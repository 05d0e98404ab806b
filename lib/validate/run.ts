import type { ErrorMap, Issue, IssueCode, Path } from './issue';
import { describeRange, describeWrongType, nameType } from './messages';
import type { Check, Schema } from './schema';

/*
 * The validator: walks a schema over a value, pushes issues, and returns the parsed value (defaults filled in, unknown
 * keys of non-strict objects dropped). It keeps zod's order and abort rules, which the policy messages were written
 * against: keys in schema order, unknown keys after them, then the object's checks; a schema's checks run only when
 * nothing in its value failed fatally (a wrong type, a value not allowed), except length checks, which zod also runs
 * on anything with a length.
 */

const hasFatal = (issues: readonly Issue[], from: number) => issues.slice(from).some((i) => i.fatal);

/** A default may be an array or object: each use gets its own copy, so freezing one result freezes no other. */
const copy = (value: unknown) =>
  Array.isArray(value) ? [...value] : value && typeof value === 'object' ? { ...value } : value;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Pushes an issue worded by the first of `maps` with an answer, else by `fallback`. */
function report(
  issues: Issue[],
  code: IssueCode,
  path: Path,
  input: unknown,
  maps: (ErrorMap | string | undefined)[],
  fallback: string,
  fatal?: boolean,
) {
  let message: string | undefined;
  for (const map of maps) message ??= typeof map === 'string' ? map : map?.({ code, input });
  issues.push({ code, path, message: message ?? fallback, input, ...(fatal && { fatal }) });
}

/**
 * Validates `value` against `schema`, pushing every issue (with its full path) onto `issues`.
 * @returns the parsed value; meaningful only when no issue was pushed
 */
export function runSchema(schema: Schema, value: unknown, path: Path, issues: Issue[]): unknown {
  const start = issues.length;
  const { kind, inner, error } = schema;
  const fail = (code: IssueCode, fallback: string) => report(issues, code, path, value, [error], fallback, true);
  let out = value;
  switch (kind) {
    case 'optional':
      return value === undefined ? value : runSchema(inner!, value, path, issues);
    case 'nullable':
      return value === null ? value : runSchema(inner!, value, path, issues);
    case 'default':
      // An absent value takes the default as is; a present one is parsed (and an `undefined` result defaulted).
      out = value === undefined ? undefined : runSchema(inner!, value, path, issues);
      return out === undefined ? copy(schema.fallback) : out;
    case 'prefault':
      return runSchema(inner!, value === undefined ? copy(schema.fallback) : value, path, issues);
    case 'literal':
    case 'enum':
      if (!schema.values!.includes(value)) fail('invalid_value', 'Invalid input');
      break;
    case 'array':
      if (Array.isArray(value)) out = Array.from(value, (item, i) => runSchema(inner!, item, [...path, i], issues));
      else fail('invalid_type', describeWrongType(kind, value));
      break;
    case 'object':
    case 'record':
      if (isObject(value)) out = parseEntries(schema, value, path, issues);
      else fail('invalid_type', describeWrongType(kind, value));
      break;
    case 'union': {
      // The first option without issues wins; the others' issues are dropped, the union's own is reported.
      const matched = schema.options!.find((option) => {
        const optionIssues: Issue[] = [];
        out = runSchema(option, value, path, optionIssues);
        return optionIssues.length === 0;
      });
      if (!matched) fail('invalid_union', 'Invalid input');
      break;
    }
    default:
      // string, number, boolean: the kind is the `typeof`; NaN and Infinity are not numbers (JSON has neither).
      if (typeof value !== kind || (typeof value === 'number' && !Number.isFinite(value)))
        fail('invalid_type', describeWrongType(kind, value));
  }
  let aborted = hasFatal(issues, start);
  for (const check of schema.checks ?? []) {
    const sized = typeof (out as { length?: unknown } | null | undefined)?.length === 'number';
    if (check.kind === 'minLength' ? !sized : aborted) continue;
    const before = issues.length;
    runCheck(check, out, path, issues, error);
    aborted ||= hasFatal(issues, before);
  }
  return out;
}

/** An object's keys in schema order, then its unknown keys; or a record's every key and value. */
function parseEntries(schema: Schema, value: Record<string, unknown>, path: Path, issues: Issue[]) {
  const parsed: Record<string, unknown> = {};
  const { shape, key: keySchema, inner, error } = schema;
  if (shape) {
    for (const [key, child] of Object.entries(shape)) {
      const result = runSchema(child, value[key], [...path, key], issues);
      if (result !== undefined || key in value) parsed[key] = result;
    }
    const keys = Object.keys(value).filter((key) => !Object.hasOwn(shape, key));
    if (schema.strict && keys.length > 0)
      issues.push({
        code: 'unrecognized_keys',
        path,
        message: `Unrecognized keys: ${keys.join(', ')}`,
        input: value,
        keys,
      });
    return parsed;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    const at = [...path, key];
    // A bad key is one issue at that key (the record's message); its value is not looked at.
    const keyIssues: Issue[] = [];
    runSchema(keySchema!, key, [], keyIssues);
    if (keyIssues.length > 0) report(issues, 'invalid_key', at, key, [error], 'Invalid key in record', true);
    else parsed[key] = runSchema(inner!, value[key], at, issues);
  }
  return parsed;
}

function runCheck(check: Check, value: unknown, path: Path, issues: Issue[], schemaError: ErrorMap | undefined) {
  const fail = (code: IssueCode, fallback: string, fatal?: boolean) =>
    report(issues, code, path, value, ['error' in check ? check.error : undefined, schemaError], fallback, fatal);
  const n = value as number;
  switch (check.kind) {
    case 'int':
      if (!Number.isInteger(n)) fail('invalid_type', describeWrongType('int', value), true);
      // zod's int also bounds to safe integers, as a range issue (the value is still a number).
      else if (!Number.isSafeInteger(n))
        n > 0
          ? fail('too_big', describeRange(false, 'int', Number.MAX_SAFE_INTEGER, true))
          : fail('too_small', describeRange(true, 'int', Number.MIN_SAFE_INTEGER, true));
      return;
    case 'min':
      if (!(n >= check.value)) fail('too_small', describeRange(true, 'number', check.value, true));
      return;
    case 'gt':
      if (!(n > check.value)) fail('too_small', describeRange(true, 'number', check.value, false));
      return;
    case 'max':
      if (!(n <= check.value)) fail('too_big', describeRange(false, 'number', check.value, true));
      return;
    case 'minLength':
      if ([...(value as string)].length < check.value)
        fail('too_small', describeRange(true, nameType(value), check.value, true));
      return;
    case 'regex':
      check.pattern.lastIndex = 0;
      if (!check.pattern.test(value as string))
        fail('invalid_format', `Invalid string: must match pattern ${check.pattern}`);
      return;
    case 'refine':
      if (!check.fn(value as never)) fail('custom', 'Invalid input');
      return;
    case 'superRefine':
      check.fn(value as never, (at, message) =>
        issues.push({ code: 'custom', path: [...path, ...at], message, input: value }),
      );
  }
}
