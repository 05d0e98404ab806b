import { LEDGER_CONCURRENCY, mapWithLimit, type Settled, settle } from '../concurrency';
import {
  AmbiguousOutcomeError,
  AuthRejectedError,
  BudgetPeriodMovedError,
  InputError,
  LedgerConflictError,
  LedgerError,
  RejectedFinalError,
  RejectedRetryableError,
  SecretError,
  TaskNoNotRecordedError,
  TimeLimitError,
} from '../errors';
import type { Batch, BatchEntry, Claim } from '../ledger/port';
import { describeError } from '../log';
import type { Policy } from '../policy/schema';
import type { SubmitResult } from '../registrar/port';
import { readActiveHolds } from './active-holds';
import { type BudgetPeriods, budgetTakenOf, costOf, giveBack, samePeriods } from './budgets';
import { applyToClaims, isLive, NOT_SUBMITTED_CODE, transitions } from './claims';
import type { JobDeps } from './deps';
import { isPeerInFlight, readPeerClaims } from './peer-claims';
import { claimKey, type PlannedBatch } from './plan-types';
import { retryWithBackoff, threeTries } from './retry';
import { boundText } from './text';
import { createNoTimeToRetry, createOutOfTime, paidCallHorizonMs } from './time-margin';

/** Per-batch result of a renew run. */
export interface BatchResult {
  batchId: string;
  status: 'submitted' | 'unknown' | 'rejected' | 'not-submitted' | 'empty' | 'not-recorded' | 'error';
  domains: number;
  taskNo?: string;
  code?: string;
  message?: string;
  /** An authorisation failure that must stop the run. */
  stoppedBy?: Error;
  /** `unknown` only: the batch could not be marked UNKNOWN (it stays as the submit start left it, for check). */
  notRecorded?: boolean;
  /**
   * Planned domains held by a person (`autorenew hold`) once the run had claimed them: not sent, neither conflicts
   * nor held back by the registrar's answer to the rest of the batch.
   */
  heldAfterPlan?: string[];
  /**
   * Planned domains another account of the run took first (JobDeps.runClaims): not sent, counted as conflicts,
   * and not named as held back when the registrar refuses the rest of the batch (the other account bought them).
   */
  takenInRun?: string[];
  /**
   * Planned domains another account held a live, renewed or shown-renewed claim of right before the paid call
   * (peer-claims.ts isPeerInFlight), written by a run overlapping this one (its own room: the schedule beside `autorenew renew --account`, or one event delivered twice): not
   * sent, counted as conflicts, named as left to that run (dropClaimedByPeers).
   */
  claimedByPeer?: string[];
}

/**
 * A batch the run has finished sending: `settled` resolves with its result once everything after the paid call is
 * written (the TaskNo; at once when nothing was bought) and never rejects, so the run can send the next batch while
 * this one's TaskNo is written. `stoppedBy` is known as soon as the registrar answered.
 */
export interface SentBatch {
  settled: Promise<BatchResult>;
  /** An authorisation refusal that must stop the run. */
  stoppedBy?: Error;
}

const sentNow = (result: BatchResult): SentBatch => ({
  settled: Promise.resolve(result),
  ...(result.stoppedBy ? { stoppedBy: result.stoppedBy } : {}),
});

/** The batch entry of a planned renewal (what the intent, the claims and the submit record carry). */
export function toEntry(d: PlannedBatch['items'][number]): BatchEntry {
  return {
    domain: d.domain.domainName,
    expiryMs: d.domain.expiresAtMs,
    years: d.years ?? 1,
    permitPremium: !!d.permitPremium,
    ...(d.price ? { price: d.price } : {}),
    ...(d.price && d.priceSource === 'assumed' ? { priceAssumed: true as const } : {}),
    ...(d.lastBuyMs !== undefined ? { lastBuyMs: d.lastBuyMs } : {}),
  };
}

/** Claims the batch's domains; returns the claimed entries (others are held by another run). */
async function claimEntries(deps: JobDeps, policy: Policy, batch: Batch, planned: PlannedBatch): Promise<BatchEntry[]> {
  const claimed = await mapWithLimit(planned.items, LEDGER_CONCURRENCY, async (d): Promise<BatchEntry | undefined> => {
    const domain = d.domain.domainName;
    const result = await deps.ledger.claim({
      domain,
      expiryMs: d.domain.expiresAtMs,
      batchId: batch.batchId,
      attemptId: batch.attemptId,
      years: d.years ?? 1,
      nowMs: deps.clock.now(),
      maxAttempts: policy.limits.maxAttempts,
    });
    if (result.ok) return toEntry(d);
    deps.log.info('claim held elsewhere; not submitting', {
      domain,
      batchId: batch.batchId,
      heldBy: result.existing.batchId,
      status: result.existing.status,
    });
    return undefined;
  });
  return claimed.filter((e): e is BatchEntry => e !== undefined);
}

/** A batch whose intent is written and whose domains are claimed, not yet sent. */
export interface PreparedBatch {
  /** The INTENT batch as stored (its entries list every domain the preparation tried to claim). */
  batch: Batch;
  /** The entries whose claims this run holds, in plan order (the others are held by another run). */
  claimed: BatchEntry[];
}

