/**
 * Date arithmetic of the planner. Every instant is epoch milliseconds, every calendar field is UTC.
 *
 * Day counting: a "day" is exactly 24 h ({@link DAY_MS}) of epoch time, never a calendar day, so a window of
 * `n` days is `n * DAY_MS` ms whatever the time zone or leap second. Years are calendar years (see
 * {@link addYearsUtc}), because that is how the registrar extends an expiry date.
 */

/** One day: 24 h in ms. */
export const DAY_MS = 86_400_000;
/** Grace period after expiry, days; past it a domain needs redemption, which this tool never buys. */
export const GRACE_DAYS = 30;
/** One hour in ms. */
export const HOUR_MS = 3_600_000;

/**
 * TLDs whose grace period is not {@link GRACE_DAYS}: `.hk` has 28 days (../shared/alibaba-preflight-apis.md C.2,
 * CONFIRMED from Alibaba's redemption page; review 2026-12-07). Shorter only: a longer one would let the planner
 * call a domain "in grace" that the registry has put in redemption. `.香港` (xn--j6w193g) is run by the same
 * registry but not listed there: UNCONFIRMED, so it takes the shorter period, the safe side (review 2026-12-07,
 * twenty-ninth session: with 30, a failure on its grace day 28 was told "retrying" where a person had to act).
 */
const GRACE_DAYS_BY_TLD: Readonly<Record<string, number>> = { hk: 28, 'xn--j6w193g': 28 };

/**
 * TLDs whose registry allows a shorter term than most (10 years ahead): `.co` 5 years ahead; `.xin` 2 years
 * ahead, at most 1 year per order (../shared/alibaba-preflight-apis.md C.2 and alibaba-domain-api.md §3.2, CONFIRMED
 * from Alibaba's docs; review 2026-12-07: a 5-year `.co` rule was refused at every attempt, the domain's last days
 * included, where 4 years would have been bought). What an order past the maximum does is UNCONFIRMED.
 */
const TERM_BY_TLD: Readonly<Record<string, { aheadYears: number; perOrderYears?: number }>> = {
  co: { aheadYears: 5 },
  xin: { aheadYears: 2, perOrderYears: 1 },
};

/**
 * The registry's term limits of `domain` (a normalised name): years ahead of now an expiry may reach, and years one
 * order may add; undefined where only the policy's own limits apply.
 */
export function termLimitsOf(domain: string): { aheadYears: number; perOrderYears?: number } | undefined {
  return TERM_BY_TLD[tldOf(domain)];
}

/** The last label of `domain`, lower case, without a trailing dot (`shop.com.hk.` -> `hk`). */
function tldOf(domain: string): string {
  const name = domain.toLowerCase().replace(/\.$/, '');
  return name.slice(name.lastIndexOf('.') + 1);
}

/** The grace period, days, of `domain` (a normalised name: lower-case, ASCII): {@link GRACE_DAYS} but for a few TLDs. */
export function graceDaysOf(domain: string): number {
  return GRACE_DAYS_BY_TLD[tldOf(domain)] ?? GRACE_DAYS;
}

/**
 * The moment by which a person must have renewed `domain` (expiry `expiryMs`), as seen at `sinceMs`: its expiry while
 * that is still ahead (an expired domain may stop resolving), else the end of its grace period. Epoch ms (UTC).
 */
export function actByMsOf(domain: string, expiryMs: number, sinceMs: number): number {
  return expiryMs > sinceMs ? expiryMs : expiryMs + graceDaysOf(domain) * DAY_MS;
}

/**
 * Adds whole calendar years in UTC, keeping month, day and time of day. Feb 29 in a target year without one becomes
 * Feb 28 (never Mar 1), so a computed term is never longer than the one the registrar grants.
 * @param ms epoch ms (UTC)
 * @param years whole years, may be negative
 * @returns epoch ms (UTC)
 */
export function addYearsUtc(ms: number, years: number): number {
  const d = new Date(ms);
  const month = d.getUTCMonth();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  if (d.getUTCMonth() !== month) d.setUTCDate(0);
  return d.getTime();
}

/**
 * Whole days from `nowMs` until `expiresAtMs`, rounded down: 0 during the last 24 h before expiry, -1 during the
 * first 24 h after it.
 */
export function daysUntil(expiresAtMs: number, nowMs: number): number {
  return Math.floor((expiresAtMs - nowMs) / DAY_MS);
}

/** `YYYY-MM-DD` of an epoch-ms instant in UTC. */
export function formatDateUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
