import { batchEntryCostBytes, MAX_BATCH_LISTS_BYTES } from '../ledger/items';
import { resolveRule } from '../policy/match';
import type { Policy } from '../policy/schema';
import type { ListedDomain } from '../registrar/port';
import { addYearsUtc, DAY_MS, daysUntil, GRACE_DAYS, graceDaysOf, HOUR_MS, termLimitsOf } from './dates';
import { JUST_RENEWED_MS } from './foreign-tasks';
import { noticeDaysOf } from './notice';
import {
  claimKey,
  type Decision,
  type InFlightView,
  type Plan,
  type PlannedBatch,
  type Reason,
  type UpcomingRenewal,
} from './plan-types';

/**
 * The planner: pure, no clock, no I/O (docs/design.md, M3). Plans are free; only `submit` spends.
 *
 * Day counting (all epoch ms, UTC): a day is 24 h (`DAY_MS`), never a calendar day.
 * - `daysLeft = floor((expiry - now) / DAY_MS)`: 0 in the last 24 h before expiry, -1 in the first 24 h after it.
 * - Due: `expiry - now <= daysBeforeExpiry * DAY_MS` and, once expired, `now - expiry <= daysAfterExpiry * DAY_MS`.
 *   Exactly `daysBeforeExpiry` days before expiry is due; one ms earlier is not-due.
 * - Redemption: DomainStatus '2', or `now - expiry > 30 * DAY_MS` (the grace period is over).
 * - Max term: `years` is cut to the largest whole number with `addYearsUtc(expiry, years) <=
 *   addYearsUtc(now, maxYearsAhead)` (calendar years, UTC).
 */

export { GRACE_DAYS, graceDaysOf } from './dates';

/**
 * How long after our renewal was confirmed the listing may still show the old expiry before the domain is told
 * (`renewed-not-shown`) rather than read as a lagging listing: the lag every other rule allows, ms.
 */
const RENEWED_NOT_SHOWN_MS = JUST_RENEWED_MS;

export interface PlanInput {
  domains: readonly ListedDomain[];
  policy: Policy;
  /** Ledger view by {@link claimKey}(domain, expiry). */
  inFlight: ReadonlyMap<string, InFlightView>;
  /**
   * Renewables planned before the rest are over-run-limit (default limits.maxDomainsPerRun): listAndPlan widens it
   * by the domains its money pass leaves out, so they do not keep the run's slots (the run still buys at most the
   * limit).
   */
  runSlots?: number;
  /** The planning instant, epoch ms. */
  nowMs: number;
  /** Domains (normalised) held by a person now: never bought (`autorenew hold`). */
  held?: ReadonlySet<string>;
  /** Domains (normalised) that a renewal task not made by this deployment holds at the registrar right now. */
  renewingElsewhere?: ReadonlySet<string>;
  /** Domains someone else's renewal task renewed in the last 2 days, while the listing shows the old expiry. */
  renewedElsewhere?: ReadonlySet<string>;
  /**
   * True when such a task's details read fewer than it holds: it may hold any due domain, so none is bought
   * (`elsewhere-unread`) until they read in full.
   */
  elsewhereUnread?: boolean;
  /** When each renewal's advance notice went out (epoch ms), by {@link claimKey}(domain, expiry). */
  notices?: ReadonlyMap<string, number>;
}

/**
 * Decides for every listed domain whether to renew it now, for how many years and in which batch, with a reason.
 * Check order: redemption, rule, rule-conflict, opted-out, due window, held, premium, registrar auto-renew, ledger (in-flight,
 * max-attempts, retry-backoff), renewing elsewhere, max term, then the per-run cap (renewables sorted soonest expiry first; the rest are over-run-limit).
 * Decisions come out soonest expiry first (ties by name); batches group equal (coupon, promotion, permitPremium),
 * hold at most `maxBatchSize` items and are ordered by their soonest expiry.
 */
export function planRenewals(input: PlanInput): Plan {
  const { policy, nowMs } = input;
  const sorted = [...input.domains].sort(compareDomains);
  const seen = new Set<string>();
  const upcoming: UpcomingRenewal[] = [];
  const decisions = sorted.map((domain) => {
    const name = domain.domainName;
    // The same name listed twice must never be bought twice in one run.
    const duplicate = seen.has(name);
    seen.add(name);
    return decideOne(domain, input, duplicate, upcoming);
  });
  upcoming.sort((a, b) => a.buyFromMs - b.buyFromMs || a.domain.expiresAtMs - b.domain.expiresAtMs);

  let renewing = 0;
  for (const [i, d] of decisions.entries()) {
    if (d.action !== 'renew') continue;
    renewing++;
    if (renewing > (input.runSlots ?? policy.limits.maxDomainsPerRun))
      decisions[i] = skip(d.domain, 'over-run-limit', nowMs, d.rule);
  }

  const batches = buildBatches(decisions, policy.limits.maxBatchSize);
  return { nowMs, decisions, batches, totals: countTotals(decisions), upcoming };
}

