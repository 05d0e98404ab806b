import { DeadlineNearError } from '../errors';

/**
 * One ledger write at its slowest, ms: the AWS client's three tries of 5 s each and its backoff (lib/aws/client.ts
 * DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT_MS).
 */
export const LEDGER_WRITE_WORST_CASE_MS = 16_000;

/**
 * Beyond the paid call's own worst case, ms: the ledger calls around it at their slowest, the submit start before it,
 * the TaskNo on the batch after it and, when that fails, the fallback onto the claims (their read, then their writes,
 * in parallel) (M2). It was 30 s, under two of them: a run that passed its check with the margin left was killed
 * inside the TaskNo write, the TaskNo in one INFO line only (review 2026-12-07, thirty-first session); then three,
 * and the fallback's read left its write no room (the review of that fix).
 */
const LEDGER_MARGIN_MS = 4 * LEDGER_WRITE_WORST_CASE_MS;

/** The longest backoff sleep before a ledger write's next try, ms (recordSubmission's `capMs`). */
const RETRY_BACKOFF_CAP_MS = 5_000;

/**
 * True once a write that failed should not be tried again before the deadline (never without `remainingMs`): less
 * than three slow calls' time left, one for the next try and two for the fallback that records what the tries could
 * not (the TaskNo's ERROR line, then the claims' read and write: review 2026-12-07, a slow ledger's six tries
 * outlived the function; the fallback's read was not counted until the thirty-first session's review).
 */
export function createNoTimeToRetry(remainingMs: (() => number) | undefined): () => boolean {
  // The backoff before the next try too (retry.ts: up to 5 s), which the check comes before (the review of the fix).
  return () => remainingMs !== undefined && remainingMs() < 3 * LEDGER_WRITE_WORST_CASE_MS + RETRY_BACKOFF_CAP_MS;
}

/**
 * True once a run that stopped buying should not release another batch's claims (never without `remainingMs`): less
 * than one batch's release (its claims' read and write, the batch's close: three slow calls) plus the ledger margin
 * for the report left. The rest is left to check, which releases an unsent intent and names a domain near its last
 * day: released one batch after another on a throttled ledger, six batches outlived the function, and its digest,
 * naming a domain due in 18 hours, never went out (review 2026-12-08, thirty-second session).
 */
export function createNoTimeToRelease(remainingMs: (() => number) | undefined): () => boolean {
  return () => remainingMs !== undefined && remainingMs() < LEDGER_MARGIN_MS + 3 * LEDGER_WRITE_WORST_CASE_MS;
}

const DEFAULT_CALL_WORST_CASE_MS = 60_000;

/**
 * How long after its submit start a paid call may reach the registrar at the latest, ms: the submit-start write at
 * its slowest and the call's worst case with every resend (the client's worstCaseCallMs; undefined: the default).
 * A batch whose UTC day could turn within it is not sent (submit-batch.ts: its budgets are the day's).
 */
export function paidCallHorizonMs(callWorstCaseMs: number | undefined): number {
  return LEDGER_WRITE_WORST_CASE_MS + (callWorstCaseMs ?? DEFAULT_CALL_WORST_CASE_MS);
}

/**
 * How long before the platform's deadline a job stops starting work, ms: the worst case of one registrar call with
 * every retry and timeout (from the client) plus the ledger writes around it. The renew job stops starting batches,
 * the check job stops reading them, so each leaves time to record and report what it did.
 */
export function computeTimeMarginMs(callWorstCaseMs: number | undefined): number {
  return (callWorstCaseMs ?? DEFAULT_CALL_WORST_CASE_MS) + LEDGER_MARGIN_MS;
}

/**
 * After how many ms (from now) the accounts room stops waiting for accounts still running, counted in the jobs' own
 * margin (the largest of the accounts' registrars'). With a global cap, two margins before the deadline: an account
 * released from the share barrier still has one margin to buy in before it stops starting batches, and one to
 * record and report (the room's margin was the default 90 s while a job with the deployed client stops buying 200 s
 * before the deadline: the healthy account was released past its last moment to buy, 2026-12-06). Without one, the
 * room only holds digests: one margin, as a job keeps for itself (two of them, 400 s, were more than the check
 * function's 300 s, so every hourly check sent one message per account). Never below 0.
 * @param remainingMs ms left before the platform's deadline
 * @param callWorstCaseMs each account's registrar worstCaseCallMs (undefined: the default)
 * @param sharesCap whether the room shares a global cap (AUTORENEW_GLOBAL_MAX_DOMAINS)
 */
export function computeRoomWaitLimitMs(
  remainingMs: number,
  callWorstCaseMs: readonly (number | undefined)[],
  sharesCap: boolean,
): number {
  const margin = Math.max(computeTimeMarginMs(undefined), ...callWorstCaseMs.map(computeTimeMarginMs));
  return Math.max(0, remainingMs - (sharesCap ? 2 : 1) * margin);
}

/**
 * True once the job has less than {@link computeTimeMarginMs} left (never without `remainingMs`, as in tests and
 * the CLI): a step stops starting registrar calls, so the run still records and reports what it did.
 */
export function createOutOfTime(deps: {
  remainingMs?: () => number;
  registrar: { worstCaseCallMs?: number };
}): () => boolean {
  const margin = computeTimeMarginMs(deps.registrar.worstCaseCallMs);
  return () => deps.remainingMs !== undefined && deps.remainingMs() < margin;
}

/**
 * `read`, or a DeadlineNearError once less than the ledger margin (64 s) is left before the platform's deadline,
 * whichever comes first (without `remainingMs`, `read` as it is). For a free read a step makes even when short of
 * time (check's task-list read for a failed row): abandoned, its answer is not waited for, and the run still records
 * and reports what it did (review 2026-12-07: a slow one outlived the function every hour).
 */
export function withinDeadline<T>(
  read: Promise<T>,
  remainingMs: (() => number) | undefined,
  /** How long before the deadline to give up, ms (default the ledger margin, 64 s). */
  marginMs = LEDGER_MARGIN_MS,
): Promise<T> {
  if (!remainingMs) return read;
  read.catch(() => {}); // an abandoned read's late failure is nobody's
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new DeadlineNearError('abandoned: the run is near its deadline', {})),
      Math.max(0, remainingMs() - marginMs),
    );
  });
  return Promise.race([read, deadline]).finally(() => clearTimeout(timer));
}