/**
 * The free half of a batch (docs/design.md, M1): write the intent, then claim each domain. Nothing is sent. Throws
 * only for ledger trouble; claims taken stay live under the INTENT batch, which check's reconciler releases.
 */
export async function prepareBatch(
  deps: JobDeps,
  policy: Policy,
  runId: string,
  planned: PlannedBatch,
): Promise<PreparedBatch> {
  const batchId = deps.newId();
  const now = deps.clock.now();
  deps.runClaims?.noteAttempt(`${runId}/${batchId}`);
  // The intent lists every domain we are about to claim, so that a run dying between its claims and the
  // submit-start write leaves claims the reconciler can find and release (else they stay CLAIMED for ever and the
  // domain lapses silently). Claim transitions only touch claims that carry this batchId.
  const batch = await deps.ledger.putBatchIntent({
    batchId,
    runId,
    attemptId: `${runId}/${batchId}`,
    status: 'INTENT',
    createdAtMs: now,
    updatedAtMs: now,
    ...(planned.couponNo !== undefined ? { couponNo: planned.couponNo } : {}),
    ...(planned.promotionNo !== undefined ? { promotionNo: planned.promotionNo } : {}),
    entries: planned.items.map(toEntry),
    pendingNotices: [],
    sentNotices: [],
  });
  return { batch, claimed: await claimEntries(deps, policy, batch, planned) };
}

/**
 * {@link releaseUnsent} of claims a batch leaves out and goes on without (not closed), tried three times with
 * backoff while there is time (createNoTimeToRetry): left live after one failed write, such a claim sat under a batch
 * sent without it until the next day's sweep, and a person who raised the cap as the digest advised and ran renew
 * again saw the domain planned "in flight" and nothing said (review 2026-12-08, thirty-second session). Throws as
 * releaseUnsent does when every try failed.
 */
export function releaseLeftOut(
  deps: JobDeps,
  batch: Batch,
  entries: readonly BatchEntry[],
  message: string,
): Promise<void> {
  return retryWithBackoff(() => releaseUnsent(deps, batch, entries, message, false), threeTries(deps));
}

/** Tries to close a batch whose submit start may or may not have landed (each after reading it back), with backoff. */
const UNSENT_CLOSE_ATTEMPTS = 6;

/**
 * Gives back claims a prepared batch will not send (dropped by the money pass, held back by a budget, or left when
 * the run stopped): FAILED `not-submitted`, claimable again at once, no attempt counted. Claims first; with
 * `close`, the batch is then closed with no entries (nothing of it was sent). Throws on ledger trouble: a claim
 * left live stays under an INTENT batch (check's reconciler releases it) or under a sent batch (the daily sweep
 * releases it once that batch closes), so nothing can be bought twice meanwhile.
 */
export async function releaseUnsent(
  deps: JobDeps,
  batch: Batch,
  entries: readonly BatchEntry[],
  message: string,
  close: boolean,
): Promise<void> {
  const nowMs = deps.clock.now();
  if (entries.length > 0) {
    await applyToClaims(
      deps,
      batch,
      (c) => (isLive(c) ? transitions.release(c, { message, nowMs }) : c),
      new Set(entries.map((e) => e.domain)),
    );
  }
  if (close)
    await deps.ledger.saveBatch({ ...batch, entries: [], status: 'CLOSED', closedAtMs: nowMs, updatedAtMs: nowMs });
}

/**
 * The paid step of one batch (docs/design.md, M1 and M2): write the intent, claim each domain, mark the submit as
 * started, make the one paid call, and record the TaskNo. A claim is durable BEFORE the paid call; an ambiguous
 * call is never resent here (check reconciles it). Throws only for ledger trouble before the paid call.
 */
export async function submitBatch(
  deps: JobDeps,
  policy: Policy,
  runId: string,
  planned: PlannedBatch,
  periods: BudgetPeriods,
  options: SendOptions = {},
): Promise<SentBatch> {
  let prepared: Awaited<ReturnType<typeof prepareBatch>>;
  try {
    prepared = await prepareBatch(deps, policy, runId, planned);
  } catch (err) {
    // Nothing was sent: the budget taken for the batch goes back (else the day's count and the month's money read
    // as spent, and hold back renewals, until the period ends). Claims it wrote stay until check releases them.
    await giveBack(deps, periods, { count: planned.items.length, spend: costOf(planned.items.map(toEntry)) });
    throw err;
  }
  await giveBack(deps, periods, {
    count: planned.items.length - prepared.claimed.length,
    spend: costOf(prepared.batch.entries) - costOf(prepared.claimed),
  });
  return sendPrepared(deps, policy, runId, prepared.batch, prepared.claimed, periods, options);
}

/**
 * The reads a batch makes right before its paid call, once its claims are durable: the holds (dropHeldSincePlan)
 * and the other accounts' claims (dropClaimedByPeers). run-renew.ts starts them while the batch before is sent.
 */
export interface SendReads {
  holds: Promise<Settled<Set<string>>>;
  peers: Promise<Settled<Map<string, Claim>>>;
}

