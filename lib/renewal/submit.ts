import { LEDGER_CONCURRENCY, mapWithLimit } from '../concurrency';
import {
  AmbiguousOutcomeError,
  AuthRejectedError,
  LedgerConflictError,
  RejectedFinalError,
  RejectedRetryableError,
  TaskNoNotRecordedError,
} from '../errors';
import type { Batch, BatchEntry, Claim } from '../ledger/port';
import { describeError } from '../log';
import type { Policy } from '../policy/schema';
import type { SubmitResult } from '../registrar';
import { claimKey, type InFlightView, type Plan, type PlannedBatch, type Reason } from './decision';
import type { JobDeps } from './deps';
import { listingWindow, planRenewals } from './plan';
import { retryWithBackoff } from './retry';

const HOUR_MS = 3_600_000;

/** Per-batch result of a renew run. */
export interface BatchResult {
  batchId: string;
  status: 'submitted' | 'unknown' | 'rejected' | 'not-submitted' | 'empty' | 'not-recorded' | 'error';
  domains: number;
  taskNo?: string;
  code?: string;
  message?: string;
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
  taskNoNotRecorded: number;
  /** Batches that failed on our side (ledger trouble) before anything was sent, or in an unexpected way. */
  errors: number;
  batches: BatchResult[];
}

export interface RenewRun {
  plan: Plan;
  summary: RenewSummary;
}

/** Plan reasons decided after the in-flight check: only these domains need their claims read. */
const AFTER_IN_FLIGHT = new Set<Reason>(['due', 'at-max-term', 'over-run-limit']);

/** Domain -> expiry of every renewal in flight (batches not yet closed), from the ledger's open-batch index. */
export function renewalsInFlight(open: readonly Batch[]): Map<string, number> {
  const live = new Map<string, number>();
  for (const b of open)
    if (b.status !== 'CLOSED') for (const e of b.entries) if (!e.outcome) live.set(e.domain, e.expiryMs);
  return live;
}

/**
 * The planner's in-flight view of one listed domain: its claim for the listed expiry, or, belt and braces for M1,
 * any open renewal of the same domain for ANOTHER expiry. The claim key is (domain, listed expiry), so a listing
 * that reported a different expiry for a domain already being renewed (stale or inconsistent) would otherwise make
 * a new key and a second purchase.
 */
export function viewOf(
  listedExpiryMs: number,
  claim: Claim | undefined,
  openExpiryMs: number | undefined,
): InFlightView | undefined {
  if (openExpiryMs !== undefined && openExpiryMs !== listedExpiryMs) return { status: 'CLAIMED', attempts: 0 };
  if (!claim) return undefined;
  return {
    status: claim.status,
    attempts: claim.attempts,
    ...(claim.nextEligibleAtMs !== undefined ? { nextEligibleAtMs: claim.nextEligibleAtMs } : {}),
  };
}

/**
 * Lists the candidates and plans: the free part of a run, shared by `plan`, dry runs and `renew`. The open batches
 * are read while the listing runs; a first plan without ledger data finds the domains that reach the in-flight
 * check, only their claims are read (one BatchGet per 100), then the real plan is made.
 */
export async function listAndPlan(
  deps: Pick<JobDeps, 'registrar' | 'ledger' | 'clock'>,
  policy: Policy,
): Promise<Plan> {
  const nowMs = deps.clock.now();
  const window = listingWindow(policy, nowMs);
  const [domains, open] = await Promise.all([
    deps.registrar.listDomains({ expiringFromMs: window.fromMs, expiringToMs: window.toMs }),
    deps.ledger.listOpenBatches(),
  ]);
  const draft = planRenewals({ domains, policy, inFlight: new Map(), nowMs });
  const candidates = draft.decisions.filter((d) => AFTER_IN_FLIGHT.has(d.reason)).map((d) => d.domain);
  const claims = new Map<string, Claim>();
  const keys = candidates.map((d) => ({ domain: d.domainName.toLowerCase(), expiryMs: d.expiresAtMs }));
  for (const c of await deps.ledger.getClaims(keys)) claims.set(claimKey(c.domain, c.expiryMs), c);
  const live = renewalsInFlight(open);
  const inFlight = new Map<string, InFlightView>();
  for (const d of candidates) {
    const key = claimKey(d.domainName, d.expiresAtMs);
    const view = viewOf(d.expiresAtMs, claims.get(key), live.get(d.domainName.toLowerCase()));
    if (view) inFlight.set(key, view);
  }
  return inFlight.size === 0 ? draft : planRenewals({ domains, policy, inFlight, nowMs });
}

