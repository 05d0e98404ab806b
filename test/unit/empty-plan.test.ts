import type { ListedDomain } from '../../lib/registrar/port';
import { DAY_MS } from '../../lib/renewal/dates';
import { explainEmptyListing } from '../../lib/renewal/empty-plan';

const NOW = Date.UTC(2026, 0, 1);
const d = (domainName: string, days: number): ListedDomain => ({
  domainName,
  instanceId: domainName,
  expiresAtMs: NOW + days * DAY_MS,
  standing: 'normal' as const,
  premium: false,
});
const window = { fromMs: NOW - 60 * DAY_MS, toMs: NOW + 30 * DAY_MS };

describe('explainEmptyListing', () => {
  test('before, after, between the portfolio, and an empty account', () => {
    expect(explainEmptyListing([d('b.com', 400), d('a.com', 100)], window, { nowMs: NOW, at: '2026-01-01' })).toBe(
      "0 domains: --at 2026-01-01 is before the whole portfolio; the policy lists expiries 2025-11-02 to 2026-01-31, and the earliest of the account's 2 domain(s) expires 2026-04-11 (a.com); try --at 2026-03-12 or later",
    );
    expect(explainEmptyListing([d('a.com', -100)], window, { nowMs: NOW, at: '2026-01-01' })).toMatch(
      /is after the whole portfolio; .* expired 2025-09-23 \(a\.com\)$/,
    );
    expect(explainEmptyListing([d('a.com', -100), d('b.com', 100)], window, { nowMs: NOW })).toBe(
      "0 domains: none of the account's 2 domain(s) expires 2025-11-02 to 2026-01-31, the policy's window for now (2026-01-01)",
    );
    expect(explainEmptyListing([], window, { nowMs: NOW })).toMatch(/lists no domains at all/);
  });
});
