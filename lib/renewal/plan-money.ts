import { addMoney, type Money, parseMoney, timesMoney, zeroMoney } from '../money';
import type { Policy } from '../policy/schema';
import type { QuoteSource } from '../registrar/port';
import { daysUntil } from './dates';
import { buildBatches, countTotals } from './plan';
import type { Decision, Plan, PlanMoney, Reason, UpcomingRenewal } from './plan-types';

/**
 * The money pass of the planner (docs/design.md, "Money"): pure, no clock, no I/O. It prices every renew decision,
 * skips what no source prices (money.unpriced "skip") or what costs more than limits.maxPricePerDomain, then buys
 * in priority order within limits.maxSpendPerRun and the balance less limits.minBalanceAfter, deferring what does
 * not fit. All sums are integer minor units.
 */

/** A one-year price of a domain and where it came from. */
export interface PricedDomain {
  perYear: Money;
  source: QuoteSource;
}

/** The balance as the renew job could read it. */
export type BalanceReading =
  | {
      state: 'read';
      availableCash: Money;
      /** Sent by earlier runs, still open and not charged yet as far as we know: spoken for (absent when none). */
      committed?: Money;
    }
  | { state: 'unreadable'; message: string };

export interface MoneyInput {
  /** One-year prices by normalised domain name, in the policy's currency. */
  prices: ReadonlyMap<string, PricedDomain>;
  /** Names a registrar price answer called premium, priced or not (normalised). */
  premium?: ReadonlySet<string>;
  /** Names an answer priced in a way that cannot be used (QuoteAnswer.unpriced `suspect`): never bought unpriced. */
  suspect?: ReadonlySet<string>;
  /** Undefined when no balance check is configured (no billing port): never on a real run. */
  balance: BalanceReading | undefined;
  unavailableSources?: readonly { source: string; code: string }[];
}

/** Reasons a due domain is deferred for money: it would be bought if there were more money or a higher cap. */
export const MONEY_DEFERRALS: readonly Reason[] = ['over-spend', 'low-balance'];

/** A policy amount in its currency, exactly (validated by the schema already). */
export function policyAmount(policy: Policy, value: string | number | undefined, where: string): Money | undefined {
  return value === undefined ? undefined : parseMoney(value, policy.money.currency, `policy ${where}`);
}

/**
 * Applies prices, balance and the money limits to a plan (see the module comment). Priority: soonest expiry first,
 * then the rule's order in the policy (domains without a rule last), then the name. A domain that does not fit is
 * deferred and later, cheaper ones are still considered: the run buys as much of what is due as the money allows.
 * @returns a new plan; `money.deferred.topUp` is what the balance lacks to buy every deferred domain, and
 *   `money.shortfall` what it lacks to cover the announced (upcoming) renewals too
 */
