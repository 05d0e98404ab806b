/** Date helpers of the sandbox. All inputs and outputs are epoch ms (UTC) unless stated. */

export const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** Display date as the API shows it: `yyyy-MM-dd HH:mm:ss` in UTC+8 (Beijing time). */
export function formatDisplayDate(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Adds calendar years in UTC (Feb 29 + 1 year -> Mar 1, as Date does). */
export function addYearsUtc(ms: number, years: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

/**
 * Calendar days (Beijing dates) from `nowMs` to `expiresAtMs`: positive = days left, negative = days since expiry,
 * 0 = expires today. Calendar days keep the value stable while the sim clock ticks within a day.
 */
export function daysUntil(expiresAtMs: number, nowMs: number): number {
  const day = (ms: number) => Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
  return day(expiresAtMs) - day(nowMs);
}
