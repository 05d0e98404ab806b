import type { DomainOutcome } from '../notify/port';
import { GIVEN_BACK_LAPSE_PREFIX, PEER_RUN_LAPSE_PREFIX } from '../notify/text/advice';
import { formatDateTimeUtc } from '../notify/text/sanitize';
import { DAY_MS, formatDateUtc, HOUR_MS } from './dates';
import { WILL_LAPSE_SMS_DAYS } from './digest';
import { collectMoneyNotices, deferredOutcome } from './money-notices';
import { collectElsewhere, collectUpcoming, isNotBoughtNoticeMark } from './notice';
import type { Plan } from './plan-types';
import type { HeldBack } from './run-renew';
import { collectLapseWarnings } from './will-lapse';

/**
 * The renew digest's lines that no batch carries: will-lapse warnings, the money deferral, the advance notice and
 * renewals made elsewhere, each sent once (a one-time mark per line or group). Pure: the caller reads the marks of
 * {@link marksToRead} in one call and records the returned `marks` once the digest is out.
 */

/** Every mark whose presence decides whether a line is sent again. The upcoming lines need none (the plan knows), but an over-limit one. */
export function marksToRead(plan: Plan): string[] {
  const money = collectMoneyNotices(plan);
  return [
    ...collectLapseWarnings(plan).map((w) => w.mark),
    ...(money.mark ? [money.mark] : []),
    ...collectElsewhere(plan).map((l) => l.mark),
    // An over-limit notice is told once; a true notice is known to the plan (its mark starts the notice period).
    ...collectUpcoming(plan)
      .filter((l) => isNotBoughtNoticeMark(l.mark))
      .map((l) => l.mark),
  ];
}

/**
 * A one-time mark and the lines it stands for: recorded once the digest is out with every one of them listed (a
 * line the email could not list for size keeps its mark unwritten, so a later digest carries it).
 */
export interface LineMark {
  mark: string;
  covers: readonly DomainOutcome[];
}

/**
 * The lines to send this run, given the marks already recorded, and the marks to record after the publish. A domain
 * deferred for money keeps its will-lapse line beside the deferred one (review 2026-12-03: the deferred line replaced
 * it, so a destination that does not take `deferred` never heard the domain would lapse, and the warning's mark was
 * written all the same).
 */
export function selectRunLines(
  plan: Plan,
  sent: { has(mark: string): boolean },
): { outcomes: DomainOutcome[]; marks: LineMark[] } {
  const money = collectMoneyNotices(plan);
  const deferred = money.mark && !sent.has(money.mark) ? money.outcomes : [];
  const warnings = collectLapseWarnings(plan).filter((w) => !sent.has(w.mark));
  const elsewhere = collectElsewhere(plan).filter((l) => !sent.has(l.mark));
  const upcoming = collectUpcoming(plan).filter((l) => !(isNotBoughtNoticeMark(l.mark) && sent.has(l.mark)));
  const own = (line: { mark: string; outcome: DomainOutcome }): LineMark => ({
    mark: line.mark,
    covers: [line.outcome],
  });
  return {
    outcomes: [
      ...warnings.map((w) => w.outcome),
      ...deferred,
      ...upcoming.map((l) => l.outcome),
      ...elsewhere.map((l) => l.outcome),
    ],
    marks: [
      ...warnings.map(own),
      ...(deferred.length > 0 && money.mark ? [{ mark: money.mark, covers: deferred }] : []),
      ...upcoming.map(own),
      ...elsewhere.map(own),
    ],
  };
}

const HELD_BACK_REASONS: Record<Exclude<HeldBack['limitedBy'], 'refused' | 'not-sent' | 'stopped'>, string> = {
  'day-count':
    "today's domain budget (limits.maxDomainsPerRun, per UTC day across runs) is used; the next UTC day's run buys it, or raise the limit to buy it sooner",
  'global-count':
    "this account's share of today's cap across accounts (AUTORENEW_GLOBAL_MAX_DOMAINS) is used; the next UTC day's run buys it, or raise the cap to buy it sooner",
  'day-spend':
    "today's spending cap (limits.maxSpendPerRun, per UTC day across runs) is used; the next UTC day's run buys it, or raise the cap to buy it sooner",
  'month-spend':
    "this month's spending cap (limits.maxSpendPerMonth) is reached; the first run of next month buys it, or raise the cap to buy it sooner",
  'peer-run':
    'another account of this deployment claimed it (the same domain and expiry) in a run overlapping this one, and that run buys it; if both runs left it to the other, the next daily run buys it',
  stray:
    "its claim was left live by a batch sent without it (so it was provably not sent), and this run could not release it (ledger trouble: see the function's logs); the next run, or check's daily sweep, releases it, and the next run buys it",
  time: "the run reached its time limit before buying it; the next run buys it (if this repeats, the run has more to do than its timeout allows: see the function's duration in its logs)",
  'day-turned':
    "the UTC day turned (or was about to) between its budget take and its paid call, and the run stopped buying rather than count it on the day before; the next run buys it (run renew again once the UTC day has turned, to buy it on the new day's budgets)",
};

