import { LEDGER_CONCURRENCY, mapWithLimit } from '../concurrency';
import { LedgerConflictError } from '../errors';
import type { Batch, BatchEntry, Claim, ClaimRequest, ClaimStatus } from '../ledger/port';
import { classifyReason } from '../notify/text/advice';
import { HOUR_MS } from './dates';
import type { JobDeps } from './deps';
import { claimKey } from './plan-types';

/** Claim code of a failure a person can fix (balance, real-name, a permission): it uses up no attempt. */
export const FIXABLE_CODE = 'needs-fix';
/** Claim code of a renewal whose row failed because the domain was renewed elsewhere first: nothing to retry. */
export const RENEWED_ELSEWHERE_CODE = 'renewed-elsewhere';
/** Claim code of a claim given back without an attempt (transitions.release, a passing refusal): nothing was bought. */
export const NOT_SUBMITTED_CODE = 'not-submitted';

/**
 * The claim state machine: every change of a claim's status is one of these named transitions (docs/design.md).
 * A claim is *live* (CLAIMED, SUBMITTED, UNKNOWN) while a renewal of its (domain, expiry) may be in flight; the
 * planner never buys a live key. Transitions are pure: Claim in, Claim out, time passed in (epoch ms).
 *
 *   (none) --claim--> CLAIMED --recordSubmit--> SUBMITTED --confirm--> RENEWED
 *   FAILED --takeOver--> CLAIMED          SUBMITTED/CLAIMED --fail--> FAILED (an attempt, unless fixable or renewed)
 *   CLAIMED --reject--> FAILED             CLAIMED --markUnknown--> UNKNOWN --adopt--> SUBMITTED
 *   UNKNOWN --release--> FAILED (not-submitted, not an attempt)      any live --repair--> per its batch record
 */

/** Statuses in which a renewal of the key may still be in flight. */
export const LIVE_STATUSES: readonly ClaimStatus[] = ['CLAIMED', 'SUBMITTED', 'UNKNOWN'];

export function isLive(claim: Pick<Claim, 'status'>): boolean {
  return LIVE_STATUSES.includes(claim.status);
}

/**
 * When an existing claim may be taken over by a new run: every clause must hold. The DynamoDB adapter translates
 * exactly these clauses into its condition expression (see ledger/dynamodb.ts `TAKEOVER_CONDITION`).
 */
export const TAKEOVER_CLAUSES = [
  {
    name: 'failed',
    reason: 'only a FAILED claim is settled: a live one may still be bought, a RENEWED one was',
    holds: (c: Claim) => c.status === 'FAILED',
  },
  {
    name: 'attempts-left',
    reason: 'a key that failed maxAttempts times needs a human, not another charge',
    holds: (c: Claim, r: ClaimRequest) => c.attempts < r.maxAttempts,
  },
  {
    name: 'backoff-passed',
    reason: 'a failure is retried only after retryAfterHours, so a bad state is not hammered',
    holds: (c: Claim, r: ClaimRequest) => c.nextEligibleAtMs === undefined || c.nextEligibleAtMs <= r.nowMs,
  },
] as const;

/** Whether `request` may take over `existing` (pure mirror of the adapter's condition, for tests and docs). */
export function mayTakeOver(existing: Claim, request: ClaimRequest): boolean {
  return TAKEOVER_CLAUSES.every((clause) => clause.holds(existing, request));
}

/** Every TaskNo this claim has ever been linked to (current and earlier submissions). */
export function knownTaskNos(claim: Pick<Claim, 'taskNo' | 'previousTaskNos'>): string[] {
  return [...(claim.taskNo ? [claim.taskNo] : []), ...(claim.previousTaskNos ?? [])];
}

/**
 * The claim's TaskNo and earlier TaskNos once `taskNo` is its own (absent: as they are). Spread over {@link
 * withoutTaskNos}: spread over the claim itself, an emptied `previousTaskNos` left the claim's old list in place, and
 * the claim named one TaskNo both as its own and as an earlier attempt's (review 2026-12-07, twenty-sixth session).
 */
function withTaskNo(claim: Claim, taskNo: string | undefined): Pick<Claim, 'taskNo' | 'previousTaskNos'> {
  if (!taskNo) return { ...(claim.taskNo ? { taskNo: claim.taskNo } : {}), ...pick(claim) };
  const previous = new Set(knownTaskNos(claim));
  previous.delete(taskNo);
  return { taskNo, ...(previous.size > 0 ? { previousTaskNos: [...previous] } : {}) };
}

function asPrevious(claim: Claim, taskNo: string): Pick<Claim, 'previousTaskNos'> {
  const all = [...new Set([...knownTaskNos(claim), ...(taskNo ? [taskNo] : [])])];
  return all.length > 0 ? { previousTaskNos: all } : {};
}

function pick(claim: Claim): Pick<Claim, 'previousTaskNos'> {
  return claim.previousTaskNos?.length ? { previousTaskNos: [...claim.previousTaskNos] } : {};
}

