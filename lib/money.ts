import { InputError } from './errors';

/**
 * Money: an integer number of minor units (fen, cents) and an ISO 4217 currency code. Never a float: registrar
 * strings and numbers are parsed digit by digit, sums are integer sums (docs/design.md, "Money").
 */
export interface Money {
  /** Integer minor units (e.g. fen for CNY, cents for USD; yen for JPY). May be negative (a balance). */
  readonly minor: number;
  /** ISO 4217 code, upper case, e.g. `CNY`. */
  readonly currency: string;
}

/** Currencies without minor units; every other currency has two decimals. */
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX']);

/** Decimal places of a currency's minor unit (2, or 0 for JPY and the like). */
export function minorDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

const CURRENCY = /^[A-Z]{3}$/;
const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/** Checks an ISO 4217-shaped code; `where` names the field for the error. */
export function parseCurrency(value: unknown, where: string): string {
  if (typeof value !== 'string' || !CURRENCY.test(value.trim().toUpperCase())) {
    throw new InputError(`${where}: expected a currency code such as "CNY" or "USD", got ${JSON.stringify(value)}`);
  }
  return value.trim().toUpperCase();
}

/**
 * Parses a decimal amount exactly into minor units. Accepts a decimal string (`"16.22"`, `"-11.19"`, `"1,286.00"`
 * is refused) or a JSON number, read through its shortest decimal text (so `16.22` is 1622 fen, never 1621.9999).
 * More decimals than the currency has are refused unless they are zeros: money is never rounded silently.
 * @param where names the field in the error, e.g. `QueryAccountBalance Data.AvailableCashAmount`
 */
export function parseMoney(value: unknown, currency: string, where: string): Money {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InputError(`${where}: expected an amount, got ${value}`);
    text = numberText(value);
  } else if (typeof value === 'string') text = value.trim();
  else throw new InputError(`${where}: expected an amount (a decimal string or number), got ${JSON.stringify(value)}`);
  const m = DECIMAL.exec(text);
  if (!m) throw new InputError(`${where}: expected a decimal amount such as "16.22", got ${JSON.stringify(value)}`);
  const digits = minorDigits(currency);
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    throw new InputError(
      `${where}: ${JSON.stringify(value)} has more decimals than ${currency} has (${digits}); amounts are never rounded`,
    );
  }
  const minor = Number(m[2]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new InputError(`${where}: ${JSON.stringify(value)} is too large`);
  return { minor: m[1] === '-' ? -minor : minor, currency };
}

/** The shortest decimal text of a number, without exponent notation. */
function numberText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** `16.22 CNY`; negative amounts keep their sign. */
export function formatMoney(m: Money): string {
  const digits = minorDigits(m.currency);
  const abs = Math.abs(m.minor);
  const whole = Math.floor(abs / 10 ** digits);
  const frac = digits > 0 ? `.${String(abs % 10 ** digits).padStart(digits, '0')}` : '';
  return `${m.minor < 0 ? '-' : ''}${whole}${frac} ${m.currency}`;
}

/** Zero in a currency. */
export function zeroMoney(currency: string): Money {
  return { minor: 0, currency };
}

/** Sum of amounts in one currency; throws when currencies differ (never adds CNY to USD). */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) {
    throw new InputError(`cannot add ${formatMoney(a)} and ${formatMoney(b)}: the currencies differ`);
  }
  return { minor: a.minor + b.minor, currency: a.currency };
}

/** `m` times a whole number (years). */
export function timesMoney(m: Money, n: number): Money {
  return { minor: m.minor * n, currency: m.currency };
}