/**
 * Starts the reads of a batch whose claims of `entries` are durable (all either read needs: a hold written after
 * it finds the claim live, and so does another account's run; see dropHeldSincePlan and dropClaimedByPeers). A
 * hold read this early that ends before the paid call still keeps its domain out: the next run buys it.
 */
export function readBeforeSend(deps: JobDeps, entries: readonly BatchEntry[]): SendReads {
  const none: Promise<Settled<Set<string>>> = Promise.resolve({ ok: true, value: new Set() });
  return {
    holds: entries.length > 0 ? settle(readActiveHolds(deps, deps.clock.now())) : none,
    peers: settle(
      readPeerClaims(
        deps,
        entries.map((e) => ({ domain: e.domain, expiryMs: e.expiryMs })),
      ),
    ),
  };
}

export interface SendOptions {
  /** The batch's reads, started earlier (readBeforeSend); absent: started now. */
  reads?: SendReads;
  /** Called once the submit start is durable, right before the paid call (run-renew.ts: the next batch's work). */
  onSending?: () => void;
  /**
   * True once the run is past its time margin (run-renew.ts, the margin it checks at each batch start): checked
   * again right before the submit start. Absent: the default margin (time-margin.ts createOutOfTime).
   */
  outOfTime?: () => boolean;
  /**
   * The budget periods of a send at a time, epoch ms (run-renew.ts: the UTC day and month): checked right before the
   * submit start, after the time margin, for now and for when the paid call may land at the latest. A batch whose day
   * or month turns in between is given back unsent (BudgetPeriodMovedError). Absent: not checked.
   */
  periodsAt?: (ms: number) => BudgetPeriods;
}

/**
 * Sends a prepared batch: `claimed` (claimed by this run, priced) are what is bought, less those a person held
 * since the plan (dropHeldSincePlan). No entries: the batch is closed, nothing sent. Otherwise the submit start is made durable, then the one paid call; the TaskNo is written
 * after it, in `settled` (with its retries), while the caller goes on. Throws only for ledger trouble before the
 * paid call.
 */
export async function sendPrepared(
  deps: JobDeps,
  policy: Policy,
  runId: string,
  prepared: Batch,
  claimed: readonly BatchEntry[],
  periods: BudgetPeriods,
  options: SendOptions = {},
): Promise<SentBatch> {
  const { batchId } = prepared;
  const log = deps.log.child({ runId, batchId });
  // This run's claims are durable already (prepareBatch, or claimed ahead), which is all the reads need.
  const reads = options.reads ?? readBeforeSend(deps, claimed);
  /** What this account took in the run's room (dropTakenInRun), and whether the paid call may have started. */
  let taken: readonly BatchEntry[] = [];
  let sending = false;
  // What each step left out so far: a failure at any later step before the paid call carries it (leftOutBefore),
  // so the run never names a domain another account bought as "not sent ... renew it by hand" (review 2026-12-06).
  const left = { heldAfterPlan: [] as string[], takenInRun: [] as string[], claimedByPeer: [] as string[] };
  const leftOut = (): LeftOut => ({
    ...(left.heldAfterPlan.length > 0 ? { heldAfterPlan: left.heldAfterPlan } : {}),
    ...(left.takenInRun.length > 0 ? { takenInRun: left.takenInRun } : {}),
    ...(left.claimedByPeer.length > 0 ? { claimedByPeer: left.claimedByPeer } : {}),
  });
  try {
    const unheld =
      claimed.length > 0 ? await dropHeldSincePlan(deps, prepared, claimed, periods, reads.holds) : claimed;
    left.heldAfterPlan = claimed.filter((e) => !unheld.includes(e)).map((e) => e.domain);
    if (left.heldAfterPlan.length > 0)
      log.warn('domains held by a person after this run planned them (autorenew hold): not bought', {
        domains: left.heldAfterPlan,
      });
    const inRoom = await dropTakenInRun(deps, prepared, unheld, periods);
    taken = inRoom;
    left.takenInRun = unheld.filter((e) => !inRoom.includes(e)).map((e) => e.domain);
    const entries = await dropClaimedByPeers(deps, prepared, inRoom, periods, await reads.peers);
    left.claimedByPeer = inRoom.filter((e) => !entries.includes(e)).map((e) => e.domain);
    return await sendEntries(deps, policy, log, prepared, entries, periods, leftOut(), {
      ...options,
      onSending: () => {
        sending = true;
        options.onSending?.();
      },
    });
  } catch (err) {
    // Not sent (the paid call not started): what this account took in the run's room goes back, so another account
    // of the run that lists the domain may still buy it (the accounts review: it had left it to this one, and nobody
    // bought it). Once the paid call may have started, never (M1).
    if (!sending) giveBackInRoom(deps, taken);
    // Ledger trouble before the paid call: the caller names the batch's domains as not sent, less these. A read
    // not used yet (the holds read failed first) is waited for: no ledger call is left in flight (never rejects).
    if (typeof err === 'object' && err !== null) leftOutBy.set(err, leftOut());
    await Promise.all([reads.holds, reads.peers]);
    throw err;
  }
}

/** The BatchResult fields naming what a batch left out before its paid call (held, or left to another account). */
type LeftOut = Pick<BatchResult, 'heldAfterPlan' | 'takenInRun' | 'claimedByPeer'>;

