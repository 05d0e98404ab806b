import { type Settled, settle } from '../concurrency';
import { BudgetPeriodMovedError, TimeLimitError } from '../errors';
import type { Claim } from '../ledger/port';
import { describeError } from '../log';
import type { Policy } from '../policy/schema';
import {
  type BudgetPeriods,
  budgetPeriods,
  type GlobalShare,
  type Grant,
  giveBackGrant,
  heldBy,
  isCountLimited,
  samePeriods,
  selectOutranking,
  takeBatchBudget,
} from './budgets';
import { type BatchWork, createClaimAhead } from './claim-ahead';
import { DAY_MS } from './dates';
import type { JobDeps } from './deps';
import { queuedTaskMark } from './foreign-tasks';
import { listAndPlan } from './plan-listing';
import { claimKey, type Decision, type Plan, type PlannedBatch } from './plan-types';
import {
  type BatchResult,
  leftOutBefore,
  readBeforeSend,
  releaseLeftOut,
  releaseUnsent,
  type SendOptions,
  type SendReads,
  type SentBatch,
  sendPrepared,
  submitBatch,
  toEntry,
} from './submit-batch';
import { releaseStrayClaims, type StrayRelease } from './sweep';
import { computeTimeMarginMs, createNoTimeToRelease, paidCallHorizonMs } from './time-margin';

/** A batch's budget and reads, started while the batch before it was sent (runRenew's startNextEarly). */
interface Early {
  index: number;
  periods: BudgetPeriods;
  grant: Promise<Settled<Grant>>;
  reads?: SendReads;
}

export interface RenewSummary {
  runId: string;
  dryRun: boolean;
  listed: number;
  planned: number;
  /** Domains in batches the registrar accepted. */
  submitted: number;
  /** Domains whose submit outcome is unknown (reconciled by check). */
  unknown: number;
  /** Domains in batches the registrar refused (nothing bought). */
  rejected: number;
  /** Domains another run held the claim for (not submitted by us). */
  conflicts: number;
  deferred: number;
  skipped: number;
  /** Batches not started because the run was about to time out. */
  batchesLeftForTime: number;
  /** Domains not submitted because today's maxDomainsPerRun budget was used up by earlier or overlapping runs. */
  overBudget: number;
  /** Domains not submitted because this month's maxSpendPerMonth was used up by earlier or overlapping runs. */
  overMonthSpend: number;
  taskNoNotRecorded: number;
  /** Batches that failed on our side (ledger trouble) before anything was sent, or in an unexpected way. */
  errors: number;
  batches: BatchResult[];
}

/** A planned renewal a ledger-held budget kept out of this run, and which one (budgets.ts Grant). */
export interface HeldBack {
  decision: Decision;
  /**
   * A budget; `time`: the run stopped starting batches before the function's time limit; `refused`: the registrar
   * did not accept the order this run (a passing refusal, nothing bought); `not-sent`: its batch failed on our
   * side; `stopped`: an authorisation refusal stopped the run (its alert says what to fix); `peer-run`: another
   * account claimed it in a run overlapping this one (submit-batch.ts dropClaimedByPeers).
   */
  limitedBy:
    | NonNullable<Grant['limitedBy']>
    | 'time'
    | 'day-turned'
    | 'refused'
    | 'not-sent'
    | 'stopped'
    | 'peer-run'
    | 'stray';
  /** What the registrar or the ledger said (`refused`, `not-sent`). */
  detail?: string;
  /** Taken in the run's room and given back unsent (RunClaims.giveBack): another account of the run may buy it. */
  givenBack?: true;
}

export interface RenewRun {
  plan: Plan;
  summary: RenewSummary;
  /** What the budgets held back this run (named in the digest: it may lapse before the next period). */
  heldBack: HeldBack[];
  /** Set when an authorisation failure stopped the run: nothing was counted against the domains. */
  stoppedBy?: Error;
  /**
   * Claims of this plan's `in-flight` decisions that may be strays (left live by a batch sent without them) and that
   * this run could not release or read: the run fails loudly (jobs/renew.ts); the proven ones are named `stray`.
   */
  straysLeft?: number;
}

/**
 * The in-flight decisions whose claim a batch sent without it left live, which this run proved a stray and could
 * not release (listAndPlan's `releaseStrays`): provably not sent, named `stray`.
 */
