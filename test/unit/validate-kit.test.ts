import fc from 'fast-check';
import { parsePolicyText } from '../../lib/policy/load';
import { gt, max, min, minLength, refine, regex, withChecks, withCustomCheck } from '../../lib/validate/checks';
import { array, object, record, strictObject, union } from '../../lib/validate/containers';
import type { Issue } from '../../lib/validate/issue';
import { safeParse } from '../../lib/validate/parse';
import { boolean, int, literal, number, oneOf, string } from '../../lib/validate/scalars';
import type { Schema } from '../../lib/validate/schema';
import { nullable, optional, prefault, withDefault } from '../../lib/validate/wrappers';

/** The parts of issues a caller reads: code, path, message (and the unknown keys). */
function issuesOf(schema: Schema, value: unknown): Pick<Issue, 'code' | 'path' | 'message' | 'keys'>[] {
  const result = safeParse(schema, value);
  return result.success
    ? []
    : result.issues.map(({ code, path, message, keys }) => ({ code, path, message, ...(keys && { keys }) }));
}

const named = (what: string) => () => `must be ${what}`;

describe('validate kit: default messages (worded as zod en)', () => {
  test.each<[string, Schema, unknown, string]>([
    ['string, missing', string(), undefined, 'Invalid input: expected string, received undefined'],
    ['number, a string', number(), '1', 'Invalid input: expected number, received string'],
    ['number, NaN', number(), Number.NaN, 'Invalid input: expected number, received NaN'],
    ['number, Infinity', number(), Number.POSITIVE_INFINITY, 'Invalid input: expected number, received Infinity'],
    ['boolean, null', boolean(), null, 'Invalid input: expected boolean, received null'],
    ['object, an array', object({}), [], 'Invalid input: expected object, received array'],
    ['array, an object', array(string()), {}, 'Invalid input: expected array, received object'],
    ['record, a number', record(string(), string()), 1, 'Invalid input: expected record, received number'],
    ['int, a fraction', int(), 1.5, 'Invalid input: expected int, received number'],
    ['int, unsafe', int(), 2 ** 60, 'Too big: expected int to be <=9007199254740991'],
    ['min', withChecks(number(), min(0)), -1, 'Too small: expected number to be >=0'],
    ['gt', withChecks(number(), gt(0)), 0, 'Too small: expected number to be >0'],
    ['max', withChecks(number(), max(3)), 4, 'Too big: expected number to be <=3'],
    ['minLength string', withChecks(string(), minLength(1)), '', 'Too small: expected string to have >=1 characters'],
    [
      'minLength array',
      withChecks(array(string()), minLength(2)),
      ['a'],
      'Too small: expected array to have >=2 items',
    ],
    ['regex', withChecks(string(), regex(/^a/)), 'b', 'Invalid string: must match pattern /^a/'],
    ['union', union([string(), number()]), true, 'Invalid input'],
    ['literal', literal(1), 2, 'Invalid input'],
    ['enum', oneOf(['a', 'b']), 'c', 'Invalid input'],
    [
      'refine with text',
      withChecks(
        string(),
        refine((s: string) => s === 'ok', 'is not ok'),
      ),
      'no',
      'is not ok',
    ],
  ])('%s', (_name, schema, value, message) => {
    expect(issuesOf(schema, value).map((i) => i.message)).toEqual([message]);
  });
});

describe('validate kit: parsing', () => {
  test.each<[string, Schema, unknown, unknown]>([
    ['optional absent key is left out', object({ a: optional(string()) }), {}, {}],
    ['non-strict object drops unknown keys', object({ a: string() }), { a: 'x', b: 1 }, { a: 'x' }],
    ['default fills an absent key', object({ a: withDefault(int(), 3) }), {}, { a: 3 }],
    ['default keeps a given value', object({ a: withDefault(int(), 3) }), { a: 4 }, { a: 4 }],
    [
      'prefault parses its fallback',
      object({ o: prefault(object({ a: withDefault(int(), 3) }), {}) }),
      {},
      { o: { a: 3 } },
    ],
    ['nullable', nullable(string()), null, null],
    ['union takes the first match', union([number(), string()]), 'x', 'x'],
    ['record', record(string(), int()), { a: 1 }, { a: 1 }],
  ])('%s', (_name, schema, value, expected) => {
    expect(safeParse(schema, value)).toEqual({ success: true, data: expected });
  });

  test('each parse gets its own copy of an array or object default', () => {
    const schema = object({ list: withDefault(array(string()), ['a']) });
    const first = safeParse(schema, {});
    const second = safeParse(schema, {});
    if (!first.success || !second.success) throw new Error('expected success');
    expect(first.data.list).not.toBe(second.data.list);
  });
});

