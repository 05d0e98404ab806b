import { InputError } from '../errors';
import { type Money, parseMoney } from '../money';
import { array, object, union } from '../validate/containers';
import { safeParse } from '../validate/parse';
import { boolean, literal, number, string } from '../validate/scalars';
import { maybe, optional } from '../validate/wrappers';
import { registrarText } from './errors';
import { parseWith } from './shapes';

/**
 * The two price answers of the Domain API (QueryDomainRealTimePrice, CheckDomain with FeeCommand=renew), read into
 * plain values, and the rules that turn one answered item into a one-year price or a reason why not. Money is read
 * exactly (lib/money.ts), never through float arithmetic.
 */

/** An HTTP 200 answer that says the operation did not run (`Success:false` with ErrorCode/ErrorMsg). */
export interface RefusedAnswer {
  refused: { code: string; message: string };
}

/** One `Module.DomainPrices[]` item, as answered. */
export interface RealtimePriceItem {
  domainName: string;
  /** `Price`: a number in the sample (16.22); a decimal string is read the same way. */
  price?: number | string;
  currency?: string;
  /** `Avail`: 1 is read as "can be renewed at this price" (the only documented example; UNCONFIRMED). */
  avail?: number | string;
  premium?: boolean;
  reason?: string;
  /** `Action` echoed: the price is for this action (`renew` asked for). */
  action?: string;
  /** `Period` echoed: the price is for this many years (1 asked for; the unit is UNCONFIRMED, so only 1 is read). */
  period?: number | string;
}

export type RealtimePriceAnswer = RefusedAnswer | { items: RealtimePriceItem[] };

const amount = union([number(), string()]);
const flag = union([boolean(), string(), number()]);

const refusal = object({
  Success: literal(false),
  ErrorCode: maybe(union([string(), number()])),
  ErrorMsg: maybe(string()),
  Code: maybe(string()),
  Message: maybe(string()),
});

const realtimeBody = object({
  Success: optional(boolean()),
  Module: maybe(
    object({
      DomainPrices: maybe(
        array(
          object({
            DomainName: string(),
            Action: maybe(string()),
            Period: maybe(union([number(), string()])),
            Price: maybe(amount),
            Currency: maybe(string()),
            Avail: maybe(union([number(), string()])),
            Premium: maybe(flag),
            Reason: maybe(string()),
          }),
        ),
      ),
    }),
  ),
});

/** `Success:false` answers -> the refusal (code and sanitised message); undefined for any other body. */
export function readRefusal(body: unknown): RefusedAnswer | undefined {
  const r = safeParse(refusal, body);
  if (!r.success) return undefined;
  const code = String(r.data.ErrorCode ?? r.data.Code ?? 'Success:false');
  const message = registrarText(r.data.ErrorMsg ?? r.data.Message ?? 'the answer says Success:false', 300);
  return { refused: { code, message } };
}

function readFlag(value: boolean | string | number | null | undefined): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  // Any case or spacing: a premium name read as ordinary could be priced from the table (review round 8, suspected).
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  return text === true || text === 'true' || text === 1 || text === '1';
}

/**
 * QueryDomainRealTimePrice body -> its items, or the refusal when it says `Success:false`. Throws ShapeError when
 * the body is neither (the caller then counts the chunk as unanswered).
 */
export function parseRealtimePrices(body: unknown): RealtimePriceAnswer {
  const refused = readRefusal(body);
  if (refused) return refused;
  const parsed = parseWith(realtimeBody, body);
  const items = (parsed.Module?.DomainPrices ?? []).map((p): RealtimePriceItem => {
    const premium = readFlag(p.Premium);
    return {
      domainName: p.DomainName,
      ...(p.Action ? { action: registrarText(p.Action, 40) } : {}),
      ...(p.Period !== undefined && p.Period !== null
        ? { period: typeof p.Period === 'string' ? registrarText(p.Period, 20) : p.Period }
        : {}),
      ...(p.Price !== undefined && p.Price !== null ? { price: p.Price } : {}),
      ...(p.Currency ? { currency: p.Currency } : {}),
      ...(p.Avail !== undefined && p.Avail !== null ? { avail: p.Avail } : {}),
      ...(premium !== undefined ? { premium } : {}),
      ...(p.Reason ? { reason: registrarText(p.Reason, 200) } : {}),
    };
  });
  return { items };
}