/** Days back a listing reaches past expiry even when no rule renews expired domains, so lapsed ones are reported. */
export const REPORT_EXPIRED_DAYS = 2 * GRACE_DAYS;

/**
 * The expiry range one listing must cover so that every rule's window is included (both ends inclusive), and far
 * enough back that domains past the window or in redemption show up in the plan as skipped (with their reason).
 * @returns epoch ms: `now - max(daysAfterExpiry, 60)` days to `now + max(daysBeforeExpiry) + advanceDays` days
 */
export function listingWindow(policy: Policy, nowMs: number): { fromMs: number; toMs: number } {
  let before = policy.window.daysBeforeExpiry;
  let after = Math.max(policy.window.daysAfterExpiry, REPORT_EXPIRED_DAYS);
  for (const rule of policy.rules) {
    before = Math.max(before, rule.window?.daysBeforeExpiry ?? 0);
    after = Math.max(after, rule.window?.daysAfterExpiry ?? 0);
  }
  // The advance notice announces renewals that come due within notify.advanceDays: they must be listed too.
  return { fromMs: nowMs - after * DAY_MS, toMs: nowMs + (before + noticeDaysOf(policy)) * DAY_MS };
}

function decideOne(domain: ListedDomain, input: PlanInput, duplicate: boolean, upcoming: UpcomingRenewal[]): Decision {
  const { policy, nowMs } = input;
  const expiry = domain.expiresAtMs;
  const settings = resolveRule(policy, domain);
  const rule = settings.rule;
  const no = (reason: Reason) => skip(domain, reason, nowMs, rule);
  const advanceMs = noticeDaysOf(policy) * DAY_MS;
  const noticedAtMs = advanceMs > 0 ? input.notices?.get(claimKey(domain.domainName, expiry)) : undefined;
  const announce = (years: number, buyFromMs: number) =>
    upcoming.push({
      domain,
      years,
      buyFromMs,
      ...(rule !== undefined ? { rule } : {}),
      ...(noticedAtMs !== undefined ? { noticedAtMs } : {}),
    });

  if (domain.standing === 'redemption' || nowMs - expiry > graceDaysOf(domain.domainName) * DAY_MS)
    return no('redemption');
  if (settings.conflict) return no('rule-conflict');
  if (settings.groupUnknown) return no('group-unknown');
  if (!settings.renew) return no('opted-out');
  const dueAtMs = expiry - settings.daysBeforeExpiry * DAY_MS;
  if (nowMs < dueAtMs) {
    // Comes due within the notice period: announce it now, so its notice has run its course when it is due.
    // Held: no renewal is coming, and "to stop it: autorenew hold" asks for what is done (review 2026-12-07).
    const buyable =
      !(domain.premium && !policy.limits.allowPremium) && !domain.unreadable && !input.held?.has(domain.domainName);
    if (advanceMs > 0 && dueAtMs - nowMs <= advanceMs && buyable) {
      const years = capYearsOf(domain.domainName, expiry, settings.years, dueAtMs, policy.limits.maxYearsAhead);
      if (years > 0) announce(years, Math.max(dueAtMs, (noticedAtMs ?? nowMs) + advanceMs));
    }
    return no('not-due');
  }
  if (nowMs - expiry > settings.daysAfterExpiry * DAY_MS) return no('past-window');
  const lastBuyMs = lastBuyMsOf(expiry, settings.daysAfterExpiry, domain.domainName);
  const name = domain.domainName;
  if (input.held?.has(name)) return no('held');
  // A row with a field this tool cannot read: what it would say (premium, status, auto-renew) is not known.
  if (domain.unreadable) return no('unreadable-row');
  // Any DomainStatus but normal, renewal-due (and redemption, above): perhaps leaving the account. Never guessed.
  if (domain.standing === 'other') return no('unknown-status');
  if (domain.premium && !policy.limits.allowPremium) return no('premium');
  if (domain.autoRenewEnabled && policy.money.registrarAutoRenew === 'skip') return no('registrar-auto-renew');
  if (duplicate) return no('in-flight');

  const view = input.inFlight.get(claimKey(domain.domainName, expiry));
  if (view) {
    if (view.otherExpiry) return no('open-batch');
    // Confirmed renewed, and listed at the old expiry again days later (an order reversed, a registry correction):
    // not bought (a listing that lags would make it twice), but no longer silent `in-flight`, which no one watches
    // once the batch is closed: the domain lapsed unnamed (review 2026-12-05, round 4, helper E).
    if (view.status === 'RENEWED' && view.renewedAtMs !== undefined && nowMs - view.renewedAtMs > RENEWED_NOT_SHOWN_MS)
      return no('renewed-not-shown');
    // One recorded renewed (this account's under any reading, another account's, or our task's row) says so: told
    // while check is silent, it is no lapse (jobs/renew.ts lapsingInFlight; review 2026-12-07, thirty-first session).
    if (view.status === 'RENEWED') return { ...no('in-flight'), claimRenewed: true };
    if (view.status !== 'FAILED') return no('in-flight');
    // Never bought on its own (a lagging listing would buy it twice), never silent (a person must look). Before
    // max-attempts, whose advice is to renew by hand: the registrar showed this one renewed (review 2026-12-06).
    if (view.shownRenewed) return no('shown-renewed');
    if (view.attempts >= policy.limits.maxAttempts) return no('max-attempts');
    // A retry whose daily run comes after the window never happens: a will-lapse reason, as check's failed line says
    // (a domain that failed on its last day was shown only "retried after the backoff", and lapsed: review
    // 2026-12-06). The same rule as check's (isRetryTooLate), from this run's time.
    if (view.nextEligibleAtMs !== undefined && isRetryTooLate(view.nextEligibleAtMs, nowMs, lastBuyMs))
      return no('retry-too-late');
    if (view.nextEligibleAtMs !== undefined && view.nextEligibleAtMs > nowMs) return no('retry-backoff');
  }
  // After the ledger: a task of our own shows up as in-flight above, so only someone else's is left here.
  if (input.renewingElsewhere?.has(name)) return no('renewing-elsewhere');
  if (input.renewedElsewhere?.has(name)) return no('renewed-elsewhere');
  if (input.elsewhereUnread) return no('elsewhere-unread');

  const years = capYearsOf(domain.domainName, expiry, settings.years, nowMs, policy.limits.maxYearsAhead);
  if (years === 0) return no('at-max-term');
  let withoutFullNotice = false;
  if (advanceMs > 0) {
    const buyFromMs = (noticedAtMs ?? nowMs) + advanceMs;
    // An hour of schedule slack both ways (review 2026-12-05, round 5, K): the notice is stamped when its digest goes
    // out, after the plan, so the run advanceDays later planned a little before it and every announced renewal was
    // bought a day late; and a daily run starting a minute late found a domain left to wait past its window.
    if (noticedAtMs === undefined || nowMs + HOUR_MS < buyFromMs) {
      // Waiting out the notice must not cost the domain: if the first daily run after it ends could come after
      // the expiry, buy now and say so.
      if (buyFromMs + DAY_MS + HOUR_MS <= expiry) {
        announce(years, buyFromMs);
        return { ...no('awaiting-notice'), buyFromMs };
      }
      withoutFullNotice = true;
    }
  }
  return {
    domain,
    action: 'renew',
    reason: 'due',
    ...(rule !== undefined ? { rule } : {}),
    daysLeft: daysUntil(expiry, nowMs),
    years,
    ...(settings.coupon !== undefined ? { couponNo: settings.coupon } : {}),
    ...(settings.promotion !== undefined ? { promotionNo: settings.promotion } : {}),
    permitPremium: domain.premium,
    ...(withoutFullNotice ? { withoutFullNotice } : {}),
    ...(view?.alone ? { alone: true } : {}),
    lastBuyMs,
  };
}