/** What a batch that then failed before its paid call had left out: held by a person, or taken by another account. */
const leftOutBy = new WeakMap<object, LeftOut>();

/** The domains a batch left out before it failed with `err` (sendPrepared): not to be named as not sent. */
export function leftOutBefore(err: unknown): LeftOut {
  return (typeof err === 'object' && err !== null && leftOutBy.get(err)) || {};
}

async function sendEntries(
  deps: JobDeps,
  policy: Policy,
  log: ReturnType<JobDeps['log']['child']>,
  prepared: Batch,
  entries: readonly BatchEntry[],
  periods: BudgetPeriods,
  held: LeftOut,
  options: Pick<SendOptions, 'onSending' | 'outOfTime' | 'periodsAt'>,
): Promise<SentBatch> {
  const { batchId } = prepared;
  if (entries.length === 0) {
    await deps.ledger.saveBatch({
      ...prepared,
      entries: [],
      status: 'CLOSED',
      closedAtMs: deps.clock.now(),
      updatedAtMs: deps.clock.now(),
    });
    return sentNow({ batchId, status: 'empty', domains: 0, ...held });
  }
  // The time margin again, right before the submit start: the run checked it when the batch started, but the ledger
  // work since (the budget take, the holds and peer reads) is not in it, and on a throttled ledger it left the paid
  // call seconds before the deadline, the TaskNo write killed with the function (review 2026-12-07, thirtieth session).
  if ((options.outOfTime ?? createOutOfTime(deps))()) {
    await giveUpUnsent(deps, prepared, entries, periods, 'the run reached its time limit before the paid call');
    throw new TimeLimitError(`batch ${batchId} not sent: the run reached its time limit before the paid call`, {
      batchId,
    });
  }
  // The UTC day (or month) turned since the batch's budgets were taken, or may turn before its order lands (the
  // submit-start write, the paid call's resends of a proven refusal: its worst case): bought then, it would count on
  // the old day's counters, past the new day's caps when those are used (the thirty-first session's open list; the
  // cap soak of this session: an order resent for 3 s landed after midnight). Given back unsent, and the run stops
  // buying (run-renew.ts): a run after midnight takes the new day's budgets. Taken again in place, the budgets of a
  // batch that then fitted only in part bought later expiries with the room of sooner ones, and counted the month and
  // the run's global share twice (the review of that fix, thirty-second session).
  if (options.periodsAt) {
    const nowMs = deps.clock.now();
    const latest = options.periodsAt(nowMs + paidCallHorizonMs(deps.registrar.worstCaseCallMs));
    if (!samePeriods(latest, periods)) {
      const turned = `the UTC ${latest.day !== periods.day ? 'day' : 'month'} ${samePeriods(options.periodsAt(nowMs), periods) ? 'turns before its order could land' : 'turned'}`;
      await giveUpUnsent(deps, prepared, entries, periods, `${turned} after its budgets were taken`);
      throw new BudgetPeriodMovedError(
        `batch ${batchId} not sent: ${turned} after its budgets were taken (${periods.day}); the run stopped buying`,
        { batchId },
      );
    }
  }
  // Durable before the paid call: from here on the reconciler assumes the request may have reached the registrar.
  let batch: Batch;
  const startedAtMs = deps.clock.now();
  try {
    batch = await deps.ledger.saveBatch({
      ...prepared,
      entries: [...entries],
      submitStartedAtMs: startedAtMs,
      budgetTaken: budgetTakenOf(periods),
      updatedAtMs: startedAtMs,
    });
  } catch (err) {
    // Not sent: what the batch took of the budgets goes back, and its claims and the batch itself are released (the
    // next run buys them). Versioned: against the version read before, or against our own write if it landed all
    // the same (read back: the next version with our submit start; review 2026-12-03, else check waited a day on a
    // batch "possibly sent" that was not). Every claim the intent lists is released: nothing of it was sent.
    await giveBack(deps, periods, { count: entries.length, spend: costOf(entries) });
    // The close is read back and tried again, with backoff, on any ledger failure (a version conflict, a throttled
    // read or write): with the one read-back failing, a write that had landed left the batch "submit started" though
    // nothing was sent, and check held its domains a day and more (a domain with 20 h left went into its grace period:
    // review 2026-12-04); retried on conflicts only and back to back, one throttled write did the same (2026-12-05).
    await retryWithBackoff(
      async () => {
        const stored = await deps.ledger.getBatch(batchId);
        const landed = stored?.version === prepared.version + 1 && stored.submitStartedAtMs === startedAtMs;
        const { submitStartedAtMs: _started, ...unstarted } = landed && stored ? stored : prepared;
        await releaseUnsent(
          deps,
          { ...unstarted, entries: prepared.entries },
          prepared.entries,
          'the submit start could not be recorded; nothing was sent',
          true,
        );
      },
      // Inside the paid loop: near the time limit the close is left to check (the run must still report).
      { attempts: UNSENT_CLOSE_ATTEMPTS, baseMs: 200, capMs: 5_000, sleep: deps.sleep, stop: createOutOfTime(deps) },
    ).catch((releaseErr: unknown) =>
      log.warn('unsent batch not released; check settles it', describeError(releaseErr)),
    );
    throw err;
  }

  // The caller's work for later batches: nothing it does may stop or change this batch, whose submit start is durable.
  try {
    options.onSending?.();
  } catch (err) {
    log.warn('work for the next batch could not be started; it is done when that batch is sent', describeError(err));
  }
  let submitted: SubmitResult;
  try {
    submitted = await deps.registrar.submitRenewBatch({
      items: entries.map((e) => ({
        domainName: e.domain,
        years: e.years,
        currentExpiryMs: e.expiryMs,
        permitPremium: e.permitPremium,
      })),
      ...(batch.couponNo !== undefined ? { couponNo: batch.couponNo } : {}),
      ...(batch.promotionNo !== undefined ? { promotionNo: batch.promotionNo } : {}),
    });
  } catch (err) {
    // Proven not executed (a refusal, or bad input before the send): another account of the run may still buy them
    // (sendPrepared's catch, the same), also when recording the refusal then fails (the round-9 review).
    const proven =
      err instanceof RejectedFinalError || err instanceof RejectedRetryableError || err instanceof InputError;
    const result = await handleSubmitError(deps, policy, batch, err, periods).catch((recordErr: unknown) => {
      if (proven) giveBackInRoom(deps, entries);
      throw recordErr;
    });
    if (result.status === 'rejected' || result.status === 'not-submitted' || result.stoppedBy)
      giveBackInRoom(deps, entries);
    return sentNow({ ...result, ...held });
  }

  log.info('submitted', { taskNo: submitted.taskNo, requestId: submitted.requestId, domains: entries.length });
  deps.metrics({ RenewalsSubmitted: entries.length });
  const notRecorded: BatchResult = {
    batchId,
    status: 'not-recorded',
    domains: entries.length,
    taskNo: submitted.taskNo,
  };
  // Attached here, before anything else runs: a rejection can never go unhandled while the caller sends on.
  return {
    settled: recordTaskNo(deps, batch, entries, submitted)
      .catch(() => notRecorded)
      .then((result) => ({ ...result, ...held })),
  };
}

