import type { Batch, BatchEntry } from '../ledger/port';
import { describeError } from '../log';
import type { Policy } from '../policy/schema';
import type { JobDeps } from './deps';
import { compareDomains } from './plan';
import { policyAmount } from './plan-money';
import type { PlannedBatch } from './plan-types';

type Item = PlannedBatch['items'][number];

/**
 * The ledger-held budgets of the renew job: a count of domains per UTC day (limits.maxDomainsPerRun), money per UTC
 * day (limits.maxSpendPerRun) and money per UTC calendar month (limits.maxSpendPerMonth). Each is taken with a
 * conditional update BEFORE any claim, so overlapping and duplicate runs share one budget; what is not bought is
 * given back (best effort: a failed give-back only under-spends).
 */

const DAY_MS = 86_400_000;
/** Name of the per-UTC-day budget that holds limits.maxDomainsPerRun across overlapping runs. */
export const DOMAIN_BUDGET = 'domains';
/** Name of the money budgets, per currency (integer minor units): per UTC day (`yyyy-mm-dd`) and month (`yyyy-mm`). */
export const spendBudgetName = (currency: string): string => `spend-${currency}`;

/** The UTC day of `ms`, `yyyy-mm-dd`: the period of the daily domain budget. */
export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC calendar month of `ms`, `yyyy-mm`: the period of the monthly money budget. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The periods one batch's budgets are taken in: those of its send (run-renew.ts takes them per batch, review 2026-12-04). */
export interface BudgetPeriods {
  day: string;
  month: string;
  currency: string;
  /** limits.maxSpendPerMonth is set: only then is money taken from the month (and given back). */
  spendCapped: boolean;
  /** limits.maxSpendPerRun is set: money is taken from the UTC day too (and given back). */
  daySpendCapped?: boolean;
  /** A global count cap across accounts applies: the count is taken from (and given back to) it too. */
  globalCapped?: boolean;
  /**
   * With `globalCapped`: this run's share of the global cap. A give-back to the global counter refills it, so what a
   * batch did not buy (a refusal, a hold, a peer's claim) may still be bought by a later batch of the run.
   */
  share?: GlobalShare;
}

/** The periods of a batch sent at `nowMs` (UTC); `global`: this run's share of the global cap, when one applies. */
export function budgetPeriods(policy: Policy, nowMs: number, options: { global?: GlobalShare } = {}): BudgetPeriods {
  return {
    day: utcDay(nowMs),
    month: utcMonth(nowMs),
    currency: policy.money.currency,
    spendCapped: policy.limits.maxSpendPerMonth !== undefined,
    ...(policy.limits.maxSpendPerRun !== undefined ? { daySpendCapped: true } : {}),
    ...(options.global ? { globalCapped: true, share: options.global } : {}),
  };
}

/**
 * What a batch sent under `periods` took, as its record keeps it (Batch.budgetTaken): the counters an UNKNOWN submit
 * gives back when it turns out never created. The global count is left out: the check job does not hold the run's
 * share, and a unit not given back only under-spends.
 */
export function budgetTakenOf(periods: BudgetPeriods): NonNullable<Batch['budgetTaken']> {
  return {
    day: periods.day,
    month: periods.month,
    currency: periods.currency,
    ...(periods.daySpendCapped ? { daySpend: true as const } : {}),
    ...(periods.spendCapped ? { monthSpend: true as const } : {}),
  };
}

/** The periods of a batch record's budgets (budgetTakenOf), for giving back what it took. */
export function periodsTaken(taken: NonNullable<Batch['budgetTaken']>): BudgetPeriods {
  return {
    day: taken.day,
    month: taken.month,
    currency: taken.currency,
    spendCapped: taken.monthSpend === true,
    ...(taken.daySpend ? { daySpendCapped: true } : {}),
  };
}

/** True when two batches' budgets are taken in the same UTC day and month (the same counters). */
export function samePeriods(a: BudgetPeriods, b: BudgetPeriods): boolean {
  return a.day === b.day && a.month === b.month;
}

