import { planConfirmation } from '../lib/renewal/confirm-expiry';
import { addYearsUtc } from '../lib/renewal/dates';
import type { SandboxFixture, SandboxFixtureDomain } from '../lib/sandbox';

const DAY_MS = 86_400_000;

/** Coupon of the `*.cn` rule: its domains form a second submit group (the API takes one coupon per batch). */
export const BENCH_COUPON = 'C-BENCH';

/** Shares of the listed domains by kind (fractions 0-1 of N). */
export interface PortfolioShares {
  /** Renewed this run (default 0.1: a 30-day window over a year's spread of expiries, plus brand domains). */
  due: number;
  /** Expired 2-58 days ago: listed (the listing reaches 60 days back) and reported, never bought. Default 0.02. */
  lapsed: number;
}

export const DEFAULT_SHARES: PortfolioShares = { due: 0.1, lapsed: 0.02 };

/** What a generated portfolio contains; every count is exact, so the minimum call count is exact too. */
export interface BenchPortfolio {
  /** Listed domains: every domain inside the policy's listing window (now - 60 days .. now + 365 days). */
  listed: number;
  /** Domains renewed this run (R), by submit group: no coupon (plain + brand) and the `*.cn` coupon group. */
  renew: { total: number; plain: number; brand: number; coupon: number };
  lapsed: number;
  /** Listed, not due (expiring in 32-355 days under the default 30-day window). */
  notDue: number;
  /** Domains of the account outside the listing window (expiring in 400+ days): never listed. */
  unlisted: number;
  /** Submit groups (domains per coupon/promotion group), in the order the planner forms them. */
  groups: number[];
  fixture: SandboxFixture;
  /** Policy file text (v1). */
  policyText: string;
  /**
   * How the check job confirms this run's renewals (lib/renewal/confirm-expiry.ts planConfirmation): per ranged listing the
   * number of domains it returns (every domain whose post-renewal expiry lies in the range), and the single look-ups.
   */
  confirmation: { rangeSizes: number[]; singles: number };
}

/**
 * The bench policy: default 30-day window, 1 year; `brand-*` renewed 2 years up to 365 days ahead (which makes
 * the listing window now-60 d .. now+365 d, so most listed domains are not due); `*.cn` paid with a coupon.
 * `maxDomainsPerRun` is raised to N so the run cap never defers anything.
 */
export function buildBenchPolicyText(maxDomainsPerRun: number, maxBatchSize: number): string {
  return JSON.stringify({
    version: 1,
    window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 },
    defaults: { renew: true, years: 1 },
    rules: [
      { name: 'brand', match: ['brand-*'], years: 2, window: { daysBeforeExpiry: 365 } },
      { name: 'cn-voucher', match: ['*.cn'], coupon: BENCH_COUPON },
    ],
    limits: { maxDomainsPerRun: Math.max(1, maxDomainsPerRun), maxBatchSize },
    // The bench measures one purchase run: the advance notice (which would hold purchases for a week) is off.
    notify: { advanceDays: 0 },
  });
}

/**
 * Generates a portfolio of exactly `n` listed domains relative to `nowMs` (epoch ms) plus `n` unlisted ones.
 * Expiries keep at least a day away from every window edge, so the counts hold for the whole run.
 * Deterministic: the same (n, shares) always gives the same names and day offsets.
 */
export function buildPortfolio(
  nowMs: number,
  n: number,
  shares: PortfolioShares = DEFAULT_SHARES,
  maxBatchSize = 100,
): BenchPortfolio {
  const total = Math.round(n * shares.due);
  const lapsed = Math.min(n - total, Math.round(n * shares.lapsed));
  const brand = Math.floor(total * 0.2);
  const coupon = Math.floor(total * 0.2);
  const plain = total - brand - coupon;
  const notDue = n - total - lapsed;
  const domains: SandboxFixtureDomain[] = [];
  // `i % 1000` seconds spread expiries within a day without crossing the next day boundary.
  const at = (days: number, i: number) => nowMs + days * DAY_MS + (i % 1000) * 1000;
  for (let i = 0; i < plain; i++) domains.push({ domainName: `due-${i}.com`, expiresAtMs: at(1 + (i % 28), i) });
  for (let i = 0; i < coupon; i++) domains.push({ domainName: `due-${i}.cn`, expiresAtMs: at(1 + (i % 28), i) });
  for (let i = 0; i < brand; i++) domains.push({ domainName: `brand-${i}.com`, expiresAtMs: at(35 + (i % 320), i) });
  for (let i = 0; i < lapsed; i++) domains.push({ domainName: `lapsed-${i}.net`, expiresAtMs: at(-58 + (i % 56), i) });
  for (let i = 0; i < notDue; i++) domains.push({ domainName: `later-${i}.net`, expiresAtMs: at(32 + (i % 323), i) });
  for (let i = 0; i < n; i++) domains.push({ domainName: `far-${i}.org`, expiresAtMs: at(400 + (i % 1000), i) });
  return {
    confirmation: countConfirmation(domains),
    listed: n,
    renew: { total, plain, brand, coupon },
    lapsed,
    notDue,
    unlisted: n,
    groups: [plain + brand, coupon].filter((g) => g > 0),
    fixture: { domains, balance: 1e12 },
    policyText: buildBenchPolicyText(n, maxBatchSize),
  };
}

/** Years the bench policy buys for a renewed domain, or 0 for one this run does not renew. */
function renewedYears(name: string): number {
  if (name.startsWith('brand-')) return 2;
  return name.startsWith('due-') ? 1 : 0;
}

/** What the check job's confirmation of this portfolio's renewals costs: domains per ranged listing, singles. */
function countConfirmation(domains: readonly SandboxFixtureDomain[]): { rangeSizes: number[]; singles: number } {
  const renewed = domains
    .filter((d) => renewedYears(d.domainName) > 0)
    .map((d) => ({ domain: d.domainName, expiryMs: d.expiresAtMs, years: renewedYears(d.domainName) }));
  const after = domains.map((d) => {
    const years = renewedYears(d.domainName);
    return years > 0 ? addYearsUtc(d.expiresAtMs, years) : d.expiresAtMs;
  });
  const plan = planConfirmation(renewed);
  return {
    rangeSizes: plan.ranges.map((r) => after.filter((ms) => ms >= r.fromMs && ms <= r.toMs).length),
    singles: plan.singles.length,
  };
}
