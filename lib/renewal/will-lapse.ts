import type { DomainOutcome } from '../notify/port';
import { OWN_RENEWAL_NOTE } from '../notify/text/advice';
import { MONEY_REASONS } from './money-notices';
import { type Plan, REASONS, type Reason } from './plan-types';

/** Days-left thresholds at which a will-lapse notice is sent, once each per domain and expiry. */
export const WILL_LAPSE_THRESHOLDS_DAYS: readonly number[] = [1, 3, 7, 30];

/**
 * Plan reasons that leave a due domain to lapse unless a person acts. `opted-out` is absent on purpose (the policy
 * says so), as are `retry-backoff` (retries by itself) and `in-flight` (check watches those, and alerts on an unknown
 * outcome that cannot settle before the expiry).
 */
export const WILL_LAPSE_REASONS: readonly Reason[] = [
  'premium',
  // Two rules disagree about it (the person may want either): a person must settle the policy.
  'rule-conflict',
  // A group rule may or may not apply and the listing cannot say: a person must name it in the policy.
  'group-unknown',
  'at-max-term',
  'max-attempts',
  // Its retry would come after the last day it is bought: only a person can renew it in time (review 2026-12-06).
  'retry-too-late',
  'redemption',
  'past-window',
  'held',
  'unknown-status',
  'unreadable-row',
  // An earlier expiry's renewal never settled and the domain is due again: only a person can end that.
  'open-batch',
  // Alibaba's own auto-renew is UNCONFIRMED to buy it: warn at the thresholds all the same.
  'registrar-auto-renew',
  // Held back while someone else's task reads short: if it never reads in full, a person must look.
  'elsewhere-unread',
  // Someone else's task still waiting close to the expiry may never run (stalled, cancelled): see LATE_REASONS.
  'renewing-elsewhere',
  // Its row failed, the registrar showed it renewed, the listing shows the old expiry: from 7 days (LATE_REASONS).
  'shown-renewed',
  // Confirmed renewed by us, listed at the old expiry again more than 2 days later: a person must look.
  'renewed-not-shown',
  // Soonest expiry first normally clears the run cap within days; one still capped a week before its expiry has
  // domains ahead of it that the money pass skips every day (review 2026-12-04), or a cap too small for what is due.
  'over-run-limit',
  ...MONEY_REASONS,
];

/**
 * Reasons warned about only from this many days left: a renewal elsewhere normally finishes within hours, so a
 * warning at 30 days would cry wolf on every console renewal; one still waiting 3 days before the expiry is not.
 */
const LATE_REASONS: Partial<Record<Reason, number>> = {
  'renewing-elsewhere': 3,
  'shown-renewed': 7,
  'over-run-limit': 7,
};

export interface LapseWarning {
  outcome: DomainOutcome;
  /** One-time mark: domain, expiry and threshold (and, before the expiry, a reason not chosen). */
  mark: string;
}

/**
 * Reasons a person or the policy chose (or that no one can undo at the renewal price): told at the thresholds, not
 * again after the expiry (daily and weekly pages for a domain left to lapse on purpose: review 2026-12-05, round 4).
 */
const CHOSEN_REASONS: ReadonlySet<Reason> = new Set<Reason>(['premium', 'held', 'past-window', 'redemption']);

/** Days after the expiry during which an expired domain not being bought is told every day; weekly after that. */
const DAILY_AFTER_EXPIRY_DAYS = 7;

/**
 * The one-time mark's step for `daysLeft`: the smallest threshold reached; once expired (below 0 days left), each
 * day for a week, then each week: the 1-day line was the last one, and a missed SMS left a domain still renewable
 * in its grace period to lapse in silence (review 2026-12-05, round 4).
 */
function stepOf(daysLeft: number): string | undefined {
  if (daysLeft < -DAILY_AFTER_EXPIRY_DAYS) return `after-week-${Math.floor(-daysLeft / 7)}`;
  if (daysLeft < 0) return `after${daysLeft}`;
  const threshold = WILL_LAPSE_THRESHOLDS_DAYS.find((t) => daysLeft <= t);
  return threshold === undefined ? undefined : String(threshold);
}

/**
 * Pure: a will-lapse line for every due domain the plan will not buy for one of WILL_LAPSE_REASONS, at the smallest
 * threshold its days left have reached (none beyond 30 days), and again each day (then week) once it has expired.
 */
export function collectLapseWarnings(plan: Plan): LapseWarning[] {
  const out: LapseWarning[] = [];
  for (const d of plan.decisions) {
    if (d.action !== 'skip' || !WILL_LAPSE_REASONS.includes(d.reason)) continue;
    const threshold = WILL_LAPSE_THRESHOLDS_DAYS.find((t) => d.daysLeft <= t);
    if (threshold === undefined || threshold > (LATE_REASONS[d.reason] ?? Number.POSITIVE_INFINITY)) continue;
    const own = d.ownRenewal
      ? `; ${OWN_RENEWAL_NOTE} ${d.ownRenewal === 'renewed' ? 'is recorded renewed' : 'is still in flight'}: look at it in the console before renewing it by hand`
      : '';
    const warning = lapseWarningOf(
      { domain: d.domain.domainName, expiryMs: d.domain.expiresAtMs, daysLeft: d.daysLeft, years: d.years ?? 0 },
      `${d.reason}: ${REASONS[d.reason]}${d.rule ? ` (rule ${d.rule})` : ''}${own}`,
      CHOSEN_REASONS.has(d.reason),
    );
    // A mark of its own: the look-first line used the threshold's mark, and once our order failed the bare line it
    // owed was never sent (a premium domain lapsed unnamed: review of the look-first line, 2026-12-07).
    if (warning) out.push(d.ownRenewal ? { ...warning, mark: `${warning.mark}#own` } : warning);
  }
  return out;
}

/**
 * A will-lapse line of one renewal at the threshold its days left have reached (`chosen`: at the thresholds only,
 * not again after the expiry), with its one-time mark; undefined beyond 30 days.
 */
export function lapseWarningOf(
  r: { domain: string; expiryMs: number; daysLeft: number; years: number },
  reason: string,
  chosen = false,
  /** The mark's namespace: another kind of line (the watch list's) is told on its own, not hidden by this one's. */
  prefix = 'lapse',
): LapseWarning | undefined {
  const threshold = WILL_LAPSE_THRESHOLDS_DAYS.find((t) => r.daysLeft <= t);
  if (threshold === undefined) return undefined;
  // Chosen reasons share one mark per threshold, in the older form (a flip from premium to past-window after the
  // expiry is not told again, nor is a domain let go on purpose after an upgrade). Before the expiry each other reason
  // has its own: one mark for all hid a later line of another reason at the same threshold (a console renewal told
  // as "renewing elsewhere" failed after the last run before the expiry, and its "past-window" line never went out:
  // review 2026-12-07, twenty-sixth session).
  const code = reason.split(':')[0]?.trim() || 'open';
  const step = chosen ? String(threshold) : r.daysLeft < 0 ? stepOf(r.daysLeft) : `${threshold}#${code}`;
  return {
    mark: `${prefix}#${r.domain}#${r.expiryMs}#${step}`,
    outcome: {
      domain: r.domain,
      event: 'will-lapse',
      batchId: '-',
      oldExpiryMs: r.expiryMs,
      years: r.years,
      daysLeft: r.daysLeft,
      reason,
    },
  };
}
