import type { Money } from '../money';
import type { ListedDomain, QuoteSource } from '../registrar/port';

/**
 * The fixed vocabulary of reasons a decision can carry (README: plan reasons). `due` is the only reason to renew.
 */
export const REASONS = {
  due: 'due within the renewal window',
  'not-due': 'expiry is outside the renewal window',
  'past-window': 'expired longer ago than window.daysAfterExpiry allows',
  'opted-out': 'the matching rule says renew: false',
  'rule-conflict':
    'the first matching rule (by its groups) and a later rule that names it outright disagree on whether to renew it: never bought while they do; put the rule that names it first, or take the name out of it',
  'group-unknown':
    "a rule matching by groups comes before any rule naming it, and this site's listing does not say a domain's group (Domain-intl has no group field): never bought while it cannot be told; match it by name (rules[].match) instead",
  'at-max-term': 'no whole year fits within limits.maxYearsAhead',
  premium: 'premium domain and limits.allowPremium is false',
  redemption: 'past the grace period: needs redemption, which this tool never buys',
  'in-flight': 'a renewal for this expiry is already claimed, submitted or unknown',
  'open-batch':
    'a renewal this tool sent for an earlier expiry is still unsettled (see stuck, unknown or expiry-moved); never bought twice',
  'over-run-limit':
    'over limits.maxDomainsPerRun; deferred to a later run (raise the limit if it is still held a week before its expiry)',
  'retry-backoff': 'last attempt failed; waiting for the retry backoff',
  'retry-too-late':
    'last attempt failed, and the daily run after its retry backoff (limits.retryAfterHours) comes after the last day this tool buys it (window.daysAfterExpiry): no retry expected; look at it in the console first (a run at another time may still buy it), and renew it by hand only if it still shows the old expiry and its task list no renewal of it',
  'shown-renewed':
    'its renewal row failed, but the registrar showed it renewed to old + years, and the listing shows the old expiry: look at the domain in the console; only if it too shows the old expiry and no renewal in its task list, `autorenew retry <domain>` lets the next run buy it',
  'renewed-not-shown':
    'our renewal of it was confirmed more than 2 days ago, but the listing shows the old expiry again: never bought by itself (a lagging listing would buy it twice); look at the domain in the console, and renew it by hand only if it too shows the old expiry and no renewal in its task list',
  'max-attempts': 'failed limits.maxAttempts times; needs a human',
  held: 'held by a person (autorenew hold); never bought while the hold lasts',
  'unknown-status':
    'the registrar lists it with a status this tool does not know (e.g. transferring out); never bought while it does',
  'unreadable-row':
    "a field of its listing row cannot be read (the run's warning names it); never bought while it cannot: renew it by hand, and report the row",
  'registrar-auto-renew': 'Alibaba\'s own auto-renew is on for it; money.registrarAutoRenew is "skip"',
  'renewing-elsewhere': 'a renewal task not made by this deployment is waiting or running for it at the registrar',
  'renewed-elsewhere':
    'a renewal task not made by this deployment renewed it in the last 2 days; the listing still shows the old expiry',
  'elsewhere-unread':
    'a renewal task not made by this deployment, unfinished or run in the last 2 days, has a domain list that reads short: it may hold or have renewed this one',
  unpriced: 'no price from the registrar or money.priceTable; money.unpriced is "skip"',
  'price-unusable':
    'the registrar stated a price that cannot be used (priced twice, differently, or an amount that does not read); money.priceTable is not used for it: compare with the renewal price in the console and renew by hand',
  'over-price': 'its renewal costs more than limits.maxPricePerDomain',
  'over-cap':
    'its renewal alone costs more than a spending cap (limits.maxSpendPerRun or limits.maxSpendPerMonth): no run can buy it; raise the cap or renew it by hand',
  'over-spend': 'over limits.maxSpendPerRun (one run, and one UTC day across runs); deferred to a later run or day',
  'low-balance': 'the balance (less limits.minBalanceAfter) does not cover it; deferred until topped up',
  'balance-unknown': 'the balance could not be read and money.balanceUnreadable is "stop"',
  'awaiting-notice': 'announced in an upcoming digest; bought once the notice has been out notify.advanceDays days',
} as const;

export type Reason = keyof typeof REASONS;

/** Ledger view of one (domain, expiry) claim, as the planner needs it. */
export interface InFlightView {
  status: 'CLAIMED' | 'SUBMITTED' | 'RENEWED' | 'FAILED' | 'UNKNOWN';
  /** Submissions of this (domain, expiry) that the registrar reported failed. */
  attempts: number;
  /** When a FAILED claim may be tried again (epoch ms). */
  nextEligibleAtMs?: number;
  /** Refused with a batch of several: its next submit goes in a batch of its own (Claim.alone). */
  alone?: boolean;
  /** Held by an open batch entry for ANOTHER expiry of the domain (its outcome never settled): `open-batch`. */
  otherExpiry?: true;
  /** Its row failed, but the registrar showed it renewed to old + years all the same (claim code renewed-elsewhere). */
  shownRenewed?: true;
  /** A RENEWED claim: when it was last written (its confirmation, epoch ms). */
  renewedAtMs?: number;
}