/**
 * A one-year price, or why there is none (plain words for the operator); `suspect`: a price was stated but cannot be
 * used (see QuoteAnswer.unpriced); `currency`: the answer priced it in this other currency (QuoteAnswer.unpriced).
 */
export type PriceReading =
  | { perYear: Money }
  | {
      why: string;
      suspect?: true;
      currency?: string;
      /**
       * A one-year renew price stated exactly, with only `Avail` other than 1 (whose meaning is UNCONFIRMED): the least
       * the name may cost. CheckDomain's ordinary row prices such a name at no less (readCheckDomainPrice).
       */
      floor?: Money;
    };

/** Reads money exactly; a malformed or over-precise amount is a reason, never a rounded number. */
function readAmount(value: unknown, currency: string, where: string): PriceReading {
  try {
    const perYear = parseMoney(value, currency, where);
    // Zero reads as "no price" (an UNCONFIRMED way to say none), not as a hidden one: the table may price it. A
    // negative amount is no price anyone meant: suspect.
    if (perYear.minor <= 0)
      return {
        why: `${where} is ${JSON.stringify(value)}, not a positive price`,
        ...(perYear.minor < 0 ? { suspect: true as const } : {}),
      };
    return { perYear };
  } catch (error) {
    if (error instanceof InputError) return { why: error.message, suspect: true };
    throw error;
  }
}

/**
 * An answer's currency as an ISO code: `RMB`, which other Alibaba APIs send for the yuan (CheckIntlFixPriceDomainStatus),
 * is CNY. A price in another currency stops the run (collectPrices), so a yuan answer spelled RMB must not stop every
 * run of a CNY account.
 */
function currencyCodeOf(answered: string): string {
  const code = answered.trim().toUpperCase();
  return code === 'RMB' ? 'CNY' : code;
}

/**
 * A price is stated when present and not an exact zero, however it is written: `Number()` could not read
 * `"5,000.00"` or `"5000.00 CNY"`, and such a stated price counted as none, so the table's stood in for it (review
 * 2026-12-07). A negative one is stated too.
 */
function isStatedPrice(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  // Zero, however written, and an empty string say no price, as an absent one does.
  return !/^\s*[+-]?0*(\.0*)?\s*$/.test(String(value));
}

/**
 * One realtime item -> its one-year price in `currency`. Not a price: `Avail` other than 1 (with the registrar's
 * `Reason`), no `Price`, an `Action` other than renew or a `Period` other than 1 echoed, a price in another currency
 * (never converted), or an amount that does not read exactly.
 */
export function readRealtimePrice(item: RealtimePriceItem, currency: string): PriceReading {
  // A price stated but not usable (not available, another action or term) is still what the registrar says the name
  // costs: suspect, so no table price stands in for it (review 2026-12-07: a 5 000 CNY answer for Period 12 left the
  // name to the table's 69, under every limit).
  const stated = isStatedPrice(item.price) ? { suspect: true as const } : {};
  // The account's currency first, whatever else the item says: read after Avail and Price, an item not available or
  // without a price dropped it, and with the balance unread the policy's table priced a USD account in CNY
  // (review 2026-12-08, thirty-second session).
  if (item.currency !== undefined && currencyCodeOf(item.currency) !== currency) {
    return {
      why: `QueryDomainRealTimePrice answered in ${item.currency}, not the ${currency} asked for; not used`,
      suspect: true,
      currency: currencyCodeOf(item.currency),
    };
  }
  if (item.avail === undefined || String(item.avail) !== '1') {
    // Read as if available: should Avail 0 turn out to mean "registered" (its meaning is UNCONFIRMED), every owned
    // name would be unusable and nothing bought; its stated price, when it reads as one year's renewal, is the floor.
    const asAvailable = item.price === undefined ? undefined : readRealtimePrice({ ...item, avail: '1' }, currency);
    return {
      why: `QueryDomainRealTimePrice: Avail ${item.avail ?? 'absent'}${item.reason ? ` (${item.reason})` : ''}`,
      // Not said available, with a price stated: the registrar's word on what this name costs, Avail absent too (the
      // SDK model has it optional; review 2026-12-07, twenty-sixth session: the table's 69 stood in for a stated 5 000).
      ...stated,
      ...(asAvailable && 'perYear' in asAvailable ? { floor: asAvailable.perYear } : {}),
    };
  }
  if (item.price === undefined) {
    return { why: `QueryDomainRealTimePrice: no Price${item.reason ? ` (${item.reason})` : ''}` };
  }
  // An echo of another action (a registration price) or term would be checked against the limits as one year's
  // renewal: wrong by a factor nobody knows.
  if (item.action !== undefined && item.action.toLowerCase() !== 'renew') {
    return {
      why: `QueryDomainRealTimePrice: the price is for Action "${item.action}", not renew; not used`,
      ...stated,
    };
  }
  if (item.period !== undefined && String(item.period) !== '1') {
    return {
      why: `QueryDomainRealTimePrice: the price is for Period ${item.period}, not the 1 year asked for; not used`,
      ...stated,
    };
  }
  return readAmount(item.price, currency, 'QueryDomainRealTimePrice Price');
}