/**
 * The renew job (DESIGN §2): plan, then for each batch write the intent, claim each domain, mark the submit as
 * started, make the one paid call, and record the TaskNo. Dry run stops after planning: this is the only seam.
 * Batches are isolated: one failing batch never stops the others (except an authentication failure, which would
 * fail them all). Money safety: a claim is taken BEFORE the paid call; an ambiguous call is never resent here.
 */
export async function runRenew(
  deps: JobDeps,
  options: { policy: Policy; dryRun: boolean; runId: string; timeMarginMs?: number },
): Promise<RenewRun> {
  const { policy, runId } = options;
  const log = deps.log.child({ runId, job: 'renew' });
  const plan = await listAndPlan(deps, policy);
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
    deferred: byReason['over-run-limit'] ?? 0,
    skipped: plan.totals.skip,
    batchesLeftForTime: 0,
    taskNoNotRecorded: 0,
    errors: 0,
    batches: [],
  };
  log.info('planned', { listed: summary.listed, renew: summary.planned, batches: plan.batches.length });
  if (options.dryRun) return { plan, summary };

  const margin = options.timeMarginMs ?? 60_000;
  for (const planned of plan.batches) {
    if (deps.remainingMs && deps.remainingMs() < margin) {
      summary.batchesLeftForTime = plan.batches.length - summary.batches.length;
      log.warn('stopping before the time limit; remaining batches go to the next run', {
        batchesLeft: summary.batchesLeftForTime,
      });
      break;
    }
    let result: BatchResult;
    try {
      result = await submitBatch(deps, policy, runId, planned);
    } catch (err) {
      // Ledger trouble before the paid call (intent, claim, or submit-start write): nothing was sent. Claims taken
      // stay live until check releases the stale intent, so nothing can be bought twice meanwhile.
      log.error('batch failed before submitting', { domains: planned.items.length, ...describeError(err) });
      result = { batchId: '-', status: 'error', domains: 0, message: err instanceof Error ? err.message : String(err) };
      summary.errors += 1;
    }
    summary.batches.push(result);
    if (result.status === 'submitted') summary.submitted += result.domains;
    if (result.status === 'not-recorded') {
      summary.submitted += result.domains;
      summary.taskNoNotRecorded += 1;
    }
    if (result.status === 'unknown') summary.unknown += result.domains;
    if (result.status === 'rejected' || result.status === 'not-submitted') summary.rejected += result.domains;
    if (result.status !== 'error') summary.conflicts += planned.items.length - result.domains;
    if (result.code === AUTH_STOP) break;
  }
  return { plan, summary };
}

const AUTH_STOP = 'auth-rejected';

/** Claims the batch's domains; returns the claimed entries (others are held by another run). */
async function claimEntries(deps: JobDeps, policy: Policy, batch: Batch, planned: PlannedBatch): Promise<BatchEntry[]> {
  const claimed = await mapWithLimit(planned.items, LEDGER_CONCURRENCY, async (d): Promise<BatchEntry | undefined> => {
    const domain = d.domain.domainName.toLowerCase();
    const result = await deps.ledger.claim({
      domain,
      expiryMs: d.domain.expiresAtMs,
      batchId: batch.batchId,
      attemptId: batch.attemptId,
      years: d.years ?? 1,
      nowMs: deps.clock.now(),
      maxAttempts: policy.limits.maxAttempts,
    });
    if (result.ok) {
      return { domain, expiryMs: d.domain.expiresAtMs, years: d.years ?? 1, permitPremium: !!d.permitPremium };
    }
    deps.log.info('claim held elsewhere; not submitting', {
      domain,
      batchId: batch.batchId,
      heldBy: result.existing.batchId,
      status: result.existing.status,
    });
    return undefined;
  });
  const entries = claimed.filter((e): e is BatchEntry => e !== undefined);
  return entries;
}

