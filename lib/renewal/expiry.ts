import { addYearsUtc, DAY_MS } from './dates';

/** How far a read-back expiry may be from old + years and still count as that renewal: ±2 days, ms. */
export const RENEWED_TOLERANCE_MS = 2 * DAY_MS;

/**
 * True when `expiryMs` is `listedMs` read a little differently (within RENEWED_TOLERANCE_MS, not equal; epoch ms):
 * the same cycle under a listing that lags and reads the old expiry another way (a zone, a registry sync, a
 * truncation). Claims are keyed by the exact listed expiry, so such a listing finds no claim by its key.
 */
export function isReadDifferently(listedMs: number, expiryMs: number): boolean {
  return expiryMs !== listedMs && Math.abs(expiryMs - listedMs) <= RENEWED_TOLERANCE_MS;
}

/**
 * Day boundaries a registrar may cut dates to: UTC, and UTC+8 (the API's sample ExpirationDateLong is 00:00 in
 * Beijing; which one Alibaba uses is UNCONFIRMED), as offsets east of UTC, ms.
 */
const DAY_ZONES_MS = [0, 8 * 3_600_000];

/**
 * The same date, in UTC or UTC+8, where one of the two readings is cut to that zone's 00:00:00.000 (a registrar
 * that reports dates truncated to the day): no renewal moves an expiry by less than a day, so this is the same
 * expiry, read coarsely.
 */
function isSameDayTruncated(a: number, b: number): boolean {
  return DAY_ZONES_MS.some((zone) => {
    const [x, y] = [a + zone, b + zone];
    return Math.floor(x / DAY_MS) === Math.floor(y / DAY_MS) && (x % DAY_MS === 0 || y % DAY_MS === 0);
  });
}

/**
 * True when two listed expiries (epoch ms) are the same date: equal, or one of them cut to the day (UTC or UTC+8).
 * Two accounts' listings of one domain differ so under a truncating listing, and a claim keyed by one reading was
 * not found by the other's key: both accounts bought it (2026-12-06, the chaos suite with two accounts).
 */
export function isSameListedExpiry(a: number, b: number): boolean {
  return a === b || isSameDayTruncated(a, b);
}

/** Whether `ms` is a day start in UTC or UTC+8: a reading that may be another reading cut to the day. */
export function isDayStart(ms: number): boolean {
  return DAY_ZONES_MS.some((zone) => (ms + zone) % DAY_MS === 0);
}

/** The readings of `ms` cut to the day, in UTC and UTC+8 (those other than `ms` itself), epoch ms. */
export function dayStartsOf(ms: number): number[] {
  return DAY_ZONES_MS.map((zone) => Math.floor((ms + zone) / DAY_MS) * DAY_MS - zone).filter((d) => d !== ms);
}

/**
 * What a read-back expiry says about a renewal of `years` from `oldMs` (all epoch ms, UTC):
 * - `unchanged`: the old expiry (exactly, or the same UTC or UTC+8 date with one reading truncated to that day); a queued
 *   task also leaves it so, so this alone is no evidence that nothing was bought;
 * - `renewed`: about old + years (±2 days), the only reading that counts as bought;
 * - `moved`: anything else (earlier, a truncated date, another term): a person must look.
 */
export function judgeExpiry(oldMs: number, years: number, currentMs: number): 'unchanged' | 'renewed' | 'moved' {
  if (currentMs === oldMs || isSameDayTruncated(oldMs, currentMs)) return 'unchanged';
  return Math.abs(currentMs - addYearsUtc(oldMs, years)) <= RENEWED_TOLERANCE_MS ? 'renewed' : 'moved';
}
