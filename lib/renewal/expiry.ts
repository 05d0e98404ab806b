import { addYearsUtc, DAY_MS } from './dates';

/** How far a read-back expiry may be from old + years and still count as that renewal: ±2 days, ms. */
export const RENEWED_TOLERANCE_MS = 2 * DAY_MS;

/**
 * What a read-back expiry says about a renewal of `years` from `oldMs` (all epoch ms, UTC):
 * - `unchanged`: exactly the old expiry (a queued task also leaves it so: no evidence either way);
 * - `renewed`: about old + years (±2 days), the only reading that counts as bought;
 * - `moved`: anything else (earlier, a truncated date, another term): a person must look.
 */
export function judgeExpiry(oldMs: number, years: number, currentMs: number): 'unchanged' | 'renewed' | 'moved' {
  if (currentMs === oldMs) return 'unchanged';
  return Math.abs(currentMs - addYearsUtc(oldMs, years)) <= RENEWED_TOLERANCE_MS ? 'renewed' : 'moved';
}
