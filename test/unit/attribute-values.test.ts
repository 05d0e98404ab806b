import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type AttributeValue, fromAttributeMap, toAttribute, toAttributeMap } from '../../lib/ledger/attribute-values';

// The AWS SDK's marshaller (what the document client used) is the reference for every kind the ledger stores.
const items: Record<string, unknown>[] = [
  { pk: 'DOMAIN#example.com', sk: 'EXP#000001790000000000', version: 3, attempts: 0, years: 2 },
  { empty: '', zero: 0, negative: -12.5, big: 2 ** 52, small: 0.000123, flag: true, off: false, none: null },
  {
    entries: [
      { domain: 'a.com', expiryMs: 1_790_000_000_000, years: 1, permitPremium: false, price: { amount: 69.5 } },
      { domain: 'b.cn', outcome: 'RENEWED', newExpiryMs: 1_821_536_000_000 },
    ],
    pendingNotices: ['submitted', 'final'],
    sentNotices: [],
    nested: { deep: { deeper: [[1, 'two', { three: 3 }]] } },
  },
  { text: 'échec: 域名 «x» \n\t "quoted"', emoji: '🙂' },
];

describe('attribute values (DynamoDB typed JSON)', () => {
  test.each(items.map((item, i) => [i, item] as const))('item %i marshals as the AWS SDK does', (_, item) => {
    expect(toAttributeMap(item)).toStrictEqual(marshall(item));
  });

  test.each(items.map((item, i) => [i, item] as const))('item %i unmarshals as the AWS SDK does', (_, item) => {
    const typed = marshall(item) as Record<string, AttributeValue>;
    expect(fromAttributeMap(typed)).toStrictEqual(unmarshall(typed));
    expect(fromAttributeMap(typed)).toStrictEqual(item);
  });

  test('undefined values are dropped, as removeUndefinedValues did', () => {
    const item = { a: 'x', b: undefined, c: { d: undefined, e: 1 } };
    expect(toAttributeMap(item)).toStrictEqual(marshall(item, { removeUndefinedValues: true }));
    expect(toAttributeMap(item)).toStrictEqual({ a: { S: 'x' }, c: { M: { e: { N: '1' } } } });
  });

  test('what the ledger never stores is refused, not written wrongly', () => {
    expect(() => toAttribute(Number.NaN)).toThrow(/cannot store NaN/);
    expect(() => toAttribute(Number.POSITIVE_INFINITY)).toThrow(/cannot store Infinity/);
    // Past 2^53 the number is no longer the one meant: the SDK refuses it, and so does this.
    expect(() => marshall({ n: 2 ** 53 + 2 })).toThrow();
    expect(() => toAttribute(2 ** 53 + 2)).toThrow(/cannot store 9007199254740994/);
    expect(toAttribute(Number.MAX_SAFE_INTEGER)).toStrictEqual({ N: '9007199254740991' });
    expect(() => toAttribute(new Date(0))).toThrow(/cannot store object/);
    expect(() => toAttribute([undefined])).toThrow(/undefined inside a list/);
    expect(() => toAttribute(() => 1)).toThrow(/cannot store function/);
  });

  test('sets written by hand read back as arrays; an unknown type is named', () => {
    expect(fromAttributeMap({ s: { SS: ['a', 'b'] }, n: { NS: ['1', '2.5'] } })).toStrictEqual({
      s: ['a', 'b'],
      n: [1, 2.5],
    });
    expect(() => fromAttributeMap({ b: { B: 'AAEC' } as unknown as AttributeValue })).toThrow(
      /cannot read an attribute of type B/,
    );
  });
});