/**
 * This run's part of the global cap (AUTORENEW_GLOBAL_MAX_DOMAINS): `cap` domains per UTC day across every account
 * of the ledger, of which this account may take at most `left` more in this run (its fair share, see fairShares).
 */
export interface GlobalShare {
  cap: number;
  left: number;
}

/** Minor units a batch's priced entries cost together (unpriced ones count 0: money.unpriced "renew"). */
export function costOf(entries: readonly Pick<BatchEntry, 'price'>[]): number {
  return entries.reduce((sum, e) => sum + (e.price?.minor ?? 0), 0);
}

export interface Grant {
  /** How many of the batch's items may be bought (`kept.length`). */
  items: number;
  /**
   * Those items, in priority order: a prefix when a count stops the rest; with money, every item that fits what is
   * left, skipping one that does not (as the plan's money pass does).
   */
  kept: readonly PlannedBatch['items'][number][];
  /** What stopped the rest, when something did (the last step that cut). */
  limitedBy?: 'day-count' | 'global-count' | 'day-spend' | 'month-spend';
  /**
   * How many items the counts allowed (a prefix), before money; `countCut` says which count cut the rest. A money
   * step after it never clears it: the items past the prefix, and every later batch, are the count's.
   */
  counted: number;
  countCut?: 'day-count' | 'global-count';
  /**
   * Items of later batches that come first in plan order and that the count let through (taken with this batch,
   * then given back for their own batch to take): a count that cut this batch then does not stop the run.
   */
  laterCounted?: number;
}

/**
 * True when a grant was cut by a count (today's or the global one) that cuts every later batch too: nothing of
 * theirs came through it, so the run stops here.
 */
export function isCountLimited(grant: Grant): boolean {
  return grant.countCut !== undefined && !grant.laterCounted;
}

/**
 * The items of `later` batches that come before the last of `own` in plan order (soonest expiry first): a batch's
 * budget is taken for them too, so a coupon group's later domains never take what a sooner one of the next batch
 * needs (review 2026-12-07, twenty-seventh session: a domain due in 20 days bought, one due in 2 days held back).
 */
export function selectOutranking(own: readonly Item[], later: readonly Item[]): Item[] {
  const last = own.reduce<Item | undefined>(
    (worst, d) => (worst === undefined || compareDomains(d.domain, worst.domain) > 0 ? d : worst),
    undefined,
  );
  return last ? later.filter((d) => compareDomains(d.domain, last.domain) < 0) : [];
}

/** Which budget kept item `index` of the batch out of `grant` (undefined: it is kept). */
export function heldBy(grant: Grant, index: number): Grant['limitedBy'] {
  if (index >= grant.counted) return grant.countCut;
  return grant.limitedBy === 'day-spend' || grant.limitedBy === 'month-spend' ? grant.limitedBy : undefined;
}

/**
 * Takes the count and the money a batch needs. Returns the items that may be bought; what was taken for the others
 * is given back at once. `ahead`: later batches' items that come first in plan order (selectOutranking); the
 * budgets are taken for them and the batch together, in plan order, and their part is given back for their own
 * batch to take, so the batch keeps only what is left once the sooner expiries are served.
 */