async function submitBatch(deps: JobDeps, policy: Policy, runId: string, planned: PlannedBatch): Promise<BatchResult> {
  const batchId = deps.newId();
  const log = deps.log.child({ runId, batchId });
  const now = deps.clock.now();
  // The intent lists every domain we are about to claim, so that a run dying between its claims and the
  // submit-start write leaves claims the reconciler can find and release (else they stay CLAIMED for ever and the
  // domain lapses silently). markClaims only touches claims that carry this batchId.
  const intended: BatchEntry[] = planned.items.map((d) => ({
    domain: d.domain.domainName.toLowerCase(),
    expiryMs: d.domain.expiresAtMs,
    years: d.years ?? 1,
    permitPremium: !!d.permitPremium,
  }));
  let batch = await deps.ledger.putBatchIntent({
    batchId,
    runId,
    attemptId: `${runId}/${batchId}`,
    status: 'INTENT',
    createdAtMs: now,
    updatedAtMs: now,
    ...(planned.couponNo !== undefined ? { couponNo: planned.couponNo } : {}),
    ...(planned.promotionNo !== undefined ? { promotionNo: planned.promotionNo } : {}),
    entries: intended,
    pendingNotices: [],
    sentNotices: [],
  });
  const entries = await claimEntries(deps, policy, batch, planned);
  if (entries.length === 0) {
    await deps.ledger.saveBatch({
      ...batch,
      entries: [],
      status: 'CLOSED',
      closedAtMs: deps.clock.now(),
      updatedAtMs: deps.clock.now(),
    });
    return { batchId, status: 'empty', domains: 0 };
  }
  // Durable before the paid call: from here on the reconciler assumes the request may have reached the registrar.
  batch = await deps.ledger.saveBatch({
    ...batch,
    entries,
    submitStartedAtMs: deps.clock.now(),
    updatedAtMs: deps.clock.now(),
  });

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
    return handleSubmitError(deps, policy, batch, err);
  }

  log.info('submitted', { taskNo: submitted.taskNo, requestId: submitted.requestId, domains: entries.length });
  deps.metrics({ RenewalsSubmitted: entries.length });
  try {
    batch = await recordSubmission(deps, batch, submitted);
  } catch (err) {
    // M2: the TaskNo must reach at least one durable place: this ERROR line (CloudWatch Logs), the metric, the
    // failed invocation (on-failure destination) and the summary.
    log.error('TaskNo NOT RECORDED in the ledger; record it by hand', {
      taskNo: submitted.taskNo,
      requestId: submitted.requestId,
      domains: entries.map((e) => e.domain),
      ...describeError(err),
    });
    deps.metrics({ TaskNoNotRecorded: 1 });
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
    { attempts: 6, baseMs: 200, capMs: 5_000, sleep: deps.sleep },
  ).catch((err: unknown) => {
    throw new TaskNoNotRecordedError(
      `TaskNo ${submitted.taskNo} of batch ${batch.batchId} could not be written to the ledger`,
      { batchId: batch.batchId, taskNo: submitted.taskNo, requestId: submitted.requestId },
      { cause: err },
    );
  });
}