/**
 * One `deferred` line per planned renewal this run did not buy for a reason the planner could not know (a
 * ledger-held budget shared with other runs and accounts, the time limit, a refused or unsent order): every run that
 * holds a domain back says so. Within WILL_LAPSE_SMS_DAYS of its expiry it pages; further out it is shown but pages
 * no one by itself (`quiet`): a passing hold-back 25 days out must not page every day (review 2026-12-03). A
 * budget's hold-back whose next period starts at or after the expiry (this month's spending on the 29th, a domain
 * expiring on the 30th) also gets a `will-lapse` line: only a person can buy it in time. Otherwise never one: that
 * section says to renew by hand, and the next run buys it.
 * @param nowMs the run's time, epoch ms (UTC)
 */
export function collectHeldBack(heldBack: readonly HeldBack[], nowMs: number): DomainOutcome[] {
  return heldBack.flatMap(({ decision, limitedBy, detail, givenBack }): DomainOutcome[] => {
    const line = deferredOutcome(
      decision,
      `not bought this run: ${
        limitedBy === 'refused'
          ? `the order was not accepted (${detail}); nothing was bought, the next run tries again`
          : limitedBy === 'not-sent'
            ? `its batch failed on our side (${detail}); nothing was bought, the next run tries again (if this repeats, see the function's logs)`
            : limitedBy === 'stopped'
              ? `the run stopped on the error in this run's alert (${detail}); nothing was bought, it is bought once that is fixed`
              : HELD_BACK_REASONS[limitedBy]
      }`,
    );
    const deferred: DomainOutcome = decision.daysLeft <= WILL_LAPSE_SMS_DAYS ? line : { ...line, quiet: true as const };
    // A budget's next run comes some time in its next period (the schedule is daily): a day's margin, as the planner
    // keeps. A domain already past its expiry is bought by a later run while its window and grace last
    // (`lastBuyMs`): one held back on its last day was told "the next run buys it", and that run found it in
    // redemption or past its window (review 2026-12-05, round 5, K).
    const expiry = decision.domain.expiresAtMs;
    const deadline = expiry <= nowMs ? (decision.lastBuyMs ?? Number.POSITIVE_INFINITY) : expiry;
    const lastChance = expiry <= nowMs ? 'the last day it can be bought' : 'it expires';
    const next = nextBudgetPeriodMs(limitedBy, nowMs);
    if (next !== undefined) {
      if (next + DAY_MS <= deadline) return [deferred];
      return [
        deferred,
        {
          ...line,
          event: 'will-lapse',
          reason: `not bought this run (${limitedBy}); the next chance, ${formatDateUtc(next)}, is after ${lastChance}: renew it by hand or raise the limit`,
        },
      ];
    }
    // Any other cause (an order not accepted or not sent, the time limit, a stopped run) is tried again by the next
    // daily run, about a day from now. One that expires before then was told "the next run tries again", and with
    // window.daysAfterExpiry 0 that run found it past its window: it lapsed on advice to do nothing (review
    // 2026-12-05, round 4, helper F).
    const nextRun = nowMs + DAY_MS;
    if (nextRun + HOUR_MS <= deadline) return [deferred];
    // Given back in the room, another account of this run may have bought it since (this section cannot know: it
    // may be written first): "renew it by hand" bought it a second time (review 2026-12-07, thirty-first session).
    if (givenBack)
      return [
        deferred,
        {
          ...line,
          event: 'will-lapse',
          reason: `${GIVEN_BACK_LAPSE_PREFIX} (not sent here: ${limitedBy}); the next daily run, about ${formatDateTimeUtc(nextRun)}, comes after ${lastChance}: renew it by hand only if no other account's section of this run shows it submitted`,
        },
      ];
    // "Renew it by hand" would buy it a second time if the other run did: say where to look first.
    if (limitedBy === 'peer-run')
      return [
        deferred,
        {
          ...line,
          event: 'will-lapse',
          reason: `${PEER_RUN_LAPSE_PREFIX}; the next daily run, about ${formatDateTimeUtc(nextRun)}, comes after ${lastChance}: renew it by hand only if the other account's digest does not show it submitted`,
        },
      ];
    return [
      deferred,
      {
        ...line,
        event: 'will-lapse',
        reason: `not bought this run (${limitedBy}); the next daily run, about ${formatDateTimeUtc(nextRun)}, comes after ${lastChance}: run renew again once the cause is fixed, or renew it by hand`,
      },
    ];
  });
}

/** When a budget that held a renewal back next has room: the next UTC day or month; undefined for other causes. */
function nextBudgetPeriodMs(limitedBy: HeldBack['limitedBy'], nowMs: number): number | undefined {
  const now = new Date(nowMs);
  if (limitedBy === 'month-spend') return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  if (limitedBy === 'day-count' || limitedBy === 'global-count' || limitedBy === 'day-spend')
    return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return undefined;
}
