import { InputError } from '../errors';
import type { Claim, Hold } from '../ledger/port';
import { addMoney, type Money, timesMoney, zeroMoney } from '../money';
import { resolveRule } from '../policy/match';
import type { Policy } from '../policy/schema';
import type { ListedDomain, Quote, QuoteSource } from '../registrar/port';
import { isLive, RENEWED_ELSEWHERE_CODE } from './claims';
import { addYearsUtc, DAY_MS } from './dates';
import { isHoldExpired } from './hold-time';
import { capYearsOf, GRACE_DAYS, graceDaysOf } from './plan';
import { policyAmount } from './plan-money';
import { claimKey } from './plan-types';
import { findTablePrice } from './price-table';

/** Longest forecast, months: ten years, the longest term a registrar sells. */
export const MAX_FORECAST_MONTHS = 120;

export interface ForecastInput {
  /** The account's domains (a listing covering at least the horizon, see {@link forecastListingRange}). */
  domains: readonly ListedDomain[];
  policy: Policy;
  /** One-year registrar quotes by normalised domain name; the policy's `money.priceTable` prices the others. */
  quotes?: ReadonlyMap<string, Quote>;
  /** Names the registrar stated a price for that cannot be used (price-unusable), with why: never from the table. */
  unusable?: ReadonlyMap<string, string>;
  /**
   * Names a price answer called premium without a usable price: skipped as `premium` without limits.allowPremium,
   * else never priced from the table (review 2026-12-07: forecast as bought at the table's standard price).
   */
  premiumSaid?: ReadonlySet<string>;
  /** The ledger's holds (`autorenew hold`): nothing is bought while a domain's hold lasts. */
  holds?: readonly Hold[];
  /**
   * The ledger's claims of the listed expiries (claimKey): one in flight or renewed is paid already, one failed
   * maxAttempts times (or shown renewed) needs a person; none of them is the job's to buy now, as the planner says
   * (review 2026-12-07, thirty-first session: forecast and calendar listed them as the job's purchases).
   */
  claims?: ReadonlyMap<string, Claim>;
  /** The forecast's "now", epoch ms (UTC). */
  nowMs: number;
  /** Calendar months (UTC) to cover, the current one included: 1..MAX_FORECAST_MONTHS. */
  months: number;
}

/** One renewal the renew job is expected to buy within the horizon. */
export interface ForecastRenewal {
  /** Normalised (lower case, punycode). */
  domain: string;
  rule?: string;
  /** The expiry this renewal extends, epoch ms (UTC). */
  expiresAtMs: number;
  /**
   * When the renew job is expected to buy it: `expiry - window.daysBeforeExpiry` of its rule, or now when that has
   * passed already (the domain is due today). Epoch ms (UTC). The money is spent then, so months group by it.
   */
  renewAtMs: number;
  /** `YYYY-MM` (UTC) of `renewAtMs`. */
  month: string;
  years: number;
  /** 0: the renewal of the current expiry; 1, 2, ...: later ones projected within the horizon (expiry + years). */
  cycle: number;
  /** Price of the whole renewal (one-year price × years), absent when unpriced. */
  price?: Money;
  perYear?: Money;
  /** `assumed`: no source prices it; money.unpriced "renew" counts it at limits.maxPricePerDomain, as the job does. */
  source?: QuoteSource | 'assumed';
  /** Why there is no price. */
  unpriced?: string;
}

export type ForecastSkipReason =
  | 'opted-out'
  | 'rule-conflict'
  | 'group-unknown'
  | 'premium'
  | 'redemption'
  | 'past-window'
  | 'at-max-term'
  | 'held'
  // What the ledger says (the planner's reasons): paid already, or a person must act.
  | 'in-flight'
  | 'renewed'
  | 'max-attempts'
  | 'shown-renewed'
  // What the row says: a field this tool cannot read, a status it does not know.
  | 'unreadable-row'
  | 'unknown-status'
  // What the renew job's money pass refuses per domain (plan-money.ts): not bought, so not in the totals.
  | 'unpriced'
  | 'over-price'
  | 'over-cap';