/** CheckDomain with FeeCommand=renew, the fields that may carry a renew fee. */
export interface CheckDomainFee {
  domainName?: string;
  /** `StaticPriceInfo.PriceInfo[]` rows (lower-case keys on the wire); `money` in yuan, `period` in months. */
  rows: { action?: string; money?: number | string; period?: number | string }[];
  /** `Premium` ("true"/"false" on the wire) said true. */
  premium?: boolean;
  /** `Price`: documented as the premium REGISTRATION price; read as the renew fee only as a last resort. */
  price?: number | string;
  reason?: string;
}

export type CheckDomainAnswer = RefusedAnswer | { fee: CheckDomainFee };

const checkDomainBody = object({
  DomainName: maybe(string()),
  Premium: maybe(flag),
  Price: maybe(amount),
  Reason: maybe(string()),
  StaticPriceInfo: maybe(
    object({
      PriceInfo: maybe(
        array(
          object({
            action: maybe(string()),
            money: maybe(amount),
            period: maybe(union([number(), string()])),
          }),
        ),
      ),
    }),
  ),
});

/** CheckDomain body -> the fee fields, or the refusal when it says `Success:false`; ShapeError for anything else. */
export function parseCheckDomainFee(body: unknown): CheckDomainAnswer {
  const refused = readRefusal(body);
  if (refused) return refused;
  const b = parseWith(checkDomainBody, body);
  const rows = (b.StaticPriceInfo?.PriceInfo ?? []).map((r) => ({
    ...(r.action ? { action: r.action } : {}),
    ...(r.money !== undefined && r.money !== null ? { money: r.money } : {}),
    ...(r.period !== undefined && r.period !== null ? { period: r.period } : {}),
  }));
  return {
    fee: {
      ...(b.DomainName ? { domainName: b.DomainName } : {}),
      ...(readFlag(b.Premium) ? { premium: true } : {}),
      rows,
      ...(b.Price !== undefined && b.Price !== null ? { price: b.Price } : {}),
      ...(b.Reason ? { reason: registrarText(b.Reason, 200) } : {}),
    },
  };
}

/** Months in the one-year row of StaticPriceInfo (its `period` is in months). */
const ONE_YEAR_MONTHS = 12;

/** `reading`, priced at no less than `floor` (a price an earlier answer stated: PriceReading `floor`). */
function atLeast(reading: PriceReading, floor: Money | undefined): PriceReading {
  if (!floor || !('perYear' in reading)) return reading;
  return { perYear: reading.perYear.minor >= floor.minor ? reading.perYear : floor };
}

/**
 * CheckDomain's one-year renew fee in `currency`: the `StaticPriceInfo` row with action `renew` and period 12, else,
 * only with `usePrice` (policy money.checkDomainPrice "use"), a positive `Price`. UNCONFIRMED: that CheckDomain
 * prices the renewal of a domain the caller owns at all, that `renew` rows exist (only `activate` is documented),
 * what the static rows say of a premium name (never read for one: `premiumKnown`, or the answer's Premium flag),
 * and that `Price` (documented as the premium REGISTRATION price, so by default not read) is the renew fee. The
 * amounts are read in the currency asked for as `FeeCurrency` (the docs call `money` yuan and give `Price` no unit:
 * also UNCONFIRMED).
 */