function strayHeldBack(plan: Plan, strays: readonly Claim[]): HeldBack[] {
  const domains = new Set(strays.map((c) => c.domain));
  return plan.decisions
    .filter((d) => d.reason === 'in-flight' && domains.has(d.domain.domainName))
    .map((decision) => ({ decision, limitedBy: 'stray' as const }));
}

/** RenewRun.straysLeft from what the stray release did (absent when nothing was left). */
function strayCount(release: StrayRelease | undefined): { straysLeft?: number } {
  const left = (release?.failed.length ?? 0) + (release?.unread.length ?? 0);
  return left > 0 ? { straysLeft: left } : {};
}

/**
 * The renew job's run loop (docs/design.md, M1–M4): plan, then for each batch take its budget and submit it
 * (submit-batch.ts). Dry run stops after planning: this is the only seam.
 * Batches are isolated: one failing batch never stops the others (except an authentication failure, which would
 * fail them all). Money safety: a claim is taken BEFORE the paid call; an ambiguous call is never resent here.
 */
export async function runRenew(
  deps: JobDeps,
  options: {
    policy: Policy;
    dryRun: boolean;
    runId: string;
    timeMarginMs?: number;
    /** Called with the fresh plan before anything is written or bought; throws to stop (e.g. `renew --plan`). */
    guard?: (plan: Plan) => void;
    /**
     * The global cap across accounts (AUTORENEW_GLOBAL_MAX_DOMAINS, domains per UTC day) and how this account learns
     * its fair share of it for the domains it plans to buy (lib/jobs/accounts.ts). Absent: no global cap.
     */
    global?: { cap: number; share: (demand: number) => Promise<number> };
  },
): Promise<RenewRun> {
  const own = withOwnAttempts(deps);
  deps = own.deps;
  const { policy, runId } = options;
  const log = deps.log.child({ runId, job: 'renew' });
  // Claims are taken while the money pass runs, except in a dry run (nothing is written) and under a guard (a
  // person sees the final plan before anything is written).
  const ahead = options.dryRun || options.guard ? undefined : createClaimAhead(deps, policy, runId);
  let plan: Plan;
  let queuedElsewhere: readonly string[] = [];
  let strays: StrayRelease | undefined;
  try {
    plan = await listAndPlan(deps, policy, {
      runId,
      ...(ahead ? { onDraft: (draft: Plan) => ahead.start(draft) } : {}),
      // Not in a dry run (nothing is written); under a guard too: the release buys nothing, and the plan a person
      // confirmed or saved planned the strays as released (listAndPlan), as this run then does.
      ...(!options.dryRun
        ? {
            // Left live, such a claim is planned `in-flight` and named nowhere until check's daily sweep: one proven a
            // stray that could not be released is named below, and the run fails loudly.
            releaseStrays: async (candidates: readonly Claim[]) => {
              strays = await releaseStrayClaims(deps, candidates);
              if (strays.error !== undefined)
                log.error('claims a sent batch left out could not all be released or read: planned in flight', {
                  notReleased: strays.failed.map((c) => c.domain),
                  unread: strays.unread.map((c) => c.domain),
                  ...describeError(strays.error),
                });
              return strays.released;
            },
          }
        : {}),
      onQueuedElsewhere: (taskNos) => {
        queuedElsewhere = taskNos;
      },
    });
  } catch (err) {
    await ahead?.abandon('the run stopped before buying anything');
    throw err;
  }
  options.guard?.(plan);
  if (!options.dryRun && queuedElsewhere.length > 0) {
    // Remembered for when they are done (foreign-tasks.ts): lost, a task that waited days and then ran while the
    // listing lags could be bought again; this run holds its domains either way, so it goes on with a warning.
    await deps.ledger.putMarks(queuedElsewhere.map(queuedTaskMark), plan.nowMs).catch((err) =>
      log.warn("someone else's queued renewal tasks not marked; a later run may not see them finish", {
        taskNos: queuedElsewhere,
        ...describeError(err),
      }),
    );
  }
  const byReason = plan.totals.byReason;
  const summary: RenewSummary = {
    runId,
    dryRun: options.dryRun,
    listed: plan.totals.listed,
    planned: plan.totals.renew,
    submitted: 0,
    unknown: 0,
    rejected: 0,
    conflicts: 0,
    deferred: (byReason['over-run-limit'] ?? 0) + (byReason['over-spend'] ?? 0) + (byReason['low-balance'] ?? 0),
    skipped: plan.totals.skip,
    batchesLeftForTime: 0,
    overBudget: 0,
    overMonthSpend: 0,
    taskNoNotRecorded: 0,
    errors: 0,
    batches: [],
  };
  log.info('planned', { listed: summary.listed, renew: summary.planned, batches: plan.batches.length });
  const heldBack: HeldBack[] = strayHeldBack(plan, strays?.failed ?? []);
  if (options.dryRun) return { plan, summary, heldBack };

  const margin = options.timeMarginMs ?? computeTimeMarginMs(deps.registrar.worstCaseCallMs);
  // The day and month of each batch's budgets are those of its send, not of the plan: a run planned before UTC
  // midnight that sent after it took the old day's counters, and a run right after midnight the new day's, so one
  // UTC day saw twice its caps (review 2026-12-04). A run crossing midnight takes from both days, each within its cap.
  const periodsAt = (ms: number) => budgetPeriods(policy, ms, global ? { global } : {});
  const periodsNow = () => periodsAt(deps.clock.now());
  let global: GlobalShare | undefined;
  try {
    global = options.global
      ? { cap: options.global.cap, left: await options.global.share(plan.totals.renew) }
      : undefined;
  } catch (err) {
    await ahead?.abandon('the run stopped before buying anything');
    throw err;
  }
  const { work, conflicts } = ahead
    ? await ahead.finish(plan)
    : { work: plan.batches.map((planned): BatchWork => ({ planned })), conflicts: 0 };
  summary.conflicts += conflicts;
  const noTimeToRelease = createNoTimeToRelease(deps.remainingMs);
  /**
   * Gives back what the batches from `from` on hold and will not send (best effort: see releaseUnsent), while there
   * is time: the rest is left to check's reconciler (createNoTimeToRelease), and the run still reports.
   */
  const releaseFrom = async (from: number, message: string) => {
    for (const [i, w] of work.slice(from).entries()) {
      if (!w.prepared) continue;
      if (noTimeToRelease()) {
        log.warn('claims taken ahead left for check to release: the run is near its time limit', {
          batches: work.slice(from + i).filter((b) => b.prepared).length,
        });
        return;
      }
      await releaseUnsent(deps, w.prepared, w.planned.items.map(toEntry), message, true).catch((err) =>
        log.warn('claims taken ahead not released; check releases them with their intent', describeError(err)),
      );
    }
  };
  // Ledger trouble before the paid call (intent, claim, or submit-start write): nothing was sent. Claims taken stay
  // live until check settles the intent, so nothing can be bought twice meanwhile.
  const failedBatch = (err: unknown, domains: number): BatchResult => {
    log.error('batch failed before submitting', { domains, ...describeError(err) });
    summary.errors += 1;
    return {
      batchId: '-',
      status: 'error',
      domains: 0,
      message: err instanceof Error ? err.message : String(err),
      ...leftOutBefore(err),
    };
  };
  let stoppedBy: Error | undefined;
  /** The next batch's budget and reads, started while this one is sent (startNextEarly). */
  let early: Early | undefined;
  /** Every read started early: awaited before the run returns, used or not. */
  const readsStarted: Promise<unknown>[] = [];
  // Each sent batch's TaskNo is written while the next batch is sent (M2 still holds per batch: submitBatch.ts);
  // the results are counted, in plan order, once all are written.
  const sent: { settled: Promise<BatchResult>; planned: number; items: readonly Decision[]; draft?: true }[] = [];
  try {
    await sendAll();
  } finally {
    // No way out of the run (a budget failure throws) leaves a TaskNo write in flight: a function is frozen once
    // it returns. `settled` never rejects.
    await Promise.all(sent.map((s) => s.settled));
  }
  for (const { settled, planned, items, draft } of sent) {
    const result = await settled;
    summary.batches.push(result);
    // Not bought this run, for a reason the plan could not know: named in the digest like a budget's hold-back, so
    // a domain with a day left is not left to lapse with nothing but a log line (review 2026-12-03).
    const notSent = result.status === 'error' && (draft || result.batchId === '-');
    if (result.status === 'not-submitted' || notSent || (result.status === 'error' && result.stoppedBy)) {
      const limitedBy = result.stoppedBy ? 'stopped' : notSent ? 'not-sent' : 'refused';
      // A domain a person held meanwhile was not in the order: it is held, not refused (review 2026-12-05).
      // Nor one another account of the run took: that account bought it (review 2026-12-06: "renew it by hand").
      const held = new Set([
        ...(result.heldAfterPlan ?? []),
        ...(result.takenInRun ?? []),
        ...(result.claimedByPeer ?? []),
      ]);
      for (const decision of items)
        if (!held.has(decision.domain.domainName)) heldBack.push({ decision, limitedBy, detail: result.message ?? '' });
    }
    // Left to another account's overlapping run, which may have left it too: named, so a domain neither bought is
    // not left to lapse in silence (dropClaimedByPeers).
    const leftToPeer = new Set(result.claimedByPeer ?? []);
    for (const decision of items)
      if (leftToPeer.has(decision.domain.domainName)) heldBack.push({ decision, limitedBy: 'peer-run' });
    if (result.status === 'submitted') summary.submitted += result.domains;
    if (result.status === 'not-recorded') {
      summary.submitted += result.domains;
      summary.taskNoNotRecorded += 1;
    }
    if (result.status === 'unknown') summary.unknown += result.domains;
    if (result.status === 'rejected' || result.status === 'not-submitted') summary.rejected += result.domains;
    if (result.status !== 'error') summary.conflicts += planned - result.domains - (result.heldAfterPlan?.length ?? 0);
    else summary.conflicts += (result.takenInRun?.length ?? 0) + (result.claimedByPeer?.length ?? 0);
  }
  for (const h of heldBack)
    if (own.givenBack.has(claimKey(h.decision.domain.domainName, h.decision.domain.expiresAtMs))) h.givenBack = true;
  return { plan, summary, heldBack, ...(stoppedBy ? { stoppedBy } : {}), ...strayCount(strays) };

  /**
   * Takes each batch's budget and sends it, in plan order, until the work, the time or the budget runs out. Once a
   * batch's submit start is durable, the next batch's budget is taken and its reads made while its paid call is
   * in flight (issue 19: up to four conditional writes and two reads, one after another, were the local work
   * between two paid calls; the next batch then writes only its submit start). A way out of the loop gives back
   * what was taken early.
   */
  async function sendAll(): Promise<void> {
    try {
      await sendEach();
    } finally {
      await giveBackEarly();
      // Nor a read (a batch that stopped before its send did not use its reads): no ledger call is left in flight
      // when the function returns and is frozen.
      await Promise.all(readsStarted);
    }
  }

  /**
   * Batch `index`'s budget: the one taken early, when it is whole and of the same UTC day and month (what the batch
   * before gave back, a refusal or a hold, was not seen by it: a cut grant is given back and taken again now, so
   * the run buys what a take after that batch would have granted), else taken now. An early take that failed is
   * taken again now (it gave back what it had taken): one passing ledger error while the batch before was sent no
   * longer stops the rest of the run; one that lasts fails this take too, as before.
   */
  async function takeBudgetOf(index: number, taken: Early | undefined, planned: PlannedBatch, periods: BudgetPeriods) {
    if (taken) {
      const got = await taken.grant;
      if (!got.ok) log.warn('the budget taken early failed; taking it again', describeError(got.error));
      else if (got.value.items === planned.items.length && samePeriods(taken.periods, periods)) return got.value;
      else await giveBackGrant(deps, taken.periods, got.value);
    }
    return takeBatchBudget(deps, policy, periods, planned, global, outrankingAfter(index));
  }

  /**
   * The items of the batches after `index` that come before one of its own in plan order: its budget is taken for
   * them too (budgets.ts selectOutranking). A batch that failed before it was sent buys nothing and is left out.
   */
  function outrankingAfter(index: number) {
    const later = work.slice(index + 1).flatMap((w) => (w.error === undefined ? w.planned.items : []));
    return selectOutranking(work[index]?.planned.items ?? [], later);
  }

  /**
   * Starts the work of the batch after `index` (none for a failed or empty one): its budget, and its reads when its
   * claims are durable already (claimed ahead).
   */
  function startNextEarly(index: number): void {
    const next = work[index + 1];
    if (!next || next.error !== undefined || next.planned.items.length === 0) return;
    const periods = periodsNow();
    const reads = next.prepared ? readBeforeSend(deps, next.planned.items.map(toEntry)) : undefined;
    if (reads) readsStarted.push(reads.holds, reads.peers);
    early = {
      index: index + 1,
      periods,
      grant: settle(takeBatchBudget(deps, policy, periods, next.planned, global, outrankingAfter(index + 1))),
      ...(reads ? { reads } : {}),
    };
  }

  /**
   * Sleeps until the UTC day has turned (1 s past midnight) when a batch started now could have its order land after
   * it (paidCallHorizonMs, with the batch's own ledger work before the call: one more margin), and the run's time
   * allows the wait and the margin after it; else returns at once (sendEntries then gives the batch back unsent).
   */
  async function waitForDayTurn(): Promise<void> {
    const nowMs = deps.clock.now();
    const ahead = paidCallHorizonMs(deps.registrar.worstCaseCallMs) + margin;
    if (samePeriods(periodsAt(nowMs + ahead), periodsAt(nowMs))) return;
    const waitMs = Math.ceil((nowMs + 1) / DAY_MS) * DAY_MS + 1_000 - nowMs;
    if (deps.remainingMs && deps.remainingMs() - waitMs < margin) return;
    // Warned, not only logged: a CLI run shows warnings only, and waited minutes with nothing said (its review).
    log.warn('waiting for the UTC day to turn before the next batch: its order could land after midnight', { waitMs });
    await deps.sleep(waitMs);
  }

  /** What was started early for batch `index`, taken out of `early` (undefined: nothing). */
  function takeEarly(index: number): Early | undefined {
    const taken = early?.index === index ? early : undefined;
    if (taken) early = undefined;
    return taken;
  }

  /** Gives back a budget taken early that no batch will use (the run stopped). */
  async function giveBackEarly(): Promise<void> {
    const taken = early;
    early = undefined;
    const got = await taken?.grant;
    if (taken && got?.ok) await giveBackGrant(deps, taken.periods, got.value);
  }

  async function sendEach(): Promise<void> {
    for (const [index, w] of work.entries()) {
      const planned = w.planned;
      if (deps.remainingMs && deps.remainingMs() < margin) {
        summary.batchesLeftForTime = work.length - index;
        log.warn('stopping before the time limit; remaining batches go to the next run', {
          batchesLeft: summary.batchesLeftForTime,
          marginMs: margin,
        });
        // Named in the digest like a budget's hold-back: a run that runs out of time every day would otherwise let
        // the domains at the end of its plan lapse with nothing but a log line (review 2026-12-03).
        for (const left of work.slice(index)) {
          for (const decision of left.planned.items) heldBack.push({ decision, limitedBy: 'time' });
        }
        await releaseFrom(index, 'the run stopped before its time limit; the next run buys it');
        break;
      }
      if (w.error !== undefined) {
        sent.push({
          settled: Promise.resolve(failedBatch(w.error, planned.items.length)),
          planned: 0,
          items: planned.items,
          draft: true,
        });
        continue;
      }
      // A batch whose order could land after the UTC day turns is not sent (submit-batch.ts sendEntries): a run that
      // reaches one that close to midnight waits until the day has turned, when its time allows, rather than stop
      // buying (the review of that check: a schedule at 23:57 stopped every day and bought nothing).
      await waitForDayTurn();
      // The caps hold per UTC day (count) and month (money) across overlapping and duplicate runs: taken from the
      // ledger before sending (before claiming, when the batch is not prepared ahead).
      let grant: Grant = { items: 0, kept: [], counted: 0 };
      const periods = periodsNow();
      const started = takeEarly(index);
      try {
        if (planned.items.length > 0) grant = await takeBudgetOf(index, started, planned, periods);
      } catch (err) {
        // Ledger trouble taking the budget (what was taken is given back: budgets.ts): nothing of this batch was
        // sent. It and the later batches are named as not sent and the run goes on to its report, the error counted
        // (the run fails loudly); thrown, it lost this run's will-lapse and deferred lines (review 2026-12-03).
        const detail = err instanceof Error ? err.message : String(err);
        log.error('a budget could not be taken; the rest of the run is not sent', describeError(err));
        summary.errors += 1;
        for (const left of work.slice(index)) {
          for (const decision of left.planned.items) heldBack.push({ decision, limitedBy: 'not-sent', detail });
        }
        await releaseFrom(index, 'the run stopped before buying it');
        break;
      }
      const granted = grant.items;
      // A count cuts this batch and every later one, unless a later batch's sooner expiries came through it (their
      // budget goes back for their own batch to take); money only what does not fit (a later, cheaper batch may).
      const countLimited = isCountLimited(grant);
      const keptSet = new Set(grant.kept);
      const notKept = planned.items.filter((d) => !keptSet.has(d));
      if (granted < planned.items.length) {
        const message = 'held back by a budget; a later run buys it';
        if (countLimited) await releaseFrom(index + 1, message);
        let released = true;
        if (w.prepared) {
          const rest = notKept.map(toEntry);
          // The batch goes on without them (tried again: a claim left live sits under it until the next day's sweep),
          // or, with nothing granted, is closed (one try: an unsent intent is check's to release).
          const release =
            granted === 0
              ? releaseUnsent(deps, w.prepared, rest, message, true)
              : releaseLeftOut(deps, w.prepared, rest, message);
          released = await release.then(
            () => true,
            (err) => {
              log.warn('claims held back not released; they are settled with their batch', describeError(err));
              return false;
            },
          );
        }
        // Cut while later batches' sooner expiries took their part (budgets.ts selectOutranking): offered again
        // after the last batch, when what those did not use (a refusal, a hold, a price past the money left, a new
        // UTC day) is back. Held back for good, one cut for a sooner domain that then did not buy lapsed while the
        // budget had room (review of the fix, 2026-12-07, twenty-eighth session). Once only; and only with its
        // claims released, since the trailing batch claims them anew.
        const deferred = !w.trailing && grant.laterCounted && released ? notKept : [];
        if (deferred.length > 0) work.push({ planned: { ...planned, items: deferred }, trailing: true });
        // Each one named by the budget that kept it out: past the count's prefix the count, else the money step.
        const later = countLimited ? work.slice(index + 1).flatMap((b) => b.planned.items) : [];
        const held = [
          ...planned.items.flatMap((decision, i) => {
            const limitedBy = keptSet.has(decision) || deferred.includes(decision) ? undefined : heldBy(grant, i);
            return limitedBy ? [{ decision, limitedBy }] : [];
          }),
          ...later.map((decision) => ({ decision, limitedBy: grant.countCut ?? ('day-count' as const) })),
        ];
        heldBack.push(...held);
        summary.overMonthSpend += held.filter((h) => h.limitedBy === 'month-spend').length;
        summary.overBudget += held.filter((h) => h.limitedBy !== 'month-spend').length;
        if (held.length > 0)
          log.warn(
            grant.limitedBy === 'month-spend'
              ? "this month's spending budget is reached; the rest waits for the next month or a higher cap"
              : grant.limitedBy === 'global-count'
                ? "this account's share of the global daily cap (AUTORENEW_GLOBAL_MAX_DOMAINS) is used; the rest waits for the next UTC day"
                : grant.limitedBy === 'day-spend'
                  ? "today's spending cap (maxSpendPerRun, across the day's runs) is reached; the rest waits for the next UTC day"
                  : 'daily domain budget reached; the rest waits for the next UTC day',
            { day: periods.day, month: periods.month, granted },
          );
      }
      if (granted === 0 && planned.items.length > 0) {
        if (countLimited) break;
        continue;
      }
      const trimmed = { ...planned, items: [...grant.kept] };
      // A count that cut this batch stops the run after it: nothing to start for the next.
      const sendOptions: SendOptions = {
        outOfTime: () => deps.remainingMs !== undefined && deps.remainingMs() < margin,
        // The UTC day or month may turn before the paid call lands: the batch then goes back unsent and the run stops.
        periodsAt,
        ...(started?.reads ? { reads: started.reads } : {}),
        ...(granted < planned.items.length && countLimited ? {} : { onSending: () => startNextEarly(index) }),
      };
      let batch: SentBatch;
      try {
        batch = w.prepared
          ? await sendPrepared(deps, policy, runId, w.prepared, trimmed.items.map(toEntry), periods, sendOptions)
          : await submitBatch(deps, policy, runId, trimmed, periods, sendOptions);
      } catch (err) {
        if (err instanceof TimeLimitError || err instanceof BudgetPeriodMovedError) {
          // Given back unsent at its paid call, for time or because the UTC day turned since its budgets were taken:
          // named a stop (not a failure), as are the batches after it; what it had left to another account's
          // overlapping run is named `peer-run` and counted as a conflict, as every other end of a batch does (that
          // run may have stopped too: the round-7 review).
          const stop = err instanceof TimeLimitError ? 'time' : 'day-turned';
          const leftOut = leftOutBefore(err);
          const peers = new Set(leftOut.claimedByPeer ?? []);
          const notHere = new Set([...(leftOut.heldAfterPlan ?? []), ...(leftOut.takenInRun ?? []), ...peers]);
          for (const decision of trimmed.items) {
            const name = decision.domain.domainName;
            if (peers.has(name)) heldBack.push({ decision, limitedBy: 'peer-run' });
            else if (!notHere.has(name)) heldBack.push({ decision, limitedBy: stop });
          }
          summary.conflicts += (leftOut.takenInRun?.length ?? 0) + peers.size;
          const later = granted === planned.items.length || !countLimited;
          if (stop === 'time') summary.batchesLeftForTime = later ? work.length - index : 1;
          log.warn(
            stop === 'time'
              ? 'stopping at the time limit before a paid call; the batch goes to the next run'
              : 'the UTC day turned between a budget take and its paid call: stopping; the batch goes to the next run',
            { batchesLeft: later ? work.length - index : 1, marginMs: margin },
          );
          // Named once: a count that cut this batch has named and released the later ones already.
          if (later) {
            for (const left of work.slice(index + 1)) {
              for (const decision of left.planned.items) heldBack.push({ decision, limitedBy: stop });
            }
            await releaseFrom(index + 1, 'the run stopped before buying it; the next run buys it');
          }
          break;
        }
        batch = { settled: Promise.resolve(failedBatch(err, trimmed.items.length)) };
      }
      sent.push({ settled: batch.settled, planned: trimmed.items.length, items: trimmed.items });
      if (batch.stoppedBy) {
        stoppedBy = batch.stoppedBy;
        log.error('authorisation refused: stopping the run; nothing was counted against the domains', {
          batchesLeft: work.length - index - 1,
        });
        // Named once: a count that held back part of this batch has named the later ones already.
        if (granted === planned.items.length || !countLimited) {
          for (const left of work.slice(index + 1)) {
            for (const decision of left.planned.items)
              heldBack.push({ decision, limitedBy: 'stopped', detail: batch.stoppedBy.message });
          }
        }
        await releaseFrom(index + 1, 'the run stopped on an authorisation refusal; the next run buys it');
        break;
      }
      if (granted < planned.items.length && countLimited) break;
    }
  }
}