describe('validate kit: issues (zod order and abort rules)', () => {
  const typed = (what: string) => named(what);
  test.each<[string, Schema, unknown, ReturnType<typeof issuesOf>]>([
    [
      'a schema error words its checks without their own',
      withChecks(int(typed('1-3')), min(1), max(3)),
      4,
      [{ code: 'too_big', path: [], message: 'must be 1-3' }],
    ],
    [
      'a check error beats the schema error',
      withChecks(number(typed('a number')), min(1, named('at least 1'))),
      0,
      [{ code: 'too_small', path: [], message: 'must be at least 1' }],
    ],
    [
      'a fraction stops the range checks after int',
      withChecks(int(), min(5)),
      1.5,
      [{ code: 'invalid_type', path: [], message: 'Invalid input: expected int, received number' }],
    ],
    [
      'strict: unknown keys after the known ones, all in one issue',
      strictObject({ a: string() }),
      { b: 1, a: 2, c: 3 },
      [
        { code: 'invalid_type', path: ['a'], message: 'Invalid input: expected string, received number' },
        { code: 'unrecognized_keys', path: [], message: 'Unrecognized keys: b, c', keys: ['b', 'c'] },
      ],
    ],
    [
      'record: a bad key is one issue at that key, worded by the record',
      record(withChecks(string(), regex(/^[a-z]+$/)), int(), ({ code, input }) =>
        code === 'invalid_key' ? `bad key ${String(input)}` : undefined,
      ),
      { ok: 1, BAD: 'x' },
      [{ code: 'invalid_key', path: ['BAD'], message: 'bad key BAD' }],
    ],
    [
      'array items carry their index',
      array(int()),
      [1, 'x'],
      [{ code: 'invalid_type', path: [1], message: 'Invalid input: expected number, received string' }],
    ],
    [
      'a length check runs even on a value of the wrong type (as zod does)',
      withChecks(array(string()), minLength(1, 'must list one')),
      '',
      [
        { code: 'invalid_type', path: [], message: 'Invalid input: expected array, received string' },
        { code: 'too_small', path: [], message: 'must list one' },
      ],
    ],
  ])('%s', (_name, schema, value, expected) => {
    expect(issuesOf(schema, value)).toEqual(expected);
  });

  const checked = withCustomCheck(
    strictObject({ a: optional(int()), b: optional(withChecks(int(), max(5))) }),
    (v, report) => {
      if (v.a !== undefined && v.b !== undefined) report(['b'], 'a and b together');
    },
  );

  test.each<[string, unknown, string[]]>([
    ['custom check runs on a valid value, at a relative path', { a: 1, b: 2 }, ['b: a and b together']],
    [
      'and after a range issue or an unknown key (not fatal)',
      { a: 1, b: 9, c: 0 },
      ['b: Too big: expected number to be <=5', ': Unrecognized keys: c', 'b: a and b together'],
    ],
    [
      'but not after a wrong type inside (fatal)',
      { a: 'x', b: 2 },
      ['a: Invalid input: expected number, received string'],
    ],
  ])('%s', (_name, value, expected) => {
    expect(issuesOf(checked, value).map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(expected);
  });
});

describe('validate kit on random policies (property)', () => {
  // Ranges of the policy fields drawn here (lib/policy/schema.ts); a value outside one is exactly one issue there.
  const fields = {
    'window.daysBeforeExpiry': [0, 365],
    'window.daysAfterExpiry': [0, 30],
    'limits.maxBatchSize': [1, 1000],
    'limits.maxAttempts': [1, 10],
    'notify.advanceDays': [0, 60],
  } as const;
  const value = fc.oneof(fc.integer({ min: -5, max: 1200 }), fc.constantFrom(0.5, '3', null, true));

  test('a policy is accepted exactly when every drawn value is a whole number in range; each other is reported', () => {
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(Object.keys(fields).map((k) => [k, value])) as Record<
            keyof typeof fields,
            fc.Arbitrary<unknown>
          >,
        ),
        (drawn) => {
          const policy: Record<string, Record<string, unknown>> = {
            window: {},
            limits: {},
            notify: {},
            defaults: { renew: false },
          };
          for (const [path, v] of Object.entries(drawn)) {
            const [section, key] = path.split('.') as [string, string];
            policy[section]![key] = v;
          }
          const bad = Object.entries(drawn)
            .filter(([path, v]) => {
              const [lo, hi] = fields[path as keyof typeof fields];
              return !(Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi);
            })
            .map(([path]) => path)
            .sort();
          let reported: string[] = [];
          try {
            parsePolicyText(JSON.stringify({ version: 1, ...policy }), 'p.json');
          } catch (error) {
            reported = ((error as { issues?: { path: string }[] }).issues ?? []).map((i) => i.path).sort();
          }
          expect(reported).toEqual(bad);
        },
      ),
      { numRuns: 300 },
    );
  });
});