/** Gives back in the run's room what this account took of `entries` (JobDeps.runClaims.giveBack). */
function giveBackInRoom(deps: JobDeps, entries: readonly BatchEntry[]): void {
  if (entries.length > 0) deps.runClaims?.giveBack(entries.map((e) => ({ domain: e.domain, expiryMs: e.expiryMs })));
}

/**
 * A batch abandoned before its paid call on ledger trouble: what `entries` took of the budgets goes back, and every
 * claim of the batch is released and the batch closed, best effort (check's reconciler settles what stays).
 */
async function giveUpUnsent(
  deps: JobDeps,
  prepared: Batch,
  entries: readonly BatchEntry[],
  periods: BudgetPeriods,
  why: string,
): Promise<void> {
  await giveBack(deps, periods, { count: entries.length, spend: costOf(entries) });
  await releaseUnsent(deps, prepared, prepared.entries, `${why}; nothing was sent`, true).catch((releaseErr: unknown) =>
    deps.log.warn('unsent batch not released; check settles it', describeError(releaseErr)),
  );
}

/**
 * The entries not held by a person now: the holds are read again (one consistent read, `read`) once this run's
 * claims of them are durable, before the submit start (readBeforeSend). `autorenew hold` writes its hold, then
 * reads the claims: whichever comes second sees the other, so a hold it confirms as "will not buy" is never bought,
 * and one it cannot stop is named in flight (review 2026-12-05, round 4: the run read the holds once, with the
 * listing, and bought a domain a person held while it ran). A held entry's claim is given back (not an attempt)
 * with its share of the budgets. On ledger trouble the whole batch is given back unsent and the error thrown (the
 * caller names it not sent).
 */
async function dropHeldSincePlan(
  deps: JobDeps,
  prepared: Batch,
  entries: readonly BatchEntry[],
  periods: BudgetPeriods,
  read: Promise<Settled<Set<string>>>,
): Promise<readonly BatchEntry[]> {
  const holds = await read;
  if (!holds.ok) {
    await giveUpUnsent(deps, prepared, entries, periods, 'the holds could not be read');
    throw holds.error;
  }
  const held = holds.value;
  const dropped = entries.filter((e) => held.has(e.domain));
  if (dropped.length === 0) return entries;
  await giveBack(deps, periods, { count: dropped.length, spend: costOf(dropped) });
  // Best effort: a claim left live is not in the entries sent, and the daily sweep releases it once the batch closes.
  await releaseLeftOut(deps, prepared, dropped, 'held by a person (autorenew hold) before it was sent').catch(
    (err: unknown) => deps.log.warn('claims of held domains not released; the sweep releases them', describeError(err)),
  );
  return entries.filter((e) => !held.has(e.domain));
}

/**
 * Leaves out the entries another account of this run has taken (JobDeps.runClaims): the same domain and expiry
 * listed by two accounts (two RAM users of one Alibaba account, or a domain pushed between them). Each account's
 * planner reads the others' claims, but the accounts plan at the same time, before either has claimed, and both
 * bought (M1 is per domain and expiry, whatever the account). Their claims here are released, best effort.
 */