/**
 * Whether a failed renewal is retried too late to be bought: the first daily run at or after its backoff ends
 * (`nextEligibleAtMs`), for runs a day apart from `runAtMs` (the run that made the attempt, or the run planning now),
 * plus an hour of slack (a run starts late, and takes time), comes after `lastBuyMs` (lastBuyMsOf). One rule for
 * check's failed line (`too-late`: "no retry expected") and for the planner (`retry-too-late`, not retried); both
 * are advised "look first", since the runs' real times may differ from `runAtMs`'s. All times epoch ms (UTC).
 */
export function isRetryTooLate(nextEligibleAtMs: number, runAtMs: number, lastBuyMs: number): boolean {
  const retryRunMs =
    nextEligibleAtMs <= runAtMs ? runAtMs : runAtMs + Math.ceil((nextEligibleAtMs - runAtMs) / DAY_MS) * DAY_MS;
  return retryRunMs + HOUR_MS > lastBuyMs;
}

/**
 * The last instant (epoch ms, UTC) the planner still buys a domain expiring at `expiryMs`: the end of its window
 * (`daysAfterExpiry`, 24 h days) or of the grace period, whichever comes first.
 */
export function lastBuyMsOf(expiryMs: number, daysAfterExpiry: number, domain: string): number {
  return expiryMs + Math.min(daysAfterExpiry, graceDaysOf(domain)) * DAY_MS;
}

