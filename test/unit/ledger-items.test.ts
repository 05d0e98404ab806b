import { LedgerError } from '../../lib/errors';
import {
  computeExpiresAt,
  fitWatch,
  fromBatchItem,
  fromClaimItem,
  fromRunItem,
  isBatchOpen,
  toBatchItem,
  toBatchKey,
  toClaimItem,
  toClaimKey,
  toRunItem,
  toRunKey,
} from '../../lib/ledger/items';
import type { Batch, Claim } from '../../lib/ledger/port';

const T0 = Date.UTC(2030, 0, 1);

const claim: Claim = {
  domain: 'Example.COM',
  expiryMs: T0,
  status: 'CLAIMED',
  batchId: 'b1',
  attemptId: 'a1',
  attempts: 0,
  years: 1,
  claimedAtMs: T0,
  updatedAtMs: T0,
  version: 1,
};

const batch: Batch = {
  batchId: 'b1',
  runId: 'r1',
  attemptId: 'a1',
  status: 'INTENT',
  createdAtMs: T0,
  updatedAtMs: T0,
  entries: [],
  pendingNotices: [],
  sentNotices: [],
  version: 1,
};

describe('ledger item keys', () => {
  test('claim keys lower-case the domain and zero-pad the expiry to 15 digits (sortable)', () => {
    expect(toClaimKey({ domain: 'Example.COM', expiryMs: 1_893_456_000_000 })).toEqual({
      pk: 'DOMAIN#example.com',
      sk: 'EXP#001893456000000',
    });
    expect(toClaimKey({ domain: 'a.b', expiryMs: 5 }).sk < toClaimKey({ domain: 'a.b', expiryMs: 40 }).sk).toBe(true);
  });

  test('batch and run keys', () => {
    expect(toBatchKey('x')).toEqual({ pk: 'BATCH#x', sk: 'BATCH' });
    expect(toRunKey('check')).toEqual({ pk: 'RUN', sk: 'check' });
  });
});

describe('open index and TTL attributes', () => {
  test('a batch is open unless CLOSED with nothing pending', () => {
    expect(isBatchOpen({ status: 'INTENT', pendingNotices: [] })).toBe(true);
    expect(isBatchOpen({ status: 'UNKNOWN', pendingNotices: [] })).toBe(true);
    expect(isBatchOpen({ status: 'CLOSED', pendingNotices: ['final'] })).toBe(true);
    expect(isBatchOpen({ status: 'CLOSED', pendingNotices: [] })).toBe(false);
  });

  test('TTL is epoch seconds, 400 days after the given time', () => {
    expect(computeExpiresAt(T0 + 999)).toBe(T0 / 1000 + 400 * 86_400);
  });

  test('open batch items carry openPk/openSk and no TTL; finished ones the reverse', () => {
    const open = toBatchItem(batch, 'w');
    expect(open).toMatchObject({ openPk: 'OPEN', openSk: `${new Date(T0).toISOString()}#b1`, type: 'batch' });
    expect(open).not.toHaveProperty('expiresAt');
    const closed = toBatchItem({ ...batch, status: 'CLOSED', closedAtMs: T0 + 1000 }, 'w');
    expect(closed).not.toHaveProperty('openPk');
    expect(closed).not.toHaveProperty('openSk');
    expect(closed.expiresAt).toBe(computeExpiresAt(T0 + 1000));
  });

  test('only RENEWED and FAILED claims carry TTL', () => {
    for (const status of ['CLAIMED', 'SUBMITTED', 'UNKNOWN'] as const) {
      expect(toClaimItem({ ...claim, status }, 'w')).not.toHaveProperty('expiresAt');
    }
    for (const status of ['RENEWED', 'FAILED'] as const) {
      expect(toClaimItem({ ...claim, status }, 'w').expiresAt).toBe(computeExpiresAt(T0));
    }
  });
});

