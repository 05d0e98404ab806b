import type { Claim } from '../../lib/ledger/port';
import { parsePolicyText } from '../../lib/policy/load';
import type { ListedDomain } from '../../lib/registrar/port';
import { forecastRenewals } from '../../lib/renewal/forecast';
import { claimKey } from '../../lib/renewal/plan-types';

// Every date is a literal: "now" is 2026-12-02 10:00 UTC; every domain expires 2026-12-20, within the window.
const NOW = Date.UTC(2026, 11, 2, 10);
const EXPIRY = Date.UTC(2026, 11, 20);
const POLICY = parsePolicyText(
  JSON.stringify({ version: 1, limits: { maxAttempts: 3 }, money: { currency: 'CNY', priceTable: { com: '79.00' } } }),
  'p.json',
);

function listed(domainName: string, extra: Partial<ListedDomain> = {}): ListedDomain {
  return {
    domainName,
    instanceId: `S-${domainName}`,
    expiresAtMs: EXPIRY,
    standing: 'normal',
    premium: false,
    ...extra,
  };
}

function claim(domain: string, fields: Partial<Claim>): Claim {
  return {
    domain,
    expiryMs: EXPIRY,
    batchId: 'b-1',
    attemptId: 'a-1',
    years: 1,
    status: 'SUBMITTED',
    attempts: 1,
    createdAtMs: NOW - 86_400_000,
    updatedAtMs: NOW - 86_400_000,
    version: 1,
    ...fields,
  } as Claim;
}

/**
 * Review 2026-12-07 (thirty-first session), read commands: the forecast listed as the job's purchases the renewals the
 * planner decides from the ledger not to buy (paid already, or a person must act), and from the row.
 */
describe('the forecast skips what the ledger or the row says the job will not buy', () => {
  test.each([
    ['in flight', claim('a.com', { status: 'SUBMITTED' }), 'in-flight'],
    ['renewed, its listing lagging', claim('a.com', { status: 'RENEWED' }), 'renewed'],
    ['failed maxAttempts times', claim('a.com', { status: 'FAILED', attempts: 3 }), 'max-attempts'],
    ['shown renewed', claim('a.com', { status: 'FAILED', attempts: 1, code: 'renewed-elsewhere' }), 'shown-renewed'],
  ])('%s', (_name, c, reason) => {
    const f = forecastRenewals({
      domains: [listed('a.com')],
      policy: POLICY,
      nowMs: NOW,
      months: 3,
      claims: new Map([[claimKey(c.domain, c.expiryMs), c]]),
    });
    expect({ renewals: f.renewals.map((r) => r.domain), skipped: f.skipped.map((s) => s.reason) }).toEqual({
      renewals: [],
      skipped: [reason],
    });
  });

  test('a failure with attempts left is still the job to buy; a row it cannot read or an unknown status is not', () => {
    const f = forecastRenewals({
      domains: [
        listed('a.com'),
        listed('b.com', { unreadable: 'ExpirationDate' }),
        listed('c.com', { standing: 'other' }),
      ],
      policy: POLICY,
      nowMs: NOW,
      months: 3,
      claims: new Map([[claimKey('a.com', EXPIRY), claim('a.com', { status: 'FAILED', attempts: 1 })]]),
    });
    expect(f.renewals.map((r) => r.domain)).toEqual(['a.com']);
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([
      ['b.com', 'unreadable-row'],
      ['c.com', 'unknown-status'],
    ]);
  });
});
