import { formatMoney } from '../money';
import { DAY_MS } from './dates';
import type { Forecast } from './forecast';

/**
 * The forecast as an iCalendar file (RFC 5545) that imports into Google Calendar and Outlook: one all-day event per
 * domain expiry and one per planned renewal day. UIDs are stable (kind, domain and date), so importing a newer
 * forecast updates events instead of duplicating them.
 */

/** The UID domain part: RFC 5545 recommends `<unique>@<host>`; ours names the tool. */
const UID_HOST = 'aliyun-domain-autorenew';
/** RFC 5545 3.1: content lines are folded so that none is longer than 75 octets (CRLF excluded). */
const MAX_LINE_OCTETS = 75;

/** `YYYYMMDD` of the UTC day holding `ms`. */
function icsDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

/** `YYYYMMDDTHHMMSSZ` (UTC) of `ms`. */
function icsDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/**
 * A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as `\n`; other control
 * characters, which TEXT may not hold, removed.
 */
export function escapeIcsText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/\p{Cc}/gu, '');
}

/**
 * Folds one content line (RFC 5545 3.1): at most 75 octets per physical line, continuation lines start with one
 * space (which counts toward their 75), and a UTF-8 character is never split.
 */
export function foldIcsLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (octets + size > MAX_LINE_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

interface AllDayEvent {
  uid: string;
  dayMs: number;
  summary: string;
  description: string;
  categories: string;
}

function eventLines(e: AllDayEvent, dtstamp: string): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${dtstamp}`,
    `DTSTART;VALUE=DATE:${icsDate(e.dayMs)}`,
    // DTEND is exclusive: an all-day event of one day ends the next day.
    `DTEND;VALUE=DATE:${icsDate(e.dayMs + DAY_MS)}`,
    `SUMMARY:${escapeIcsText(e.summary)}`,
    `DESCRIPTION:${escapeIcsText(e.description)}`,
    `CATEGORIES:${escapeIcsText(e.categories)}`,
    // A reminder, not a busy slot.
    'TRANSP:TRANSPARENT',
    'END:VEVENT',
  ];
}

/** The events of a forecast: each renewal's day and the expiry it extends, and each skipped domain's expiry. */
function forecastEvents(forecast: Forecast): AllDayEvent[] {
  const events: AllDayEvent[] = [];
  const expiries = new Set<string>();
  const expiryEvent = (domain: string, expiresAtMs: number, description: string) => {
    const uid = `expiry-${domain}-${icsDate(expiresAtMs)}@${UID_HOST}`;
    if (expiries.has(uid)) return;
    expiries.add(uid);
    events.push({ uid, dayMs: expiresAtMs, summary: `${domain} expires`, description, categories: 'domain expiry' });
  };
  for (const r of forecast.renewals) {
    const price = r.price ? `${formatMoney(r.price)} (${r.source})` : `unpriced: ${r.unpriced}`;
    const years = `${r.years} year${r.years === 1 ? '' : 's'}`;
    events.push({
      uid: `renew-${r.domain}-${icsDate(r.renewAtMs)}@${UID_HOST}`,
      dayMs: r.renewAtMs,
      summary: `Renew ${r.domain} for ${years}${r.price ? ` (${formatMoney(r.price)})` : ''}`,
      description:
        `autorenew plans to renew ${r.domain} for ${years} on this day.\nPrice: ${price}.\n` +
        `Expiry: ${new Date(r.expiresAtMs).toISOString().slice(0, 10)} UTC.\nRule: ${r.rule ?? 'defaults'}.\n` +
        `To stop it: autorenew hold ${r.domain}`,
      categories: 'domain renewal',
    });
    expiryEvent(
      r.domain,
      r.expiresAtMs,
      `${r.domain} expires on this day (UTC) unless renewed; autorenew plans to renew it on ` +
        `${new Date(r.renewAtMs).toISOString().slice(0, 10)}.`,
    );
  }
  for (const s of forecast.skipped) {
    expiryEvent(
      s.domain,
      s.expiresAtMs,
      `${s.domain} expires on this day (UTC); autorenew will not renew it: ${s.reason}.`,
    );
  }
  return events.sort((a, b) => a.dayMs - b.dayMs || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

/**
 * The forecast as an iCalendar file: CRLF line endings, lines folded at 75 octets, UTC all-day events.
 * @param dtstampMs when the file is made, epoch ms (UTC): every event's DTSTAMP
 */
export function formatForecastIcs(forecast: Forecast, dtstampMs: number): string {
  const dtstamp = icsDateTime(dtstampMs);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//${UID_HOST}//forecast//EN`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:Domain renewals (autorenew forecast)',
    ...forecastEvents(forecast).flatMap((e) => eventLines(e, dtstamp)),
    'END:VCALENDAR',
  ];
  return `${lines.map(foldIcsLine).join('\r\n')}\r\n`;
}