async function handleSubmitError(deps: JobDeps, policy: Policy, batch: Batch, err: unknown): Promise<BatchResult> {
  const log = deps.log.child({ runId: batch.runId, batchId: batch.batchId });
  const info = describeError(err);
  const code = err instanceof RejectedFinalError || err instanceof RejectedRetryableError ? err.code : undefined;
  const requestId =
    err instanceof AmbiguousOutcomeError || err instanceof RejectedFinalError ? err.requestId : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const now = deps.clock.now();
  const error = { message, ...(code ? { code } : {}), ...(requestId ? { requestId } : {}) };

  if (err instanceof RejectedFinalError || err instanceof RejectedRetryableError) {
    // Proven not executed. A final rejection counts as an attempt (so a bad request is not repeated forever);
    // a retryable one that ran out of retries does not, and the domains may be claimed again right away.
    const final = err instanceof RejectedFinalError;
    log.warn(final ? 'submit rejected; nothing bought' : 'submit not accepted (retryable); nothing bought', info);
    await deps.ledger.saveBatch({
      ...batch,
      status: 'CLOSED',
      closedAtMs: now,
      updatedAtMs: now,
      error,
      entries: batch.entries.map((e) => ({ ...e, outcome: final ? 'FAILED' : 'NOT_SUBMITTED', message })),
      pendingNotices: final ? [...batch.pendingNotices, 'final'] : batch.pendingNotices,
    });
    await markClaims(deps, batch, (c) => ({
      ...c,
      status: 'FAILED',
      attempts: c.attempts + (final ? 1 : 0),
      nextEligibleAtMs: final ? now + policy.limits.retryAfterHours * HOUR_MS : now,
      code: code ?? (final ? 'rejected' : 'not-submitted'),
      message,
    }));
    if (final) deps.metrics({ RenewalsFailed: batch.entries.length });
    return {
      batchId: batch.batchId,
      status: final ? 'rejected' : 'not-submitted',
      domains: batch.entries.length,
      ...(err instanceof AuthRejectedError ? { code: AUTH_STOP } : code ? { code } : {}),
      message,
    };
  }

  // Ambiguous (or an unexpected error after the request may have left): never resend; check reconciles.
  log.error('submit outcome unknown; claims kept as UNKNOWN for reconciliation', info);
  deps.metrics({ OutcomesUnknown: batch.entries.length });
  await deps.ledger.saveBatch({
    ...batch,
    status: 'UNKNOWN',
    updatedAtMs: now,
    error,
    pendingNotices: [...batch.pendingNotices, 'unknown'],
  });
  await markClaims(deps, batch, (c) => ({ ...c, status: 'UNKNOWN', message }));
  return { batchId: batch.batchId, status: 'unknown', domains: batch.entries.length, message };
}

/**
 * Applies `update` to every claim this batch holds (best effort, re-read on conflict). The batch item is the
 * source of truth; a claim left behind in CLAIMED is still live, so no failure here can cause a second purchase.
 */
export async function markClaims(
  deps: Pick<JobDeps, 'ledger' | 'log' | 'clock'>,
  batch: Batch,
  update: (c: Claim) => Claim,
  only?: ReadonlySet<string>,
): Promise<void> {
  const keys = batch.entries
    .filter((e) => !only || only.has(e.domain))
    .map((e) => ({ domain: e.domain, expiryMs: e.expiryMs }));
  if (keys.length === 0) return;
  const claims = await deps.ledger.getClaims(keys);
  await mapWithLimit(claims, LEDGER_CONCURRENCY, async (claim) => {
    if (claim.batchId !== batch.batchId) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const current = attempt === 0 ? claim : (await deps.ledger.getClaims([claim]))[0];
        if (!current || current.batchId !== batch.batchId) return;
        await deps.ledger.saveClaim({ ...update(current), updatedAtMs: deps.clock.now() });
        return;
      } catch (err) {
        if (!(err instanceof LedgerConflictError) || attempt === 2) {
          deps.log.warn('claim update failed; batch record stays authoritative', {
            domain: claim.domain,
            batchId: batch.batchId,
            ...describeError(err),
          });
          return;
        }
      }
    }
  });
}