export async function takeBatchBudget(
  deps: Pick<JobDeps, 'ledger' | 'clock' | 'log'>,
  policy: Policy,
  periods: BudgetPeriods,
  planned: PlannedBatch,
  global?: GlobalShare,
  ahead: readonly Item[] = [],
): Promise<Grant> {
  const items =
    ahead.length === 0
      ? planned.items
      : [...planned.items, ...ahead].sort((a, b) => compareDomains(a.domain, b.domain));
  // What the batch holds so far: given back when a later step fails (a ledger error), else the day's count and
  // money read as spent until the period ends and hold back later renewals for nothing (review 2026-12-03).
  let grant: Grant = { items: 0, kept: [], counted: 0 };
  let globalHeld = false;
  const taken: ('day' | 'month')[] = [];
  try {
    grant = await takeSteps();
  } catch (err) {
    const cost = costOf(grant.kept);
    await giveBack(
      deps,
      { ...periods, globalCapped: periods.globalCapped === true && globalHeld },
      {
        count: grant.items,
        spend: 0,
        daySpend: taken.includes('day') ? cost : 0,
        monthSpend: taken.includes('month') ? cost : 0,
      },
    );
    throw err;
  }
  return ahead.length === 0 ? grant : keepOwn(grant);

  /** The batch's part of a grant taken with `ahead`; what `ahead` got goes back for its own batch to take. */
  async function keepOwn(taken: Grant): Promise<Grant> {
    const own = new Set(planned.items);
    const later = taken.kept.filter((d) => !own.has(d));
    await giveBack(deps, periods, { count: later.length, spend: costOf(later) });
    const kept = taken.kept.filter((d) => own.has(d));
    const counted = items.slice(0, taken.counted).filter((d) => own.has(d)).length;
    const countCut = counted < planned.items.length ? taken.countCut : undefined;
    // Money cut one of the batch's counted items, or else the count cut it (or nothing did).
    const limitedBy = kept.length < counted ? taken.limitedBy : countCut;
    return {
      items: kept.length,
      kept,
      counted,
      ...(limitedBy ? { limitedBy } : {}),
      ...(countCut ? { countCut } : {}),
      ...(taken.counted > counted ? { laterCounted: taken.counted - counted } : {}),
    };
  }

  async function takeSteps(): Promise<Grant> {
    const count = await deps.ledger.takeBudget({
      name: DOMAIN_BUDGET,
      period: periods.day,
      amount: items.length,
      cap: policy.limits.maxDomainsPerRun,
      nowMs: deps.clock.now(),
    });
    const counted = items.slice(0, count);
    grant =
      count < items.length
        ? { items: count, kept: counted, counted: count, limitedBy: 'day-count', countCut: 'day-count' }
        : { items: count, kept: counted, counted: count };
    if (global && grant.items > 0) {
      // This account's fair share first, then the shared counter, which holds across overlapping runs.
      const wanted = Math.min(grant.items, global.left);
      const shared =
        wanted === 0
          ? 0
          : await deps.ledger.takeBudget({
              name: DOMAIN_BUDGET,
              period: periods.day,
              amount: wanted,
              cap: global.cap,
              nowMs: deps.clock.now(),
              shared: true,
            });
      globalHeld = shared > 0;
      global.left -= shared;
      if (shared < grant.items) {
        await giveBack(deps, { ...periods, globalCapped: false }, { count: grant.items - shared, spend: 0 });
        grant = {
          items: shared,
          kept: grant.kept.slice(0, shared),
          counted: shared,
          limitedBy: 'global-count',
          countCut: 'global-count',
        };
      }
    }
    // Money, per UTC day (maxSpendPerRun: a duplicate delivery or a CLI run the same day is not a fresh run's worth,
    // review 2026-12-03) then per month. A step that trims the batch gives back what the earlier steps took for the
    // items it drops. It keeps every item that fits, in priority order: a first domain too dear for what is left
    // no longer holds back the cheaper ones after it (review 2026-12-03: "cap reached" with room left).
    const steps = [
      { key: 'day', period: periods.day, limit: policy.limits.maxSpendPerRun, path: 'limits.maxSpendPerRun' },
      { key: 'month', period: periods.month, limit: policy.limits.maxSpendPerMonth, path: 'limits.maxSpendPerMonth' },
    ] as const;
    for (const step of steps) {
      const cap = policyAmount(policy, step.limit, step.path);
      if (!cap || grant.items === 0) continue;
      const items = grant.kept;
      const wanted = costOf(items);
      if (wanted === 0) continue;
      const granted = await deps.ledger.takeBudget({
        name: spendBudgetName(periods.currency),
        period: step.period,
        amount: wanted,
        cap: cap.minor,
        nowMs: deps.clock.now(),
      });
      if (granted < wanted) {
        // Every item that fits what was granted, in order; the rest of the grant goes straight back.
        const kept: PlannedBatch['items'][number][] = [];
        let cost = 0;
        for (const d of items) {
          const next = cost + (d.price?.minor ?? 0);
          if (next > granted) continue;
          cost = next;
          kept.push(d);
        }
        const back = (key: 'day' | 'month') =>
          key === step.key ? granted - cost : taken.includes(key) ? wanted - cost : 0;
        await giveBack(deps, periods, {
          count: grant.items - kept.length,
          spend: 0,
          daySpend: back('day'),
          monthSpend: back('month'),
        });
        grant = { ...grant, items: kept.length, kept, limitedBy: step.key === 'day' ? 'day-spend' : 'month-spend' };
      }
      taken.push(step.key);
    }
    return grant;
  }
}