/** base() without the earlier TaskNos: for the states whose TaskNos withTaskNo writes. */
function withoutTaskNos(claim: Claim): Claim {
  const { previousTaskNos: _p, ...rest } = base(claim);
  return rest;
}

/** Drops the fields of a finished state that must not survive into a new one. */
function base(claim: Claim): Claim {
  const { code: _c, message: _m, nextEligibleAtMs: _n, newExpiryMs: _x, taskNo: _t, ...rest } = claim;
  return rest;
}

/**
 * The backoff counts from the attempt less this, ms: the next daily run plans a little before the time of day at
 * which yesterday's order was sent (after its listing and prices), and would skip it by seconds.
 */
export const RETRY_SCHEDULE_SLACK_MS = HOUR_MS;
/** At most this long after a failure is read, ms (with the backoff from the attempt, whichever is later). */
export const RETRY_AFTER_READ_MAX_MS = 12 * HOUR_MS;

export const transitions = {
  /** The submit answered with a TaskNo: kept on the claim so adoption can never take this task for another key. */
  recordSubmit: (c: Claim, taskNo: string): Claim => ({
    ...withoutTaskNos(c),
    status: 'SUBMITTED',
    ...withTaskNo(c, taskNo),
  }),
  /**
   * The registrar refused the submit before executing it. A final refusal counts an attempt, except one of a batch
   * of several (`shared`): then it is not known whose fault it was, and the key is retried in a batch of its own.
   */
  reject: (
    c: Claim,
    o: { final: boolean; shared?: boolean; code: string; message: string; nowMs: number; retryAfterHours: number },
  ) => ({
    ...base(c),
    status: 'FAILED' as const,
    attempts: c.attempts + (o.final && !o.shared ? 1 : 0),
    ...(o.final && o.shared ? { alone: true } : {}),
    // The hour of slack `fail` has: read seconds after the run started (it lists first), the next daily run, which
    // plans from its own start, came too early, and every refusal waited two days (review 2026-12-07).
    nextEligibleAtMs: o.final
      ? o.nowMs +
        Math.max(
          o.retryAfterHours * HOUR_MS - RETRY_SCHEDULE_SLACK_MS,
          Math.min(o.retryAfterHours * HOUR_MS, RETRY_AFTER_READ_MAX_MS),
        )
      : o.nowMs,
    code: o.code,
    message: o.message,
  }),
  /**
   * The task reported this domain failed: counts an attempt (unless fixable, or renewed elsewhere); retried after the
   * backoff. `renewedElsewhereToMs` (epoch ms): the registrar shows old + years all the same, this expiry (another
   * order, or this one after all): code renewed-elsewhere, no attempt; the planner never buys the key by itself
   * (`shown-renewed`, with will-lapse alerts) until a person resets it (`autorenew retry <domain>`).
   */
  fail: (
    c: Claim,
    o: {
      taskNo: string;
      message: string;
      nowMs: number;
      /**
       * When the order was sent (epoch ms): the backoff counts from it. Counted from when check read the failure
       * (an hour after the daily run), the next day's run came too early and each retry took two days (review
       * 2026-12-05, round 4).
       */
      attemptAtMs?: number;
      retryAfterHours: number;
      fixable?: boolean;
      renewedElsewhereToMs?: number;
    },
  ): Claim => ({
    ...base(c),
    status: 'FAILED',
    // A failure a person fixes outside the tool (balance, real-name verification) is not the renewal's fault: it
    // uses up no attempt, and the domain is retried after the backoff until the fix is made.
    attempts: c.attempts + (o.fixable || o.renewedElsewhereToMs !== undefined ? 0 : 1),
    nextEligibleAtMs: Math.max(
      Math.min(o.attemptAtMs ?? o.nowMs, o.nowMs) + o.retryAfterHours * HOUR_MS - RETRY_SCHEDULE_SLACK_MS,
      // A task that waited long in the queue still gets some rest after its failure is known (review 2026-12-05).
      o.nowMs + Math.min(o.retryAfterHours * HOUR_MS, RETRY_AFTER_READ_MAX_MS),
      o.renewedElsewhereToMs ?? 0,
    ),
    code: o.renewedElsewhereToMs !== undefined ? RENEWED_ELSEWHERE_CODE : o.fixable ? FIXABLE_CODE : 'task-failed',
    message: o.message,
    // Kept as an earlier TaskNo (a takeover clears `taskNo`), so adoption can never mistake it for a later submit.
    ...asPrevious(c, o.taskNo),
  }),
  /** The new expiry was read back and is about old + years. */
  confirm: (c: Claim, o: { taskNo?: string; newExpiryMs: number }): Claim => ({
    ...withoutTaskNos(c),
    status: 'RENEWED',
    newExpiryMs: o.newExpiryMs,
    ...withTaskNo(c, o.taskNo),
  }),
  /** The submit's answer was lost or ambiguous: it may have been bought. */
  markUnknown: (c: Claim, message: string): Claim => ({ ...base(c), status: 'UNKNOWN', message }),
  /** Reconciliation found the one task the lost submit created. */
  adopt: (c: Claim, taskNo: string): Claim => ({ ...withoutTaskNos(c), status: 'SUBMITTED', ...withTaskNo(c, taskNo) }),
  /** The release rule proved nothing was bought: claimable again at once, and not an attempt. */
  release: (c: Claim, o: { message: string; nowMs: number }): Claim => ({
    ...base(c),
    status: 'FAILED',
    code: NOT_SUBMITTED_CODE,
    message: o.message,
    nextEligibleAtMs: o.nowMs,
  }),
  /**
   * Closed by a person (`autorenew close-batch`) while its task's row said renewed and check could not confirm it (the
   * domain moved to another account, its expiry moved oddly): `renewed-elsewhere`, as check's own shown-renewed
   * failure, so no account buys the key by itself until a person resets it (`autorenew retry <domain>`). Released as
   * not-submitted, the other accounts' guard read it as nothing bought (review 2026-12-07).
   */
  closeRowRenewed: (c: Claim, o: { message: string; nowMs: number }): Claim => ({
    ...transitions.release(c, o),
    code: RENEWED_ELSEWHERE_CODE,
  }),
  /** A live claim whose batch is missing: moved under a new UNKNOWN batch that check settles (TaskNo kept). */
  rehome: (c: Claim, batchId: string): Claim => ({
    ...c,
    status: 'UNKNOWN',
    batchId,
    message: 'repaired: its batch was closed or missing while it was live',
  }),
  /** A live claim left behind by a closed batch: brought in line with what the batch recorded for it. */
  repair: (c: Claim, batch: Batch, entry: BatchEntry | undefined, o: { nowMs: number; retryAfterHours: number }) => {
    const taskNo = batch.taskNo;
    if (entry?.outcome === 'RENEWED' && entry.newExpiryMs !== undefined) {
      return transitions.confirm(c, { ...(taskNo ? { taskNo } : {}), newExpiryMs: entry.newExpiryMs });
    }
    if (entry?.outcome === 'FAILED') {
      const message = entry.message ?? 'failed';
      const fixable = isFixableByPerson(message, isCouponSent(batch));
      return transitions.fail(c, { taskNo: taskNo ?? '', message, fixable, ...o });
    }
    return transitions.release(c, { message: entry?.message ?? 'released by repair', nowMs: o.nowMs });
  },
} as const;

