import type { Balance } from '../billing/port';
import { InputError } from '../errors';
import { parseCurrency, parseMoney } from '../money';
import { object, union } from '../validate/containers';
import { boolean, number, string } from '../validate/scalars';
import { nullable, optional } from '../validate/wrappers';
import { type RefusedAnswer, readRefusal } from './price-shapes';
import { parseWith, ShapeError } from './shapes';

/** QueryAccountBalance (BSS OpenAPI 2017-12-14): `Code` "200", `Success`, `Data` amounts as decimal strings. */
const balanceBody = object({
  Code: optional(nullable(string())),
  Success: optional(nullable(boolean())),
  Data: object({
    AvailableCashAmount: union([string(), number()]),
    Currency: string(),
  }),
});

/**
 * QueryAccountBalance body -> the cash balance (exact, may be negative), or the refusal when the answer says
 * `Success:false` or a `Code` other than "200". Throws ShapeError for a body without a readable amount or currency
 * (an amount is never guessed).
 */
export function parseAccountBalance(body: unknown): Omit<Balance, 'requestId'> | RefusedAnswer {
  const record = (body ?? {}) as Record<string, unknown>;
  const refused = readRefusal(body);
  if (refused) return refused;
  // "Success" is a success too where the answer says so (Success:true): third-party clients read live answers as
  // `Code:"Success"`, against the docs' "200" (UNCONFIRMED; review 2026-12-07: read as a refusal, the balance was
  // unreadable and, with money.balanceUnreadable "stop", nothing was ever bought).
  const saysSuccess = record.Code === 'Success' && record.Success === true;
  if (typeof record.Code === 'string' && record.Code !== '200' && !saysSuccess) {
    const message = typeof record.Message === 'string' ? record.Message : `Code ${record.Code}`;
    return { refused: { code: record.Code, message } };
  }
  const parsed = parseWith(balanceBody, body);
  try {
    const currency = parseCurrency(parsed.Data.Currency, 'QueryAccountBalance Data.Currency');
    return {
      availableCash: parseMoney(
        withoutThousands(parsed.Data.AvailableCashAmount),
        currency,
        'QueryAccountBalance Data.AvailableCashAmount',
      ),
    };
  } catch (error) {
    if (error instanceof InputError) throw new ShapeError(error.message);
    throw error;
  }
}

/**
 * An amount written with thousands separators (`"1,234.56"`, as third-party clients read live answers: UNCONFIRMED)
 * without them; only well-placed groups of three, so anything else odd is still refused by parseMoney.
 */
function withoutThousands(amount: string | number): string | number {
  if (typeof amount !== 'string') return amount;
  // With the decimal point only: "1,000" alone could be a decimal comma's 1.000.
  return /^-?\d{1,3}(,\d{3})+\.\d+$/.test(amount.trim()) ? amount.trim().replaceAll(',', '') : amount;
}