/**
 * `deps` whose runClaims also knows the attempts this invocation writes, with one account as with several: the
 * money pass tells its own unsent intents by them (plan-listing.ts). By run id, the second of two overlapping
 * deliveries of one event (Lambda keeps the request id) took the first's unsent intent for its own, left its cost
 * out, and spent the reserve again (review 2026-12-07). Without a room, `take` keeps every key, as no room does.
 */
function withOwnAttempts(deps: JobDeps): { deps: JobDeps; givenBack: ReadonlySet<string> } {
  const attempts = new Set<string>();
  /** Claim keys given back in the room (several accounts only): named "look first" if not bought here. */
  const givenBack = new Set<string>();
  const room = deps.runClaims;
  return {
    givenBack,
    deps: {
      ...deps,
      runClaims: {
        noteAttempt: (attemptId) => {
          attempts.add(attemptId);
          room?.noteAttempt(attemptId);
        },
        isRunAttempt: (attemptId) => attempts.has(attemptId) || (room?.isRunAttempt(attemptId) ?? false),
        take: (entries) => room?.take(entries) ?? new Set(entries.map((e) => claimKey(e.domain, e.expiryMs))),
        giveBack: (entries) => {
          if (!room) return;
          for (const e of entries) givenBack.add(claimKey(e.domain, e.expiryMs));
          room.giveBack(entries);
        },
      },
    },
  };
}