export interface ForecastMonth {
  /** `YYYY-MM` (UTC). */
  month: string;
  /** First instant of the month, epoch ms (UTC). */
  startMs: number;
  renewals: ForecastRenewal[];
  /** Sum of the priced renewals' prices. */
  total: Money;
  unpriced: number;
}

export interface Forecast {
  nowMs: number;
  /** The horizon [fromMs, toMs), epoch ms (UTC): now to the start of the month after the last one. */
  fromMs: number;
  toMs: number;
  currency: string;
  months: ForecastMonth[];
  /** Every renewal, by renewAtMs, then domain, then cycle. */
  renewals: ForecastRenewal[];
  total: Money;
  unpriced: number;
  /** Domains due within the horizon that will not be bought (the policy's reason, or `held`). */
  skipped: { domain: string; expiresAtMs: number; reason: ForecastSkipReason }[];
}

/** First instant (epoch ms, UTC) of the calendar month `offset` months after the one holding `ms`. */
function monthStartUtc(ms: number, offset: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

function monthKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/**
 * The expiry range a listing must cover for a forecast (both ends inclusive, epoch ms UTC): domains in grace or
 * redemption are due now; a domain expiring up to the widest `daysBeforeExpiry` after the horizon comes due inside it.
 */
export function forecastListingRange(policy: Policy, nowMs: number, months: number): { fromMs: number; toMs: number } {
  let before = policy.window.daysBeforeExpiry;
  let after = Math.max(policy.window.daysAfterExpiry, GRACE_DAYS);
  for (const rule of policy.rules) {
    before = Math.max(before, rule.window?.daysBeforeExpiry ?? 0);
    after = Math.max(after, rule.window?.daysAfterExpiry ?? 0);
  }
  return { fromMs: nowMs - after * DAY_MS, toMs: monthStartUtc(nowMs, months) + before * DAY_MS };
}

/**
 * The one-year price of a domain: the registrar's quote when there is one in the policy's currency, else the
 * policy's table (never for a premium name: a table price is for standard names), else the reason there is none.
 */
function priceOf(
  domain: ListedDomain,
  name: string,
  input: ForecastInput,
): { perYear: Money; source: QuoteSource } | { unpriced: string } {
  const { currency } = input.policy.money;
  const quote = input.quotes?.get(name);
  if (quote) {
    if (quote.perYear.currency === currency) return { perYear: quote.perYear, source: quote.source };
    return { unpriced: `quoted in ${quote.perYear.currency}, the policy's currency is ${currency}` };
  }
  const unusable = input.unusable?.get(name);
  if (unusable) return { unpriced: `the registrar stated a price that cannot be used (${unusable})` };
  if (domain.premium || input.premiumSaid?.has(name))
    return { unpriced: 'premium: no registrar quote, and the price table is for standard names' };
  if (domain.premiumUnstated)
    return {
      unpriced:
        'the listing does not say whether it is premium: no registrar quote, and the table is for standard names',
    };
  const table = findTablePrice(input.policy, name);
  if (table) return { perYear: table, source: 'table' };
  return { unpriced: 'no registrar quote and no money.priceTable entry for its TLD' };
}

/**
 * Forecasts the renewals the renew job will buy in the next `months` UTC calendar months (the current one included)
 * under the policy, and what they cost. Pure: a function of its input only.
 *
 * A domain's first renewal is planned at `expiry - window.daysBeforeExpiry` of its rule (or now, when already due);
 * years are the rule's, capped by `limits.maxYearsAhead` as the planner caps them on that day; later renewals are
 * projected from `expiry + years` while they fall in the horizon. Domains the planner would skip (opted out, premium
 * not allowed, in redemption, past the window, at the maximum term) are listed in `skipped`. A renewal planned while
 * the domain's hold lasts moves to the day the hold ends, when the domain is still in its window then; otherwise it
 * is skipped as `held`. Money is integer minor units; a total is the exact sum of its renewals' prices.
 */
/** The planner's reason not to buy the expiry a claim is of (plan.ts decideOne), undefined when it may be bought. */
function ledgerReasonOf(claim: Claim | undefined, policy: Policy): ForecastSkipReason | undefined {
  if (!claim) return undefined;
  if (isLive(claim)) return 'in-flight';
  if (claim.status === 'RENEWED') return 'renewed';
  if (claim.code === RENEWED_ELSEWHERE_CODE) return 'shown-renewed';
  if (claim.status === 'FAILED' && claim.attempts >= policy.limits.maxAttempts) return 'max-attempts';
  return undefined;
}

export function forecastRenewals(input: ForecastInput): Forecast {
  const { policy, nowMs, months } = input;
  if (!Number.isInteger(months) || months < 1 || months > MAX_FORECAST_MONTHS) {
    throw new InputError(`--months must be a whole number from 1 to ${MAX_FORECAST_MONTHS}, got ${months}`);
  }
  const { currency } = policy.money;
  const toMs = monthStartUtc(nowMs, months);
  const renewals: ForecastRenewal[] = [];
  const skipped: Forecast['skipped'] = [];
  const seen = new Set<string>();
  const holds = new Map((input.holds ?? []).map((h) => [h.domain, h]));
  for (const domain of input.domains) {
    const name = domain.domainName;
    if (seen.has(name)) continue;
    seen.add(name);
    const settings = resolveRule(policy, domain);
    const before = settings.daysBeforeExpiry * DAY_MS;
    const expiry = domain.expiresAtMs;
    if (Math.max(nowMs, expiry - before) >= toMs) continue;
    const skip = (reason: ForecastSkipReason) => skipped.push({ domain: name, expiresAtMs: expiry, reason });
    const claim = input.claims?.get(claimKey(name, expiry));
    const ledgerReason = ledgerReasonOf(claim, policy);
    // Paid already (in flight, or renewed with the listing lagging): this expiry is skipped, the next one projected.
    const paid = ledgerReason === 'in-flight' || ledgerReason === 'renewed';
    // The planner's order of reasons (lib/renewal/plan.ts decideOne).
    // A paid expiry's window or grace may have passed while its listing lags: the next one is still bought (the
    // review of the fix).
    if (!paid && (domain.standing === 'redemption' || nowMs - expiry > graceDaysOf(name) * DAY_MS)) skip('redemption');
    else if (settings.conflict) skip('rule-conflict');
    else if (settings.groupUnknown) skip('group-unknown');
    else if (!settings.renew) skip('opted-out');
    else if (!paid && nowMs - expiry > settings.daysAfterExpiry * DAY_MS) skip('past-window');
    else if (domain.unreadable) skip('unreadable-row');
    else if (domain.standing === 'other') skip('unknown-status');
    else if (ledgerReason && !paid) skip(ledgerReason);
    else if (
      (domain.premium || input.quotes?.get(name)?.premium || input.premiumSaid?.has(name)) &&
      !policy.limits.allowPremium
    )
      skip('premium');
    else if (!('perYear' in priceOf(domain, name, input)) && !buysUnpriced(domain, name, input)) skip('unpriced');
    else {
      const price = priceOf(domain, name, input);
      // The money pass's per-domain rules (plan-money.ts): unpriced "renew" counts at maxPricePerDomain, a price
      // above it is never bought (review 2026-12-07: the forecast listed and totalled both as the job's purchases).
      const maxPrice = policyAmount(policy, policy.limits.maxPricePerDomain, 'limits.maxPricePerDomain');
      const maxRun = policyAmount(policy, policy.limits.maxSpendPerRun, 'limits.maxSpendPerRun');
      const maxMonth = policyAmount(policy, policy.limits.maxSpendPerMonth, 'limits.maxSpendPerMonth');
      let exp = expiry;
      if (paid && claim) {
        // The next renewal is of the expiry this one buys (review of the fix: a domain caught in flight lost its next
        // year's renewal from the forecast and its totals).
        skip(ledgerReason);
        exp = claim.newExpiryMs ?? addYearsUtc(exp, claim.years);
      }
      const hold = holds.get(name);
      for (let cycle = paid ? 1 : 0; ; cycle++) {
        let renewAtMs = Math.max(nowMs, exp - before);
        if (renewAtMs >= toMs) break;
        if (hold && !isHoldExpired(hold, renewAtMs)) {
          // Nothing is bought while the hold lasts; the day it ends, the domain is bought if still in its window.
          const windowEndMs = exp + settings.daysAfterExpiry * DAY_MS;
          if (hold.untilMs === undefined || hold.untilMs > windowEndMs) {
            skipped.push({ domain: name, expiresAtMs: exp, reason: 'held' });
            break;
          }
          renewAtMs = hold.untilMs;
          if (renewAtMs >= toMs) break;
        }
        const years = capYearsOf(name, exp, settings.years, renewAtMs, policy.limits.maxYearsAhead);
        if (years === 0) {
          if (cycle === 0) skip('at-max-term');
          break;
        }
        const cost = 'perYear' in price ? timesMoney(price.perYear, years) : undefined;
        if (cost && maxPrice && cost.minor > maxPrice.minor) {
          skipped.push({ domain: name, expiresAtMs: exp, reason: 'over-price' });
          break;
        }
        // Alone over a spending cap: no run buys it (plan-money.ts `over-cap`); unpriced, as counted at
        // maxPricePerDomain (the fourth review).
        const counted = cost ?? maxPrice;
        if (counted && [maxRun, maxMonth].some((c) => c !== undefined && counted.minor > c.minor)) {
          skipped.push({ domain: name, expiresAtMs: exp, reason: 'over-cap' });
          break;
        }
        renewals.push({
          domain: name,
          ...(settings.rule !== undefined ? { rule: settings.rule } : {}),
          expiresAtMs: exp,
          renewAtMs,
          month: monthKey(renewAtMs),
          years,
          cycle,
          ...('perYear' in price
            ? { price: cost as Money, perYear: price.perYear, source: price.source }
            : maxPrice
              ? { price: maxPrice, source: 'assumed' as const, unpriced: price.unpriced }
              : { unpriced: price.unpriced }),
        });
        exp = addYearsUtc(exp, years);
      }
    }
  }
  renewals.sort(
    (a, b) =>
      a.renewAtMs - b.renewAtMs || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0) || a.cycle - b.cycle,
  );
  const buckets: ForecastMonth[] = Array.from({ length: months }, (_, i) => {
    const startMs = monthStartUtc(nowMs, i);
    return { month: monthKey(startMs), startMs, renewals: [], total: zeroMoney(currency), unpriced: 0 };
  });
  const byMonth = new Map(buckets.map((b) => [b.month, b]));
  let total = zeroMoney(currency);
  let unpriced = 0;
  for (const r of renewals) {
    const bucket = byMonth.get(r.month) as ForecastMonth;
    bucket.renewals.push(r);
    if (r.price) {
      bucket.total = addMoney(bucket.total, r.price);
      total = addMoney(total, r.price);
    } else {
      bucket.unpriced++;
      unpriced++;
    }
  }
  return { nowMs, fromMs: nowMs, toMs, currency, months: buckets, renewals, total, unpriced, skipped };
}

/**
 * Whether the renew job buys this domain without a price (plan-money.ts): only with money.unpriced "renew", and never
 * a name that may be premium or whose stated price could not be used.
 */
function buysUnpriced(domain: ListedDomain, name: string, input: ForecastInput): boolean {
  const mayBePremium =
    domain.premium ||
    domain.premiumUnstated ||
    input.quotes?.get(name)?.premium === true ||
    input.premiumSaid?.has(name) === true;
  return input.policy.money.unpriced === 'renew' && !mayBePremium && !input.unusable?.has(name);
}