/**
 * An entry's stored last buying moment (epoch ms), never later than its TLD's grace allows now: a version before the
 * .hk grace fix stored expiry + 30 days, and check told a failure on grace day 27 "retrying" (review 2026-12-07).
 * Absent, its expiry.
 */
export function storedLastBuyMs(entry: { domain: string; expiryMs: number; lastBuyMs?: number }): number {
  const grace = entry.expiryMs + graceDaysOf(entry.domain) * DAY_MS;
  return Math.min(entry.lastBuyMs ?? entry.expiryMs, grace);
}

/**
 * Largest whole number of years <= `wanted` keeping `expiry + years` within `now + maxYearsAhead` years; may be 0.
 * @param expiryMs epoch ms (UTC)
 * @param nowMs epoch ms (UTC): when the renewal is bought
 */
/**
 * {@link capYears} within the registry's own limits for `domain`'s TLD too (dates.ts termLimitsOf: `.co` 5 years
 * ahead, `.xin` 2 ahead and 1 per order).
 */
export function capYearsOf(
  domain: string,
  expiryMs: number,
  wanted: number,
  nowMs: number,
  maxYearsAhead: number,
): number {
  const limits = termLimitsOf(domain);
  if (!limits) return capYears(expiryMs, wanted, nowMs, maxYearsAhead);
  const perOrder = Math.min(wanted, limits.perOrderYears ?? wanted);
  return capYears(expiryMs, perOrder, nowMs, Math.min(maxYearsAhead, limits.aheadYears));
}

export function capYears(expiryMs: number, wanted: number, nowMs: number, maxYearsAhead: number): number {
  const limit = addYearsUtc(nowMs, maxYearsAhead);
  let years = wanted;
  while (years > 0 && addYearsUtc(expiryMs, years) > limit) years--;
  return years;
}

function skip(domain: ListedDomain, reason: Reason, nowMs: number, rule: string | undefined): Decision {
  return {
    domain,
    action: 'skip',
    reason,
    ...(rule !== undefined ? { rule } : {}),
    daysLeft: daysUntil(domain.expiresAtMs, nowMs),
  };
}

/** Plan order: soonest expiry (UTC epoch ms) first, ties by name, then instance id. */
export function compareDomains(a: ListedDomain, b: ListedDomain): number {
  return (
    a.expiresAtMs - b.expiresAtMs || compareText(a.domainName, b.domainName) || compareText(a.instanceId, b.instanceId)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Groups renew decisions into batches: equal (coupon, promotion, permitPremium), at most `maxBatchSize` each and
 * no more names than a batch's ledger item can hold (MAX_BATCH_LISTS_BYTES: ~360 of the longest names), ordered by
 * their soonest expiry. Sets each decision's `batch`.
 */
export function buildBatches(decisions: Decision[], maxBatchSize: number): PlannedBatch[] {
  const groups = new Map<string, Decision[]>();
  for (const d of decisions) {
    if (d.action !== 'renew') continue;
    const key = JSON.stringify([
      d.couponNo ?? null,
      d.promotionNo ?? null,
      d.permitPremium === true,
      d.alone ? d.domain.domainName : null,
    ]);
    const list = groups.get(key);
    if (list) list.push(d);
    else groups.set(key, [d]);
  }
  const chunks: Decision[][] = [];
  // Map order is first-seen order over expiry-sorted decisions, so each group's chunks are already in expiry order.
  for (const items of groups.values()) {
    let chunk: Decision[] = [];
    let bytes = 0;
    for (const item of items) {
      const cost = batchEntryCostBytes(item.domain.domainName);
      if (chunk.length > 0 && (chunk.length >= maxBatchSize || bytes + cost > MAX_BATCH_LISTS_BYTES)) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(item);
      bytes += cost;
    }
    if (chunk.length > 0) chunks.push(chunk);
  }
  const order = new Map(decisions.map((d, i) => [d, i]));
  chunks.sort((a, b) => (order.get(a[0] as Decision) ?? 0) - (order.get(b[0] as Decision) ?? 0));
  return chunks.map((items, index) => {
    const first = items[0] as Decision;
    for (const item of items) item.batch = index;
    return {
      index,
      ...(first.couponNo !== undefined ? { couponNo: first.couponNo } : {}),
      ...(first.promotionNo !== undefined ? { promotionNo: first.promotionNo } : {}),
      permitPremium: first.permitPremium === true,
      items,
    };
  });
}

/** Counts of a plan's decisions: listed, renew, skip, years and per reason. */
export function countTotals(decisions: readonly Decision[]): Plan['totals'] {
  const byReason: Partial<Record<Reason, number>> = {};
  let renew = 0;
  let years = 0;
  for (const d of decisions) {
    byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
    if (d.action === 'renew') {
      renew++;
      years += d.years ?? 0;
    }
  }
  return { listed: decisions.length, renew, skip: decisions.length - renew, years, byReason };
}