export function applyMoney(plan: Plan, policy: Policy, input: MoneyInput): Plan {
  const currency = policy.money.currency;
  const maxPrice = policyAmount(policy, policy.limits.maxPricePerDomain, 'limits.maxPricePerDomain');
  const maxRun = policyAmount(policy, policy.limits.maxSpendPerRun, 'limits.maxSpendPerRun');
  const maxMonth = policyAmount(policy, policy.limits.maxSpendPerMonth, 'limits.maxSpendPerMonth');
  /** The spending cap `price` alone is over (no run buys it: the review of the shortfall's cap deferrals). */
  const capOver = (price: Money) => [maxRun, maxMonth].find((c) => c !== undefined && price.minor > c.minor);
  const reserve = policyAmount(policy, policy.limits.minBalanceAfter, 'limits.minBalanceAfter') ?? zeroMoney(currency);
  const balance = input.balance;
  const stopForBalance = balance?.state === 'unreadable' && policy.money.balanceUnreadable === 'stop';
  const ruleOrder = new Map(policy.rules.map((r, i) => [r.name, i]));
  const skip = (d: Decision, reason: Reason, price?: PricedDomain): Decision => {
    const { years: _y, couponNo: _c, promotionNo: _p, permitPremium: _pp, batch: _b, ...rest } = d;
    return {
      ...rest,
      action: 'skip',
      reason,
      ...(price && d.years ? { price: timesMoney(price.perYear, d.years), priceSource: price.source } : {}),
    };
  };

  const decisions = [...plan.decisions];
  const order = decisions
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.action === 'renew')
    .sort(
      (a, b) =>
        a.d.domain.expiresAtMs - b.d.domain.expiresAtMs ||
        rank(ruleOrder, a.d.rule) - rank(ruleOrder, b.d.rule) ||
        a.i - b.i,
    );
  let spent = zeroMoney(currency);
  let unpricedRenewing = 0;
  let deferredTotal = zeroMoney(currency);
  let deferredCount = 0;
  let deferredForBalance = zeroMoney(currency);
  let earliest = Number.POSITIVE_INFINITY;
  const room =
    balance?.state === 'read'
      ? addMoney(balance.availableCash, { minor: -reserve.minor - (balance.committed?.minor ?? 0), currency })
      : null;
  for (const { d, i } of order) {
    const priced = input.prices.get(d.domain.domainName);
    if (stopForBalance) {
      decisions[i] = skip(d, 'balance-unknown', priced);
      continue;
    }
    // A price answer knows better than a listing that said "not premium" (review 2026-12-03): on the
    // international site no PermitPremiumRenew flag would stop the order.
    const saidPremium = input.premium?.has(d.domain.domainName) ?? false;
    if (saidPremium && !d.domain.premium && !policy.limits.allowPremium) {
      decisions[i] = skip(d, 'premium', priced);
      continue;
    }
    if (!priced) {
      // "renew" buys an ordinary name at about its TLD's price; a premium one's price is unknowable, and so is one
      // whose stated price could not be used: never unpriced (review 2026-12-03).
      const mayBePremium = d.domain.premium || d.domain.premiumUnstated || saidPremium;
      if (input.suspect?.has(d.domain.domainName)) decisions[i] = skip(d, 'price-unusable');
      else if (policy.money.unpriced === 'skip' || mayBePremium) decisions[i] = skip(d, 'unpriced');
      // Counted at limits.maxPricePerDomain, the most this policy pays for one: counted at 0, every money limit
      // bounded nothing (review 2026-12-07). Without that limit (and so without spend limits: the schema) it is 0.
      else if (!maxPrice) unpricedRenewing++;
      if (decisions[i] !== d || !maxPrice) continue;
    }
    const price = priced ? timesMoney(priced.perYear, d.years ?? 1) : (maxPrice as Money);
    if (maxPrice && price.minor > maxPrice.minor) {
      decisions[i] = skip(d, 'over-price', priced);
      continue;
    }
    // Never deferred for spend or balance (nor topped up for): no run or month can buy it.
    if (capOver(price)) {
      decisions[i] = skip(d, 'over-cap', priced);
      continue;
    }
    const after = spent.minor + price.minor;
    const overRun = maxRun !== undefined && after > maxRun.minor;
    const overBalance = room !== null && after > room.minor;
    if (overRun || overBalance) {
      decisions[i] = skip(d, overBalance ? 'low-balance' : 'over-spend', priced);
      deferredCount++;
      deferredTotal = addMoney(deferredTotal, price);
      if (overBalance) deferredForBalance = addMoney(deferredForBalance, price);
      earliest = Math.min(earliest, d.domain.expiresAtMs);
      continue;
    }
    spent = addMoney(spent, price);
    if (!priced) unpricedRenewing++;
    // Ordered as premium when a price answer says so (allowPremium): without PermitPremiumRenew the registrar refuses
    // it, each refusal spending an attempt, until the domain lapsed (review 2026-12-06, round 8).
    decisions[i] = {
      ...d,
      price,
      priceSource: priced?.source ?? 'assumed',
      ...(saidPremium ? { permitPremium: true } : {}),
    };
  }
  const money: PlanMoney = {
    currency,
    total: spent,
    unpricedRenewing,
    ...(unpricedRenewing > 0 && maxPrice ? { unpricedCountedAt: maxPrice } : {}),
    balance:
      balance === undefined
        ? { state: 'not-checked' }
        : balance.state === 'read'
          ? {
              state: 'read',
              availableCash: balance.availableCash,
              ...(balance.committed ? { committed: balance.committed } : {}),
              after: addMoney(balance.availableCash, neg(addMoney(spent, balance.committed ?? zeroMoney(currency)))),
            }
          : { state: 'unreadable', message: balance.message, stopped: stopForBalance },
    unavailableSources: [...(input.unavailableSources ?? [])],
  };
  if (deferredCount > 0) {
    // What the account lacks to buy everything planned: this run's spend, the deferred, and the reserve kept.
    const lack =
      room !== null && deferredForBalance.minor > 0 ? spent.minor + deferredForBalance.minor - room.minor : 0;
    money.deferred = {
      count: deferredCount,
      total: deferredTotal,
      earliestExpiryMs: earliest,
      ...(lack > 0 ? { topUp: { minor: lack, currency } } : {}),
    };
  }
  const batches = buildBatches(decisions, policy.limits.maxBatchSize);
  // The advance notice shows what each announced renewal will cost, and the per-domain rules of the loop above decide
  // whether it will be bought: one it will not buy is announced so (the review of the advance notice: "to be bought"
  // for a premium or unpriced name, and topped up for).
  const upcoming = plan.upcoming.map((u): UpcomingRenewal => {
    const name = u.domain.domainName;
    const priced = input.prices.get(name);
    const price = priced ? timesMoney(priced.perYear, u.years) : undefined;
    const withPrice = price && priced ? { ...u, price, priceSource: priced.source } : u;
    const saidPremium = input.premium?.has(name) ?? false;
    const mayBePremium = u.domain.premium || u.domain.premiumUnstated || saidPremium;
    const notBought: UpcomingRenewal['notBought'] =
      saidPremium && !policy.limits.allowPremium
        ? { reason: 'premium' }
        : !price
          ? input.suspect?.has(name)
            ? { reason: 'price-unusable' }
            : policy.money.unpriced === 'skip' || mayBePremium
              ? { reason: 'unpriced' }
              : maxPrice !== undefined && capOver(maxPrice)
                ? // Bought unpriced, it counts at maxPricePerDomain, and that alone is over a cap (the fourth review).
                  { reason: 'over-cap', limit: capOver(maxPrice) as Money }
                : undefined
          : maxPrice !== undefined && price.minor > maxPrice.minor
            ? { reason: 'over-price', limit: maxPrice }
            : capOver(price)
              ? { reason: 'over-cap', limit: capOver(price) as Money }
              : undefined;
    return notBought ? { ...withPrice, notBought } : withPrice;
  });
  // A due renewal whose notice says it will not be bought is skipped for that reason (a will-lapse one), not left
  // awaiting a notice that never starts (notBoughtNoticeMark): its will-lapse lines come as before.
  const notBoughtByName = new Map(upcoming.filter((u) => u.notBought).map((u) => [u.domain.domainName, u]));
  for (const [i, d] of decisions.entries()) {
    const u = d.reason === 'awaiting-notice' ? notBoughtByName.get(d.domain.domainName) : undefined;
    if (u?.notBought)
      decisions[i] = {
        ...d,
        reason: u.notBought.reason,
        ...(u.price ? { price: u.price } : {}),
        ...(u.priceSource ? { priceSource: u.priceSource } : {}),
      };
  }
  if (room !== null) {
    // What will be bought only.
    const announced = upcoming.reduce((sum, u) => sum + (u.notBought ? 0 : (u.price?.minor ?? 0)), 0);
    // Every deferral counts, for the balance or for a cap: those deferred by limits.maxSpendPerRun are bought on the
    // next runs from the same balance (review 2026-12-07: left out, the top-up was asked for only once they came due);
    // one no run can buy is `over-cap`, never deferred.
    money.shortfall = {
      minor: Math.max(0, spent.minor + deferredTotal.minor + announced - room.minor),
      currency,
    };
  }
  return { ...plan, decisions, batches, totals: countTotals(decisions), money, upcoming };
}

/** Days from `nowMs` to the first deferred domain's expiry, for messages (negative once expired). */
export function daysToDeadline(money: PlanMoney, nowMs: number): number | undefined {
  return money.deferred ? daysUntil(money.deferred.earliestExpiryMs, nowMs) : undefined;
}

function rank(order: ReadonlyMap<string, number>, rule: string | undefined): number {
  return rule === undefined ? Number.MAX_SAFE_INTEGER : (order.get(rule) ?? Number.MAX_SAFE_INTEGER);
}

function neg(m: Money): Money {
  return { minor: -m.minor, currency: m.currency };
}