/** Key of a claim and of the in-flight map: the (normalised) domain + '#' + expiry ms. */
export function claimKey(domainName: string, expiresAtMs: number): string {
  return `${domainName}#${expiresAtMs}`;
}

export interface Decision {
  domain: ListedDomain;
  action: 'renew' | 'skip';
  reason: Reason;
  /** Name of the rule that matched, absent when only `defaults` applied. */
  rule?: string;
  /** Whole days until expiry, rounded down (negative once expired). */
  daysLeft: number;
  /** Years to buy (after the max-term cap). Present iff action is renew. */
  years?: number;
  couponNo?: string;
  promotionNo?: string;
  permitPremium?: boolean;
  /** Index into Plan.batches. Present iff action is renew. */
  batch?: number;
  /**
   * What the renewal costs (one-year price x years), when a source priced it; `assumed`: no source did, and
   * money.unpriced "renew" counts it at limits.maxPricePerDomain against every money limit.
   */
  price?: Money;
  priceSource?: QuoteSource | 'assumed';
  /** awaiting-notice: when the notice period ends (epoch ms). */
  buyFromMs?: number;
  /**
   * renew: the last instant (epoch ms) the planner still buys it, the end of its window or of the grace period,
   * whichever comes first (plan.ts lastBuyMsOf); carried to the batch entry, for check's failed line.
   */
  lastBuyMs?: number;
  /** renew: bought before its notice had been out notify.advanceDays days, because it would lapse first. */
  withoutFullNotice?: boolean;
  /** renew: in a batch of its own (its claim was refused with a batch of several). */
  alone?: boolean;
  /**
   * skip, for a will-lapse reason decided before the in-flight check (premium, past-window, ...): a renewal of this
   * expiry this account sent is still in flight or recorded renewed, so its will-lapse line says to look first.
   */
  ownRenewal?: 'in-flight' | 'renewed';
  /** skip `in-flight`: the claim that holds it (ours under any reading, or another account's) is recorded RENEWED. */
  claimRenewed?: true;
}

/**
 * A renewal the advance notice announces: a domain waiting for its notice, or one that will come due within
 * notify.advanceDays. `noticedAtMs` is when its notice went out; absent = not announced yet.
 */
export interface UpcomingRenewal {
  domain: ListedDomain;
  years: number;
  rule?: string;
  /** The earliest it will be bought (epoch ms): due and the notice period over. */
  buyFromMs: number;
  noticedAtMs?: number;
  price?: Money;
  priceSource?: QuoteSource;
  /**
   * Why the money pass will not buy it once due, as it decides a due renewal (plan-money.ts): over
   * limits.maxPricePerDomain or alone over a spending cap (`limit`), called premium by a price answer without
   * limits.allowPremium, no usable price.
   * It is announced as not to be bought and left out of the shortfall (review 2026-12-07: announced "to be bought",
   * and topped up for).
   */
  notBought?: { reason: 'over-price' | 'over-cap' | 'premium' | 'unpriced' | 'price-unusable'; limit?: Money };
}

/** The money side of a plan: prices, balance and what was deferred for money. All amounts in one currency. */
export interface PlanMoney {
  currency: string;
  /** Sum of the priced renew decisions. */
  total: Money;
  /** Renew decisions bought without a price (money.unpriced "renew"): not in `total`, not bounded by money limits. */
  unpricedRenewing: number;
  /** What each of those counts as in the sums (limits.maxPricePerDomain); absent: they count 0. */
  unpricedCountedAt?: Money;
  balance:
    | {
        state: 'read';
        availableCash: Money;
        /** What runs before sent and the registrar may not have charged yet: spoken for (absent when none). */
        committed?: Money;
        /** The balance after this run's spend and what is committed. */
        after: Money;
      }
    | { state: 'unreadable'; message: string; stopped: boolean }
    | { state: 'not-checked' };
  /** Domains deferred for money (over-spend, low-balance), with what they cost and when the first one expires. */
  deferred?: { count: number; total: Money; earliestExpiryMs: number; topUp?: Money };
  /**
   * What the balance (less minBalanceAfter) lacks to cover everything due now and everything the advance notice
   * announces (priced), after this run's spend: the TopUpNeeded metric. Absent when the balance was not read.
   */
  shortfall?: Money;
  /** Registrar price sources found missing or refused this run (each tried once). */
  unavailableSources: { source: string; code: string }[];
}

export interface PlannedBatch {
  index: number;
  couponNo?: string;
  promotionNo?: string;
  permitPremium: boolean;
  /** Renew decisions in this batch, soonest expiry first. */
  items: Decision[];
}

export interface Plan {
  nowMs: number;
  /** One per listed domain, soonest expiry first (ties by name). */
  decisions: Decision[];
  batches: PlannedBatch[];
  totals: { listed: number; renew: number; skip: number; years: number; byReason: Partial<Record<Reason, number>> };
  /** Present once prices were gathered (renew and plan runs), absent on a plan made without them. */
  money?: PlanMoney;
  /** Renewals the advance notice covers (empty when notify.advanceDays is 0), soonest purchase first. */
  upcoming: UpcomingRenewal[];
}