async function dropTakenInRun(
  deps: JobDeps,
  prepared: Batch,
  entries: readonly BatchEntry[],
  periods: BudgetPeriods,
): Promise<readonly BatchEntry[]> {
  if (!deps.runClaims || entries.length === 0) return entries;
  const mine = deps.runClaims.take(entries.map((e) => ({ domain: e.domain, expiryMs: e.expiryMs })));
  const taken = entries.filter((e) => !mine.has(claimKey(e.domain, e.expiryMs)));
  if (taken.length === 0) return entries;
  deps.log.warn('domains another account of this run is buying (listed by both at the same expiry): not bought here', {
    domains: taken.map((e) => e.domain),
  });
  await giveBack(deps, periods, { count: taken.length, spend: costOf(taken) });
  await releaseLeftOut(
    deps,
    prepared,
    taken,
    'bought by another account of this run (the same domain and expiry)',
  ).catch((err: unknown) =>
    deps.log.warn('claims left to another account not released; the sweep releases them', describeError(err)),
  );
  return entries.filter((e) => !taken.includes(e));
}

/**
 * Leaves out the entries another account holds a live (or RENEWED) claim of, read once this run's own claims were
 * durable (peer-claims.ts, without this run's own). Two runs that overlap are two rooms (the schedule beside an
 * operator's `autorenew renew --account b`, or one schedule event delivered twice under two request ids), and
 * between them only the planner's read guarded: both planned before either claimed, and both bought (review
 * 2026-12-06). Each run writes its claim, then reads the other's: whichever reads second sees the first and leaves
 * the domain to it; when both read after both wrote, both leave it and the next daily run buys it once (named in
 * the digest meanwhile). A failed read gives the whole batch back unsent and throws: nothing is bought on a guess.
 */
async function dropClaimedByPeers(
  deps: JobDeps,
  prepared: Batch,
  entries: readonly BatchEntry[],
  periods: BudgetPeriods,
  read: Settled<Map<string, Claim>>,
): Promise<readonly BatchEntry[]> {
  if (entries.length === 0) return entries; // nothing left to send: a failed read changes nothing
  if (!read.ok) {
    await giveUpUnsent(deps, prepared, entries, periods, "the other accounts' claims could not be read");
    throw read.error;
  }
  const taken = entries.filter((e) => {
    const claim = read.value.get(claimKey(e.domain, e.expiryMs));
    return claim !== undefined && isPeerInFlight(claim);
  });
  if (taken.length === 0) return entries;
  deps.log.warn('domains another account claimed in a run overlapping this one: not bought here', {
    domains: taken.map((e) => e.domain),
    heldBy: [...new Set(taken.map((e) => read.value.get(claimKey(e.domain, e.expiryMs))?.attemptId))],
  });
  await giveBack(deps, periods, { count: taken.length, spend: costOf(taken) });
  await releaseLeftOut(deps, prepared, taken, 'claimed by another account in an overlapping run').catch(
    (err: unknown) =>
      deps.log.warn('claims left to another account not released; the sweep releases them', describeError(err)),
  );
  return entries.filter((e) => !taken.includes(e));
}

/**
 * Records the TaskNo of a sent batch (M2). Never rejects: a TaskNo the ledger does not take is logged and counted
 * (`not-recorded`), and written to the claims if the ledger takes that.
 */
async function recordTaskNo(
  deps: JobDeps,
  batch: Batch,
  entries: readonly BatchEntry[],
  submitted: SubmitResult,
): Promise<BatchResult> {
  const { batchId } = batch;
  const log = deps.log.child({ runId: batch.runId, batchId });
  try {
    await recordSubmission(deps, batch, submitted);
  } catch (err) {
    // M2: the TaskNo must reach at least one durable place: this ERROR line (CloudWatch Logs), the metric, the
    // failed invocation (on-failure destination) and the summary; and, if the ledger takes it there, the claims,
    // from which check adopts it (a batch whose TaskNo was ever seen is never released).
    log.error('TaskNo NOT RECORDED on the batch; record it by hand', {
      taskNo: submitted.taskNo,
      requestId: submitted.requestId,
      domains: entries.map((e) => e.domain),
      ...describeError(err),
    });
    deps.metrics({ TaskNoNotRecorded: 1 });
    await applyToClaims(deps, batch, (c) => (isLive(c) ? transitions.recordSubmit(c, submitted.taskNo) : c)).catch(
      (claimErr) => log.error('TaskNo not recorded on the claims either', describeError(claimErr)),
    );
    return { batchId, status: 'not-recorded', domains: entries.length, taskNo: submitted.taskNo };
  }
  // The claims stay CLAIMED: the batch record is the one place that says the submit happened and holds the TaskNo,
  // and a CLAIMED claim is exactly as live as a submitted one. No per-domain write sits between two paid calls.
  return { batchId, status: 'submitted', domains: entries.length, taskNo: submitted.taskNo };
}