/** Gives back budget taken for domains that were not bought. Best effort: a failure only under-spends. */
export async function giveBack(
  deps: Pick<JobDeps, 'ledger' | 'clock' | 'log'>,
  periods: BudgetPeriods,
  amounts: {
    count: number;
    /** Minor units taken from every money budget that applies (the day's and the month's). */
    spend: number;
    /** Per budget instead of `spend`, when they were taken in different amounts. */
    daySpend?: number;
    monthSpend?: number;
  },
): Promise<void> {
  const daySpend = amounts.daySpend ?? amounts.spend;
  const monthSpend = amounts.monthSpend ?? amounts.spend;
  const nowMs = deps.clock.now();
  const calls: Promise<void>[] = [];
  if (amounts.count > 0)
    calls.push(deps.ledger.returnBudget({ name: DOMAIN_BUDGET, period: periods.day, amount: amounts.count, nowMs }));
  if (amounts.count > 0 && periods.globalCapped && periods.share) periods.share.left += amounts.count;
  if (amounts.count > 0 && periods.globalCapped)
    calls.push(
      deps.ledger.returnBudget({
        name: DOMAIN_BUDGET,
        period: periods.day,
        amount: amounts.count,
        nowMs,
        shared: true,
      }),
    );
  // Without a cap no money was taken: giving some back would only fail against a counter never made.
  if (daySpend > 0 && periods.daySpendCapped)
    calls.push(
      deps.ledger.returnBudget({
        name: spendBudgetName(periods.currency),
        period: periods.day,
        amount: daySpend,
        nowMs,
      }),
    );
  if (monthSpend > 0 && periods.spendCapped)
    calls.push(
      deps.ledger.returnBudget({
        name: spendBudgetName(periods.currency),
        period: periods.month,
        amount: monthSpend,
        nowMs,
      }),
    );
  for (const result of await Promise.allSettled(calls)) {
    if (result.status === 'rejected')
      deps.log.warn('could not give back unused budget; this period may buy less', describeError(result.reason));
  }
}

/**
 * Gives back the whole of `grant`, taken for a batch that will not be sent with it (run-renew.ts takes a batch's
 * budget while the batch before it is sent): its count (and the global count, refilling this run's share of it)
 * and its money. Best effort, as giveBack.
 */
export async function giveBackGrant(
  deps: Pick<JobDeps, 'ledger' | 'clock' | 'log'>,
  periods: BudgetPeriods,
  grant: Grant,
): Promise<void> {
  if (grant.items === 0) return;
  await giveBack(deps, periods, { count: grant.items, spend: costOf(grant.kept) });
}

/**
 * Max-min fair shares of a count cap among accounts (the global cap, AUTORENEW_GLOBAL_MAX_DOMAINS): nobody gets
 * more than it asked for, and what one account does not need is shared among the others, so the first account
 * in the list cannot take the whole cap. Integer shares; leftover units go one at a time in list order.
 */
export function fairShares(demands: readonly { label: string; demand: number }[], cap: number): Map<string, number> {
  const shares = new Map(demands.map((d) => [d.label, 0]));
  let left = Math.max(0, Math.floor(cap));
  for (;;) {
    const wanting = demands.filter((d) => (shares.get(d.label) ?? 0) < d.demand);
    if (left === 0 || wanting.length === 0) return shares;
    const each = Math.max(1, Math.floor(left / wanting.length));
    for (const d of wanting) {
      const has = shares.get(d.label) ?? 0;
      const give = Math.min(each, d.demand - has, left);
      shares.set(d.label, has + give);
      left -= give;
      if (left === 0) break;
    }
  }
}
