import { InputError } from '../errors';
import type { Hold } from '../ledger/port';
import { DAY_MS, formatDateUtc } from './dates';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
// A timestamp must say its zone (Z or ±hh:mm): a bare local time would mean different instants on different machines.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** True when year, month and day name a real calendar date (no 2027-02-30). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Reads a UTC day (`2027-01-31`: its midnight) or an ISO 8601 timestamp that names its zone, strictly: no rolled-over
 * dates (2027-02-30), no zone-less local times.
 * @param value the text (surrounding blanks ignored)
 * @returns the instant, epoch ms (UTC), and whether only a day was given; undefined when the text is neither
 */
export function parseUtcDateOrInstant(value: string): { ms: number; dateOnly: boolean } | undefined {
  const text = value.trim();
  const dateOnly = DATE_ONLY.exec(text);
  const fields = dateOnly ?? TIMESTAMP.exec(text);
  if (!fields || !isCalendarDate(Number(fields[1]), Number(fields[2]), Number(fields[3]))) return undefined;
  const ms = dateOnly ? Date.UTC(Number(fields[1]), Number(fields[2]) - 1, Number(fields[3])) : Date.parse(text);
  return Number.isFinite(ms) ? { ms, dateOnly: dateOnly !== null } : undefined;
}

/**
 * Parses the end of a hold (`autorenew hold --until`).
 * - `YYYY-MM-DD`: the hold covers that whole UTC day, so it ends at the next UTC midnight (a person who writes
 *   "until the 31st" means the 31st included).
 * - An ISO 8601 timestamp with a zone (`2027-01-31T08:00:00Z`, `2027-01-31T16:00+08:00`): ends at that instant.
 * @param value the flag's text
 * @param nowMs the current time, epoch ms (UTC)
 * @returns the instant the hold ends, epoch ms (UTC), always after `nowMs`
 * @throws InputError when the text is not such a date, or the end is not in the future
 */
export function parseHoldUntil(value: string, nowMs: number): number {
  const shown = JSON.stringify(value);
  const parsed = parseUtcDateOrInstant(value);
  const endMs = parsed === undefined ? Number.NaN : parsed.ms + (parsed.dateOnly ? DAY_MS : 0);
  if (!Number.isFinite(endMs)) {
    throw new InputError(
      `--until ${shown} is not a date; use a UTC day (2027-01-31: held through that day) ` +
        'or a timestamp with its zone (2027-01-31T08:00:00Z); nothing was written',
    );
  }
  if (endMs <= nowMs) {
    throw new InputError(
      `--until ${shown} is not in the future (it ends ${new Date(endMs).toISOString()}, now is ` +
        `${new Date(nowMs).toISOString()}); give a later date, or no --until to hold until unhold; nothing was written`,
    );
  }
  return endMs;
}

/**
 * How the end of a hold reads: `through 2027-01-31 UTC` when it ends at a UTC midnight (a day given with `--until`),
 * else `until <ISO instant>`; `until unhold` when it has no end.
 * @param untilMs the end, epoch ms (UTC), or undefined
 */
export function describeHoldEnd(untilMs: number | undefined): string {
  if (untilMs === undefined) return 'until unhold';
  if (untilMs % DAY_MS === 0) return `through ${formatDateUtc(untilMs - DAY_MS)} UTC`;
  return `until ${new Date(untilMs).toISOString()}`;
}

/**
 * True once the hold has ended at `nowMs` (its `untilMs` is at or before it); a hold without an end never expires.
 * @param nowMs epoch ms (UTC)
 */
export function isHoldExpired(hold: Pick<Hold, 'untilMs'>, nowMs: number): boolean {
  return hold.untilMs !== undefined && hold.untilMs <= nowMs;
}