/** Writes the TaskNo onto the batch with retries; a version conflict re-reads and re-applies (idempotent). */
async function recordSubmission(deps: JobDeps, batch: Batch, submitted: SubmitResult): Promise<Batch> {
  let current = batch;
  return retryWithBackoff(
    async () => {
      try {
        return await deps.ledger.saveBatch({
          ...current,
          status: 'SUBMITTED',
          taskNo: submitted.taskNo,
          requestId: submitted.requestId,
          submittedAtMs: deps.clock.now(),
          updatedAtMs: deps.clock.now(),
          pendingNotices: [...new Set([...current.pendingNotices, 'submitted' as const])],
        });
      } catch (err) {
        if (err instanceof LedgerConflictError) {
          const fresh = await deps.ledger.getBatch(current.batchId);
          if (fresh?.taskNo === submitted.taskNo) return fresh;
          if (fresh) current = fresh;
        }
        throw err;
      }
    },
    { attempts: 6, baseMs: 200, capMs: 5_000, sleep: deps.sleep, stop: createNoTimeToRetry(deps.remainingMs) },
  ).catch((err: unknown) => {
    throw new TaskNoNotRecordedError(
      `TaskNo ${submitted.taskNo} of batch ${batch.batchId} could not be written to the ledger`,
      { batchId: batch.batchId, taskNo: submitted.taskNo, requestId: submitted.requestId },
      { cause: err },
    );
  });
}

async function handleSubmitError(
  deps: JobDeps,
  policy: Policy,
  batch: Batch,
  err: unknown,
  periods: BudgetPeriods,
): Promise<BatchResult> {
  const log = deps.log.child({ runId: batch.runId, batchId: batch.batchId });
  const info = describeError(err);
  const code =
    err instanceof RejectedFinalError || err instanceof RejectedRetryableError
      ? err.code
      : err instanceof InputError
        ? 'not-sent'
        : undefined;
  const requestId =
    err instanceof AmbiguousOutcomeError || err instanceof RejectedFinalError ? err.requestId : undefined;
  const message = boundText(err instanceof Error ? err.message : String(err));
  const now = deps.clock.now();
  const error = { message, ...(code ? { code } : {}), ...(requestId ? { requestId } : {}) };

  // The registrar adapter throws InputError only before sending: proven not executed. A request it cannot express
  // is final, like a refusal; a secret it cannot read is for a person to fix and uses up no attempt.
  const notSent = err instanceof InputError;
  if (err instanceof RejectedFinalError || err instanceof RejectedRetryableError || notSent) {
    // Proven not executed. A final rejection counts as an attempt (so a bad request is not repeated forever); a
    // retryable one that ran out of retries does not, nor does an authorisation failure (the key, not the domain,
    // is at fault: the run stops and alerts). Claims first: if their write fails, the batch stays open and is
    // settled by check, so no claim is left live under a closed batch.
    const auth = err instanceof AuthRejectedError;
    const final = (err instanceof RejectedFinalError && !auth) || (notSent && !(err instanceof SecretError));
    log.warn(final ? 'submit rejected; nothing bought' : 'submit not accepted; nothing bought', info);
    try {
      await recordRefusal(deps, policy, batch, { final, code, message, now, error });
    } catch (writeErr) {
      // An authorisation refusal stops the run even when it could not be recorded: every later batch would go out
      // with the same refused key (review 2026-12-03). The batch stays as it is: check settles it (nothing bought).
      if (!auth) {
        // Proven not executed: the money goes back, the count only when not final (as below). The batch stays for
        // check to settle; the run's line names the registrar's reason, which is recorded nowhere else.
        await giveBack(deps, periods, { count: final ? 0 : batch.entries.length, spend: costOf(batch.entries) });
        throw new LedgerError(
          `the registrar refused the order (${message}), nothing was bought; recording the refusal failed: ${writeErr instanceof Error ? writeErr.message : String(writeErr)}`,
          { ...(code ? { code } : {}), ...(requestId ? { requestId } : {}) },
          { cause: writeErr },
        );
      }
      log.error('the authorisation refusal could not be recorded; the run stops anyway', describeError(writeErr));
      await giveBack(deps, periods, { count: batch.entries.length, spend: costOf(batch.entries) });
      return { batchId: batch.batchId, status: 'error', domains: batch.entries.length, message, stoppedBy: err };
    }
    // Proven not executed, so nothing was charged: the money goes back either way, the count only when not final.
    if (final) deps.metrics({ RenewalsFailed: batch.entries.length });
    await giveBack(deps, periods, { count: final ? 0 : batch.entries.length, spend: costOf(batch.entries) });
    return {
      batchId: batch.batchId,
      status: final ? 'rejected' : 'not-submitted',
      domains: batch.entries.length,
      ...(code ? { code } : {}),
      message,
      ...(auth ? { stoppedBy: err } : {}),
    };
  }

  // Ambiguous (or an unexpected error after the request may have left): never resend; check reconciles. The batch
  // first: once it is UNKNOWN, check owns it, and a claim still CLAIMED under it is just as live.
  log.error('submit outcome unknown; claims kept live for reconciliation', info);
  deps.metrics({ OutcomesUnknown: batch.entries.length });
  // An error answer that names the task it made: kept on the batch, where check adopts it at once. Kept only in the
  // message, the batch was released after a day while the task list had not shown the task yet, and the next run
  // bought the domain again (review 2026-12-07).
  const namedTaskNo = err instanceof AmbiguousOutcomeError ? err.context.taskNo : undefined;
  const unknownOf = (b: Batch): Batch => ({
    ...b,
    status: 'UNKNOWN',
    updatedAtMs: now,
    error,
    ...(namedTaskNo ? { taskNo: namedTaskNo } : {}),
    pendingNotices: [...new Set([...b.pendingNotices, 'unknown' as const])],
  });
  let unknown: Batch;
  try {
    unknown = namedTaskNo
      ? await saveNamedUnknown(deps, batch, unknownOf, namedTaskNo)
      : await deps.ledger.saveBatch(unknownOf(batch));
  } catch (writeErr) {
    // After the paid call: never "failed before submitting", which could lead a person to renew it by hand while
    // the registrar holds the order. The durable submit start already makes check settle the batch as uncertain.
    log.error('submit outcome unknown and not recorded as such; check settles the batch from its submit start', {
      ...describeError(writeErr),
      ...(namedTaskNo ? { taskNo: namedTaskNo } : {}),
      domains: batch.entries.map((e) => e.domain),
    });
    // M2: the TaskNo the answer named goes onto the claims, where check adopts it, as a 2xx answer's does
    // (recordTaskNo). Kept nowhere, the batch was released while the task waited in the queue, and the domain was
    // bought again (review 2026-12-07, twenty-sixth session).
    if (namedTaskNo) {
      deps.metrics({ TaskNoNotRecorded: 1 });
      // An earlier attempt's TaskNo stays listed as earlier: recorded as this submit's alone, reconcile adopted that
      // old failed task and the domain was bought again (review 2026-12-07, twenty-sixth session).
      const record = (c: Claim): Claim => {
        const next = transitions.recordSubmit(c, namedTaskNo);
        return c.previousTaskNos?.includes(namedTaskNo)
          ? { ...next, previousTaskNos: [...new Set([...(next.previousTaskNos ?? []), namedTaskNo])] }
          : next;
      };
      await applyToClaims(deps, batch, (c) => (isLive(c) ? record(c) : c)).catch((claimErr) =>
        log.error('the TaskNo the error answer named is not recorded on the claims either; record it by hand', {
          taskNo: namedTaskNo,
          ...describeError(claimErr),
        }),
      );
    }
    return { batchId: batch.batchId, status: 'unknown', domains: batch.entries.length, message, notRecorded: true };
  }
  await applyToClaims(deps, unknown, (c) => (isLive(c) ? transitions.markUnknown(c, message) : c)).catch((claimErr) =>
    log.warn('claims not marked UNKNOWN; they stay live under the UNKNOWN batch', describeError(claimErr)),
  );
  return { batchId: batch.batchId, status: 'unknown', domains: batch.entries.length, message };
}

