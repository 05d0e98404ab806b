import type { Claim } from '../../lib/ledger/port';
import { parsePolicyText } from '../../lib/policy/load';
import type { ListedDomain } from '../../lib/registrar/port';
import { forecastRenewals } from '../../lib/renewal/forecast';
import { claimKey } from '../../lib/renewal/plan-types';

// Review 2026-12-07 (thirty-first session) of that session's forecast fix. a.com expired 2026-12-01; its renewal was bought before that (RENEWED, new expiry 2027-12-01) and the listing still
// shows the old expiry, now past the policy's window (daysAfterExpiry 0). The job's next purchase is the
// 2027-12-01 expiry's renewal (due 2027-11-01), inside a 12-month forecast from 2026-12-02.
const NOW = Date.UTC(2026, 11, 2, 10);
const EXPIRY = Date.UTC(2026, 11, 1);
const NEXT_EXPIRY = Date.UTC(2027, 11, 1);
const POLICY = parsePolicyText(
  JSON.stringify({
    version: 1,
    window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 },
    money: { currency: 'CNY', priceTable: { com: '79.00' } },
  }),
  'p.json',
);

const listed: ListedDomain = {
  domainName: 'a.com',
  instanceId: 'S-a.com',
  expiresAtMs: EXPIRY,
  standing: 'normal',
  premium: false,
};

const renewed = {
  domain: 'a.com',
  expiryMs: EXPIRY,
  batchId: 'b-1',
  attemptId: 'a-1',
  years: 1,
  status: 'RENEWED',
  newExpiryMs: NEXT_EXPIRY,
  attempts: 0,
  claimedAtMs: EXPIRY - 3 * 86_400_000,
  updatedAtMs: EXPIRY - 86_400_000,
  version: 2,
} as Claim;

describe('forecast: a renewal paid before expiry whose listing lags past the window', () => {
  test('the next cycle, a purchase of the job, is still forecast', () => {
    const f = forecastRenewals({
      domains: [listed],
      policy: POLICY,
      nowMs: NOW,
      months: 12,
      claims: new Map([[claimKey('a.com', EXPIRY), renewed]]),
    });
    expect(f.renewals.map((r) => r.expiresAtMs)).toEqual([NEXT_EXPIRY]);
  });
});
