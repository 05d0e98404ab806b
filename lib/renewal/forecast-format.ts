import { formatMoney, type Money } from '../money';
import { formatDateUtc } from './dates';
import type { Forecast, ForecastRenewal } from './forecast';

/** Columns of the longest bar. */
const BAR_WIDTH = 30;

/** `79.00` of 79.00 CNY: the exact decimal text of an amount, without the currency. */
function decimalText(m: Money): string {
  return formatMoney(m).split(' ')[0] ?? '';
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - text.length));
  return align === 'left' ? text + fill : fill + text;
}

/**
 * The bar of each month: proportional to its total (or to its count when nothing is priced), the largest month
 * BAR_WIDTH columns, any month with renewals at least one.
 */
function bars(forecast: Forecast, mark: string): string[] {
  const priced = forecast.total.minor > 0;
  const values = forecast.months.map((m) => (priced ? m.total.minor : m.renewals.length));
  const max = Math.max(0, ...values);
  return forecast.months.map((m, i) => {
    const v = values[i] ?? 0;
    if (max === 0 || m.renewals.length === 0) return '';
    return mark.repeat(Math.max(1, Math.round((v / max) * BAR_WIDTH)));
  });
}

function priceCell(r: ForecastRenewal): string {
  return r.price ? `${formatMoney(r.price)} (${r.source})` : 'unpriced';
}

/**
 * The forecast for a terminal: the months (renewals, total, unpriced, a bar), the total, then each month's domains
 * and the domains that will not be renewed. Domain names and rule names must already be printable (terminalDeep).
 * @param options.tty true on a terminal (bars drawn with a block character; `#` on a pipe)
 */
export function formatForecastTable(forecast: Forecast, options: { tty: boolean }): string[] {
  const first = forecast.months[0]?.month ?? '';
  const last = forecast.months.at(-1)?.month ?? '';
  const barOf = bars(forecast, options.tty ? '\u2588' : '#');
  const totals = forecast.months.map((m) => formatMoney(m.total));
  const moneyWidth = Math.max(5, formatMoney(forecast.total).length, ...totals.map((t) => t.length));
  const lines = [
    `forecast ${first} to ${last} (${forecast.months.length} month(s), UTC), from ${formatDateUtc(forecast.nowMs)}; ` +
      `bars: ${forecast.total.minor > 0 ? 'total' : 'renewals'} per month`,
    `${pad('month', 8)}  ${pad('renewals', 8, 'right')}  ${pad('total', moneyWidth, 'right')}  unpriced`,
  ];
  forecast.months.forEach((m, i) => {
    lines.push(
      `${pad(m.month, 8)}  ${pad(String(m.renewals.length), 8, 'right')}  ${pad(totals[i] ?? '', moneyWidth, 'right')}  ` +
        `${pad(String(m.unpriced), 8, 'right')}  ${barOf[i]}`.trimEnd(),
    );
  });
  lines.push(
    `${pad('total', 8)}  ${pad(String(forecast.renewals.length), 8, 'right')}  ` +
      `${pad(formatMoney(forecast.total), moneyWidth, 'right')}  ${pad(String(forecast.unpriced), 8, 'right')}`,
  );
  if (forecast.unpriced > 0) {
    lines.push(
      `${forecast.unpriced} renewal(s) unpriced: not in the totals (add their TLDs to money.priceTable, or quotes)`,
    );
  }
  for (const m of forecast.months) {
    if (m.renewals.length === 0) continue;
    lines.push('', `${m.month}: ${m.renewals.length} renewal(s), ${formatMoney(m.total)}`);
    for (const r of m.renewals) {
      lines.push(
        `  ${formatDateUtc(r.renewAtMs)}  ${r.domain}  ${r.years}y  ${priceCell(r)}  expires ${formatDateUtc(r.expiresAtMs)}` +
          `${r.rule ? `  rule ${r.rule}` : ''}${r.cycle > 0 ? '  (projected)' : ''}${r.unpriced ? `  (${r.unpriced})` : ''}`,
      );
    }
  }
  if (forecast.skipped.length > 0) {
    lines.push('', `not renewed (the policy's reason, or held) (${forecast.skipped.length}):`);
    for (const s of forecast.skipped) {
      lines.push(`  ${s.domain}  expires ${formatDateUtc(s.expiresAtMs)}  ${s.reason}`);
    }
  }
  return lines;
}

/** The forecast as JSON: money as integer minor units with the currency, dates also as `YYYY-MM-DD` (UTC). */
export function forecastToJson(forecast: Forecast) {
  const renewal = (r: ForecastRenewal) => ({
    ...r,
    renewOn: formatDateUtc(r.renewAtMs),
    expiresOn: formatDateUtc(r.expiresAtMs),
  });
  return {
    nowMs: forecast.nowMs,
    fromMs: forecast.fromMs,
    toMs: forecast.toMs,
    currency: forecast.currency,
    total: forecast.total,
    renewals: forecast.renewals.length,
    unpriced: forecast.unpriced,
    months: forecast.months.map((m) => ({
      month: m.month,
      startMs: m.startMs,
      count: m.renewals.length,
      total: m.total,
      unpriced: m.unpriced,
      renewals: m.renewals.map(renewal),
    })),
    skipped: forecast.skipped.map((s) => ({ ...s, expiresOn: formatDateUtc(s.expiresAtMs) })),
  };
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; a cell that a spreadsheet would run as
 * a formula (starting with = + - @) gets a leading apostrophe.
 */
function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const FORECAST_CSV_HEADER = [
  'month',
  'renew_on',
  'domain',
  'expires_on',
  'years',
  'rule',
  'price',
  'price_minor',
  'currency',
  'source',
  'cycle',
  'unpriced',
] as const;

/** The forecast as CSV lines: a header, then one row per renewal (a domain renewed twice has two rows). */
export function forecastToCsv(forecast: Forecast): string[] {
  return [
    FORECAST_CSV_HEADER.join(','),
    ...forecast.renewals.map((r) =>
      [
        r.month,
        formatDateUtc(r.renewAtMs),
        r.domain,
        formatDateUtc(r.expiresAtMs),
        r.years,
        r.rule ?? '',
        r.price ? decimalText(r.price) : '',
        r.price ? r.price.minor : '',
        forecast.currency,
        r.source ?? '',
        r.cycle,
        r.unpriced ?? '',
      ]
        .map(csvCell)
        .join(','),
    ),
  ];
}