describe('item round trips', () => {
  test('claims keep absent optionals absent and carry the writeId', () => {
    const item = toClaimItem(claim, 'write-1');
    expect(item.writeId).toBe('write-1');
    expect(fromClaimItem(item)).toStrictEqual({ ...claim, domain: 'example.com' });
    const full: Claim = {
      ...claim,
      domain: 'x.com',
      taskNo: 'T',
      code: 'C',
      message: 'M',
      newExpiryMs: 1,
      nextEligibleAtMs: 2,
    };
    expect(fromClaimItem(toClaimItem(full, 'w'))).toStrictEqual(full);
  });

  test('batches, entries and errors round-trip', () => {
    const full: Batch = {
      ...batch,
      couponNo: 'C',
      entries: [{ domain: 'a.com', expiryMs: 1, years: 2, permitPremium: true, outcome: 'FAILED', message: 'no' }],
      error: { message: 'm' },
      budgetTaken: { day: '2026-11-29', month: '2026-11', currency: 'CNY', monthSpend: true },
      pendingNotices: ['unknown'],
      sentNotices: ['submitted'],
    };
    expect(fromBatchItem(toBatchItem(full, 'w'))).toStrictEqual(full);
    // A budget record that is not one is refused like any unreadable batch (its advice: restore, never delete).
    const odd = { ...toBatchItem(full, 'w'), budgetTaken: { day: '2026-11-29', month: 7, currency: 'CNY' } };
    expect(() => fromBatchItem(odd)).toThrow(/not a valid batch budget record.*do not delete a batch item/);
    expect(fromBatchItem(toBatchItem(batch, 'w'))).toStrictEqual(batch);
  });

  test('a batch entry an older version stored with its IDN in Unicode reads back normalised (punycode)', () => {
    // An open batch must block a re-buy of its domain: the planner compares it with the port's normalised names.
    const legacy = legacyLayout(toBatchItem(batch, 'w'), [{ domain: '例子.中国', expiryMs: 1, years: 1 }]);
    expect(fromBatchItem(legacy).entries.map((e) => e.domain)).toEqual(['xn--fsqu00a.xn--fiqs8s']);
  });

  test('a batch stores its entries as one JSON string (entriesJson), names lower-cased, absent fields absent', () => {
    const item = toBatchItem(
      {
        ...batch,
        entries: [
          { domain: 'A.com', expiryMs: 1, years: 2, permitPremium: false },
          { domain: 'b.com', expiryMs: 2, years: 1, permitPremium: true, outcome: 'RENEWED', newExpiryMs: 3 },
        ],
      },
      'w',
    );
    expect(item).not.toHaveProperty('entries');
    expect(typeof item.entriesJson).toBe('string');
    expect(JSON.parse(item.entriesJson as string)).toStrictEqual([
      { domain: 'a.com', expiryMs: 1, years: 2, permitPremium: false },
      { domain: 'b.com', expiryMs: 2, years: 1, permitPremium: true, outcome: 'RENEWED', newExpiryMs: 3 },
    ]);
  });

  test('a batch an older version stored with an entries list reads back as the same batch', () => {
    const full: Batch = {
      ...batch,
      entries: [
        { domain: 'a.com', expiryMs: 1, years: 2, permitPremium: true, price: { minor: 7900, currency: 'CNY' } },
        { domain: 'b.com', expiryMs: 2, years: 1, permitPremium: false, outcome: 'FAILED', message: 'no' },
      ],
    };
    const stored = toBatchItem(full, 'w');
    const legacy = legacyLayout(stored, JSON.parse(stored.entriesJson as string));
    expect(fromBatchItem(legacy)).toStrictEqual(full);
  });

  test.each([
    ['not JSON', '[{"domain":'],
    ['not a list', '{"domain":"a.com"}'],
    ['a list of non-entries', '[1]'],
  ])('a batch whose entriesJson is %s is a LedgerError naming the item', (_, text) => {
    const broken = { ...toBatchItem(batch, 'w'), entriesJson: text };
    expect(() => fromBatchItem(broken)).toThrow(LedgerError);
    expect(() => fromBatchItem(broken)).toThrow(`ledger item BATCH#${batch.batchId}/BATCH is not a valid batch`);
  });

  test.each([
    ['expiryMs', Number.NaN],
    ['years', Number.POSITIVE_INFINITY],
    ['lastBuyMs', Number.NEGATIVE_INFINITY],
  ])('an entry whose %s is %p is refused before the write (JSON would store null)', (field, value) => {
    const entry = { domain: 'a.com', expiryMs: 1, years: 1, permitPremium: false, [field]: value };
    expect(() => toBatchItem({ ...batch, entries: [entry] }, 'w')).toThrow(`cannot store ${value}`);
  });

  test('an unreadable batch item says not to delete it (it may hold the only record of a TaskNo)', () => {
    const broken = { ...toBatchItem(batch, 'w'), entriesJson: '[' };
    expect(() => fromBatchItem(broken)).toThrow('do not delete a batch item');
    expect(() => fromClaimItem({ ...toClaimItem(claim, 'w'), attempts: 'two' })).not.toThrow('batch item');
  });

  test('run records round-trip', () => {
    const run = { job: 'renew' as const, runId: 'r', startedAtMs: 1, finishedAtMs: 2, ok: true, summary: { n: 1 } };
    expect(fromRunItem(toRunItem(run, 'w'))).toStrictEqual(run);
  });

  test('a malformed or foreign item is a LedgerError naming the item', () => {
    const broken = { ...toClaimItem(claim, 'w'), attempts: 'two' };
    expect(() => fromClaimItem(broken)).toThrow(LedgerError);
    expect(() => fromClaimItem(broken)).toThrow(/DOMAIN#example.com/);
    expect(() => fromBatchItem(toClaimItem(claim, 'w'))).toThrow(LedgerError);
  });
});

/** A batch item as versions before 2026-12-06 stored it: `entries` a list of maps, no `entriesJson`. */
function legacyLayout(item: Record<string, unknown>, entries: unknown[]): Record<string, unknown> {
  const { entriesJson: _json, ...rest } = item;
  return { ...rest, entries };
}

describe('the watch list cut to its item size (fitWatch)', () => {
  const entry = (i: number) => ({
    domain: `${'x'.repeat(60)}-${String(i).padStart(5, '0')}.com`,
    expiryMs: 1_800_000_000_000 + i * 60_000,
    seenAtMs: 1_790_000_000_000,
  });
  const many = Array.from({ length: 6_000 }, (_, i) => entry(i));

  test('the soonest expiries are kept, sorted by expiry, within MAX_WATCH_BYTES', () => {
    const kept = fitWatch(many);
    expect(kept.length).toBeGreaterThan(1_000);
    expect(kept.length).toBeLessThan(many.length);
    expect(kept.map((e) => e.domain)).toEqual(many.slice(0, kept.length).map((e) => e.domain));
  });

  test('the names given first (renewals the listing no longer shows) are kept before any sooner one', () => {
    const last = many[many.length - 1] as (typeof many)[number];
    expect(fitWatch(many).map((e) => e.domain)).not.toContain(last.domain);
    const kept = fitWatch(many, new Set([last.domain]));
    expect(kept.map((e) => e.domain)).toContain(last.domain);
    expect(kept.length).toBe(fitWatch(many).length);
    expect(kept.at(-1)?.domain).toBe(last.domain); // still stored in expiry order
  });
});
