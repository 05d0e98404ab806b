import { addYearsUtc, DAY_MS } from './dates';

/** How far a read-back expiry may be from old + years and still count as that renewal: ±2 days, ms. */
export const RENEWED_TOLERANCE_MS = 2 * DAY_MS;

/**
 * The same UTC date where one of the two readings is cut to 00:00:00.000 (a registrar that reports dates truncated
 * to the day): no renewal moves an expiry by less than a day, so this is the same expiry, read coarsely.
 */
function isSameDayTruncated(a: number, b: number): boolean {
  const day = (ms: number) => Math.floor(ms / DAY_MS);
  return day(a) === day(b) && (a % DAY_MS === 0 || b % DAY_MS === 0);
}

/**
 * What a read-back expiry says about a renewal of `years` from `oldMs` (all epoch ms, UTC):
 * - `unchanged`: the old expiry (exactly, or the same UTC date with one reading truncated to the day); a queued
 *   task also leaves it so, so this alone is no evidence that nothing was bought;
 * - `renewed`: about old + years (±2 days), the only reading that counts as bought;
 * - `moved`: anything else (earlier, a truncated date, another term): a person must look.
 */
export function judgeExpiry(oldMs: number, years: number, currentMs: number): 'unchanged' | 'renewed' | 'moved' {
  if (currentMs === oldMs || isSameDayTruncated(oldMs, currentMs)) return 'unchanged';
  return Math.abs(currentMs - addYearsUtc(oldMs, years)) <= RENEWED_TOLERANCE_MS ? 'renewed' : 'moved';
}
