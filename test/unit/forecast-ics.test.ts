import ICAL from 'ical.js';
import { parsePolicyText } from '../../lib/policy/load';
import type { ListedDomain } from '../../lib/registrar/port';
import { forecastRenewals } from '../../lib/renewal/forecast';
import { escapeIcsText, foldIcsLine, formatForecastIcs } from '../../lib/renewal/forecast-ics';

// Literal dates: now is 2026-12-02 10:00 UTC.
const NOW = Date.UTC(2026, 11, 2, 10);
const STAMP = Date.UTC(2026, 11, 2, 10, 30, 15);

const policy = parsePolicyText(
  JSON.stringify({
    version: 1,
    window: { daysBeforeExpiry: 30 },
    money: { currency: 'CNY', priceTable: { com: '79.00', cn: '35' } },
    rules: [
      { name: 'keep-out', match: ['old.com'], renew: false },
      { name: 'brands, long; with "quotes"', match: ['brand.*'], years: 2 },
    ],
  }),
  'ics-policy.json',
);

function domain(domainName: string, expiry: string): ListedDomain {
  return {
    domainName,
    instanceId: `S-${domainName}`,
    expiresAtMs: Date.parse(expiry),
    standing: 'normal' as const,
    premium: false,
  };
}

const LONG = `${'sub-'.repeat(14)}very-long-name.com`;
const forecast = forecastRenewals({
  domains: [
    domain('a.com', '2027-01-15T08:00:00Z'),
    domain('brand.cn', '2027-02-20T00:00:00Z'),
    domain('old.com', '2027-01-20T00:00:00Z'),
    domain('xn--bcher-kva.com', '2027-03-01T00:00:00Z'),
    domain(LONG, '2027-04-10T00:00:00Z'),
  ],
  policy,
  nowMs: NOW,
  months: 6,
});
const text = formatForecastIcs(forecast, STAMP);

describe('formatForecastIcs: an iCalendar file (RFC 5545)', () => {
  test('a real parser (ical.js) reads it: one event per expiry and per planned renewal, all-day, with UIDs', () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//aliyun-domain-autorenew//forecast//EN');
    const events = calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    const summary = events.map((e) => [e.summary, e.startDate.toString(), e.startDate.isDate, e.endDate.toString()]);
    expect(summary).toEqual([
      ['Renew a.com for 1 year (79.00 CNY)', '2026-12-16', true, '2026-12-17'],
      ['a.com expires', '2027-01-15', true, '2027-01-16'],
      ['old.com expires', '2027-01-20', true, '2027-01-21'],
      ['Renew brand.cn for 2 years (70.00 CNY)', '2027-01-21', true, '2027-01-22'],
      ['Renew xn--bcher-kva.com for 1 year (79.00 CNY)', '2027-01-30', true, '2027-01-31'],
      ['brand.cn expires', '2027-02-20', true, '2027-02-21'],
      ['xn--bcher-kva.com expires', '2027-03-01', true, '2027-03-02'],
      [`Renew ${LONG} for 1 year (79.00 CNY)`, '2027-03-11', true, '2027-03-12'],
      [`${LONG} expires`, '2027-04-10', true, '2027-04-11'],
    ]);
    // One renewal event per renewal, one expiry event per domain (the skipped one included).
    expect(events.filter((e) => e.summary.startsWith('Renew '))).toHaveLength(forecast.renewals.length);
    const uids = events.map((e) => e.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toContain('renew-a.com-20261216@aliyun-domain-autorenew');
    expect(uids).toContain('expiry-a.com-20270115@aliyun-domain-autorenew');
    for (const c of calendar.getAllSubcomponents('vevent')) {
      expect(c.getFirstPropertyValue('dtstamp')?.toString()).toBe('2026-12-02T10:30:15Z');
    }
  });

  test('escaped text comes back exactly: commas, semicolons and quotes of a rule name, line breaks', () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    const brand = calendar
      .getAllSubcomponents('vevent')
      .map((c) => new ICAL.Event(c))
      .find((e) => e.summary.startsWith('Renew brand.cn'));
    expect(brand?.description).toBe(
      'autorenew plans to renew brand.cn for 2 years on this day.\nPrice: 70.00 CNY (table).\n' +
        'Expiry: 2027-02-20 UTC.\nRule: brands, long; with "quotes".\nTo stop it: autorenew hold brand.cn',
    );
  });

  test('CRLF line endings only, and no line longer than 75 octets (folded lines start with one space)', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n').slice(0, -1);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    // The long domain's lines were folded.
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
  });

  test.each([
    ['short line', 'SUMMARY:abc', ['SUMMARY:abc']],
    ['exactly 75 octets stays one line', `X:${'a'.repeat(73)}`, [`X:${'a'.repeat(73)}`]],
    ['76 octets folds once', `X:${'a'.repeat(74)}`, [`X:${'a'.repeat(73)}`, ' a']],
  ])('foldIcsLine: %s', (_what, line, parts) => {
    expect(foldIcsLine(line).split('\r\n')).toEqual(parts);
  });

  test('foldIcsLine never splits a multi-byte character, and unfolding restores the line', () => {
    const line = `SUMMARY:${'书'.repeat(60)}`; // 3 octets each
    const parts = foldIcsLine(line).split('\r\n');
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(75);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(parts.join('')).not.toContain('\ufffd');
  });

  test('escapeIcsText: backslash, semicolon, comma, line breaks; other control characters removed', () => {
    expect(escapeIcsText('a\\b;c,d\ne\r\nf\u0007g')).toBe('a\\\\b\\;c\\,d\\ne\\nfg');
  });
});