export function readCheckDomainPrice(
  fee: CheckDomainFee,
  currency: string,
  usePrice = false,
  premiumKnown = false,
  /**
   * An earlier answer stated a price for this name that could not be used (a suspect reading): the static row is the
   * ordinary price, as the table's is, and stands in for it no more than the table does (review 2026-12-07,
   * twenty-eighth session: 5 000 CNY stated unusably, bought at CheckDomain's 69 past maxPricePerDomain 100).
   */
  statedUnusable = false,
  /** With `statedUnusable`: a one-year renew price the earlier answer stated with only `Avail` amiss (its `floor`). */
  floor?: Money,
): PriceReading {
  // A premium name renews at the registry's real-time price; `StaticPriceInfo` (静态价格信息) is the ordinary one, as a
  // table's price is: priced from it, a premium name passed every money limit at 79 CNY and was charged its premium
  // price (review 2026-12-07). Only `Price`, with money.checkDomainPrice "use", prices a name known to be premium (the
  // listing, an earlier answer or this one says so).
  if (premiumKnown || fee.premium) {
    const positive = isStatedPrice(fee.price);
    // No less than a price an earlier answer stated (the review of the floor: 3 000 here against 5 000 stated passed
    // a 4 000 limit and was charged 5 000).
    if (positive && usePrice) return atLeast(readAmount(fee.price, currency, 'CheckDomain Price'), floor);
    return {
      why: `CheckDomain: a premium name is not priced from its static (ordinary) renew row${positive ? `; its Price (${String(fee.price)}) is not read as one unless money.checkDomainPrice is "use"` : ''}`,
    };
  }
  if (statedUnusable && floor) {
    // The higher of the two: a name that truly costs what was stated is never bought for less, and one whose Avail
    // only means "registered" is priced as it was before.
    return atLeast(readCheckDomainPrice(fee, currency, usePrice), floor);
  }
  if (statedUnusable) {
    const positive = isStatedPrice(fee.price);
    if (positive && usePrice) return readAmount(fee.price, currency, 'CheckDomain Price');
    return {
      why: `CheckDomain: its static (ordinary) renew row does not stand in for a price stated in a form that cannot be used${positive ? `; its Price (${String(fee.price)}) is not read as one unless money.checkDomainPrice is "use"` : ''}`,
      suspect: true,
    };
  }
  const rows = fee.rows.filter(
    (r) => r.action?.toLowerCase() === 'renew' && Number(r.period) === ONE_YEAR_MONTHS && r.money !== undefined,
  );
  // Two one-year renew rows that disagree say two prices for one name, as a real-time answer pricing a name twice
  // does: neither is used, nor the table's (review 2026-12-06, round 8).
  const amounts = new Set(rows.map((r) => JSON.stringify(readAmount(r.money, currency, 'CheckDomain'))));
  if (amounts.size > 1) {
    return {
      why: `CheckDomain: ${rows.length} one-year renew rows with different amounts (${rows.map((r) => String(r.money)).join(', ')}); not used`,
      suspect: true,
    };
  }
  const row = rows[0];
  if (row) return readAmount(row.money, currency, 'CheckDomain StaticPriceInfo renew money');
  // A renew row stating a price for a term not read as one year (its unit, months, is UNCONFIRMED): what the registrar
  // says the name costs, so no table price stands in for it, as for a real-time price of another Period (review
  // 2026-12-08, thirty-second session: a 500 row for period 1 was dropped and the table's 69 bought it past a 100
  // limit).
  const otherTerms = fee.rows.filter((r) => r.action?.toLowerCase() === 'renew' && isStatedPrice(r.money));
  if (otherTerms.length > 0) {
    return {
      why: `CheckDomain: its renew row${otherTerms.length > 1 ? 's are' : ' is'} for period ${otherTerms.map((r) => String(r.period ?? 'absent')).join(', ')}, not the ${ONE_YEAR_MONTHS} months of one year; not used`,
      suspect: true,
    };
  }
  const positive = isStatedPrice(fee.price);
  if (positive && usePrice) return readAmount(fee.price, currency, 'CheckDomain Price');
  const why = `CheckDomain: no renew price${fee.reason ? ` (${fee.reason})` : ''}`;
  return {
    why: positive
      ? `${why}; its Price (${String(fee.price)}) is not read as one unless money.checkDomainPrice is "use"`
      : why,
  };
}
