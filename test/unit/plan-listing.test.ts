import type { Batch, Claim } from '../../lib/ledger/port';
import { committedSpend, viewOf } from '../../lib/renewal/plan-listing';
import { claimKey } from '../../lib/renewal/plan-types';

const EXPIRY = Date.UTC(2026, 11, 20, 4, 0, 0);

function _openBatch(domain: string, expiryMs: number): Batch {
  return {
    batchId: 'b1',
    runId: 'r1',
    attemptId: 'r1/b1',
    status: 'UNKNOWN',
    createdAtMs: 0,
    updatedAtMs: 0,
    entries: [{ domain, expiryMs, years: 1, permitPremium: false }],
    pendingNotices: [],
    sentNotices: [],
    version: 1,
  };
}

describe('the planner in-flight view', () => {
  // Legacy batches with IDNs in Unicode are normalised where they are read: test/unit/ledger-items.test.ts.

  const claimOf = (over: Partial<Claim>): Claim => ({
    domain: 'a.com',
    expiryMs: EXPIRY,
    status: 'UNKNOWN',
    batchId: 'b1',
    attemptId: 'x',
    attempts: 1,
    years: 1,
    claimedAtMs: 0,
    updatedAtMs: 0,
    version: 1,
    ...over,
  });

  test.each<[string, number | undefined, Claim | undefined, string | undefined]>([
    ['nothing open, no claim: not in flight', undefined, undefined, undefined],
    ['an open renewal of an expiry read a second differently: in flight', EXPIRY - 1000, undefined, 'CLAIMED'],
    [
      'an open renewal of an earlier expiry (a year before): in flight',
      EXPIRY - 365 * 86_400_000,
      undefined,
      'CLAIMED',
    ],
    ['an open renewal of this expiry whose claim is under another key: in flight', EXPIRY, undefined, 'CLAIMED'],
    ['the claim itself decides when found', EXPIRY, claimOf({}), 'UNKNOWN'],
    [
      // A release that raced a send (review 2026-12-03): the claim says FAILED, the open batch lists the domain
      // without an outcome. The batch may have been sent: in flight until check settles it.
      'an open batch entry without an outcome outweighs a released claim of the same key: in flight',
      EXPIRY,
      claimOf({ status: 'FAILED', code: 'not-submitted', nextEligibleAtMs: 0, attempts: 0, version: 2 }),
      'CLAIMED',
    ],
    [
      // A refusal proved nothing was executed: its claim decides, even while the batch record still lacks it.
      'a claim the registrar refused, under an open entry, is retried as usual',
      EXPIRY,
      claimOf({ status: 'FAILED', code: 'InvalidParameter', nextEligibleAtMs: 0, version: 2 }),
      'FAILED',
    ],
  ])('%s', (_name, openExpiry, claim, status) => {
    expect(viewOf(EXPIRY, claim, openExpiry)?.status).toBe(status);
    // Only an open entry for another expiry is marked: the planner names it apart (open-batch) and warns.
    const earlier = openExpiry !== undefined && EXPIRY - openExpiry > 2 * 86_400_000;
    expect(viewOf(EXPIRY, claim, openExpiry)?.otherExpiry).toBe(earlier ? true : undefined);
  });
});

describe('money committed by earlier sends (minBalanceAfter)', () => {
  const NOW = Date.UTC(2026, 11, 3, 6, 0, 0);
  const DAY = 86_400_000;
  const price = (minor: number) => ({ minor, currency: 'CNY' });
  const batch = (over: Partial<Batch>): Batch => ({
    ..._openBatch('a.com', EXPIRY),
    entries: [
      { domain: 'a.com', expiryMs: EXPIRY, years: 1, permitPremium: false, price: price(6900) },
      { domain: 'b.com', expiryMs: EXPIRY, years: 1, permitPremium: false, price: price(7900), outcome: 'RENEWED' },
    ],
    ...over,
  });

  test.each<[string, Partial<Batch>, number]>([
    ['sent an hour ago, one entry without an outcome: its price', { submitStartedAtMs: NOW - 3_600_000 }, 6900],
    [
      'an intent not sent yet, created an hour ago: its price',
      { status: 'INTENT', createdAtMs: NOW - 3_600_000 },
      6900,
    ],
    [
      'an intent never sent, created over a day ago: nothing (its run stopped)',
      { status: 'INTENT', createdAtMs: NOW - DAY - 1 },
      0,
    ],
    ['closed: nothing', { status: 'CLOSED', submitStartedAtMs: NOW - 3_600_000 }, 0],
    ['sent 6 days ago: still', { submitStartedAtMs: NOW - 6 * DAY }, 6900],
    ['sent 8 days ago: taken as charged or failed by now', { submitStartedAtMs: NOW - 8 * DAY }, 0],
  ])('%s', (_name, over, minor) => {
    expect(committedSpend([batch(over)], 'CNY', NOW, () => price(7000))).toEqual({
      committed: price(minor),
      unpriced: [],
    });
  });

  test('an intent not sent yet lists no prices (claims are taken ahead of them): priced per year x years, or named', () => {
    const intent = batch({
      status: 'INTENT',
      createdAtMs: NOW - 60_000,
      entries: [
        { domain: 'a.com', expiryMs: EXPIRY, years: 2, permitPremium: false },
        { domain: 'b.io', expiryMs: EXPIRY, years: 1, permitPremium: false },
      ],
    });
    expect(committedSpend([intent], 'CNY', NOW, (d) => (d === 'a.com' ? price(6900) : undefined))).toEqual({
      committed: price(13800),
      unpriced: ['b.io'],
    });
    // What the planning run drafted itself is left out: only one run can buy it, and its own money pass counts it.
    const drafted = new Set([claimKey('a.com', EXPIRY), claimKey('b.io', EXPIRY)]);
    expect(committedSpend([intent], 'CNY', NOW, () => price(6900), drafted)).toEqual({
      committed: price(0),
      unpriced: [],
    });
  });
});