/**
 * The UNKNOWN batch with the TaskNo an error answer named, written as a 2xx answer's TaskNo is (recordSubmission):
 * retried with backoff, and on a version conflict re-read (done when it already holds that TaskNo; re-applied to a
 * batch still open). Throws when it cannot be written.
 */
async function saveNamedUnknown(
  deps: JobDeps,
  batch: Batch,
  unknownOf: (b: Batch) => Batch,
  taskNo: string,
): Promise<Batch> {
  let current = batch;
  return retryWithBackoff(
    async () => {
      try {
        return await deps.ledger.saveBatch(unknownOf(current));
      } catch (err) {
        if (err instanceof LedgerConflictError) {
          const fresh = await deps.ledger.getBatch(current.batchId);
          if (fresh?.taskNo === taskNo) return fresh;
          if (fresh && fresh.status !== 'CLOSED') current = fresh;
        }
        throw err;
      }
    },
    // Near the deadline, the claims fallback and its ERROR line go first (as recordSubmission's).
    { attempts: 6, baseMs: 200, capMs: 5_000, sleep: deps.sleep, stop: createNoTimeToRetry(deps.remainingMs) },
  );
}

/** Records a proven refusal: claims first (an attempt when final), then the batch, closed. Throws on a failed write. */
async function recordRefusal(
  deps: JobDeps,
  policy: Policy,
  batch: Batch,
  o: { final: boolean; code: string | undefined; message: string; now: number; error: NonNullable<Batch['error']> },
): Promise<void> {
  const { final, code, message, now, error } = o;
  await applyToClaims(deps, batch, (c) =>
    isLive(c)
      ? transitions.reject(c, {
          final,
          shared: batch.entries.length > 1,
          code: code ?? (final ? 'rejected' : NOT_SUBMITTED_CODE),
          message,
          nowMs: now,
          retryAfterHours: policy.limits.retryAfterHours,
        })
      : c,
  );
  await deps.ledger.saveBatch({
    ...batch,
    status: 'CLOSED',
    closedAtMs: now,
    updatedAtMs: now,
    error,
    entries: batch.entries.map((e) => ({ ...e, outcome: final ? 'FAILED' : 'NOT_SUBMITTED', message })),
    pendingNotices: final ? [...batch.pendingNotices, 'final'] : batch.pendingNotices,
  });
}