/**
 * Failure reasons a person fixes outside the tool; they use up no attempt (the text is the only signal we have).
 * `couponSent`: the order carried a coupon or promotion (a coupon's refusal uses an attempt; classifyReason).
 */
export function isFixableByPerson(message: string, couponSent: boolean): boolean {
  const kind = classifyReason(message, couponSent);
  return kind === 'balance' || kind === 'real-name';
}

/**
 * Applies `transition` to each claim this batch holds (only `domains`, when given). A version conflict re-reads
 * and re-applies; a claim now held by another batch is left alone. Any other failure THROWS: the caller must not
 * save or close the batch, so the step repeats on the next run and no claim is orphaned. `known` (by claimKey) are
 * claims read earlier: used instead of a read, since a stale one fails its versioned save and is re-read.
 */
export async function applyToClaims(
  deps: Pick<JobDeps, 'ledger' | 'clock'>,
  batch: Pick<Batch, 'batchId' | 'entries'>,
  transition: (c: Claim) => Claim,
  domains?: ReadonlySet<string>,
  known?: ReadonlyMap<string, Claim>,
): Promise<void> {
  const keys = batch.entries
    .filter((e) => !domains || domains.has(e.domain))
    .map((e) => ({ domain: e.domain, expiryMs: e.expiryMs }));
  if (keys.length === 0) return;
  const unknown = keys.filter((k) => !known?.has(claimKey(k.domain, k.expiryMs)));
  const read = unknown.length > 0 ? await deps.ledger.getClaims(unknown) : [];
  const claims = [...keys.flatMap((k) => known?.get(claimKey(k.domain, k.expiryMs)) ?? []), ...read];
  await mapWithLimit(claims, LEDGER_CONCURRENCY, async (claim) => {
    let current: Claim | undefined = claim;
    for (let attempt = 1; current && current.batchId === batch.batchId; attempt++) {
      const next = transition(current);
      if (next === current) return;
      try {
        await deps.ledger.saveClaim({ ...next, updatedAtMs: deps.clock.now() });
        return;
      } catch (err) {
        if (!(err instanceof LedgerConflictError) || attempt >= 3) throw err;
        current = (await deps.ledger.getClaims([claim]))[0];
      }
    }
  });
}

/** Whether a batch's order carried a coupon or promotion (a failure is then read as the coupon's when it says so). */
export function isCouponSent(batch: Pick<Batch, 'couponNo' | 'promotionNo'>): boolean {
  return batch.couponNo !== undefined || batch.promotionNo !== undefined;
}
