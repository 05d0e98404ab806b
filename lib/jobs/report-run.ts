import { AuthRejectedError, InputError, JobFailedError } from '../errors';
import type { RunRecord } from '../ledger/port';
import { describeError } from '../log';
import type { DomainOutcome, Notifier, RenderedMessage } from '../notify/port';
import { adviceKindOf, FAILED_RUN_LAPSE_PREFIX } from '../notify/text/advice';
import { isEntryLetGo } from '../policy/match';
import { DEFAULT_SMS_EVENTS, NOTIFY_EVENTS, type Policy } from '../policy/schema';
import { DAY_MS } from '../renewal/dates';
import type { JobDeps } from '../renewal/deps';
import { isExpiredLine, renderDigest } from '../renewal/digest';
import { deliverNotices } from '../renewal/notices';
import { boundText } from '../renewal/text';
import { completedAtOf } from './silence';

type Job = 'renew' | 'check';
type DeliverInput = Parameters<typeof deliverNotices>[2];

/** Stopping errors {@link reportRun} recorded and announced before throwing them. */
const reported = new WeakSet<object>();

/** Used for job-level error notices when the policy itself could not be loaded. */
const FALLBACK_NOTIFY = { events: NOTIFY_EVENTS, smsEvents: DEFAULT_SMS_EVENTS } as const;

/** What a finished run tells people and records: the one shape both jobs hand to {@link reportRun}. */
export interface RunReport {
  job: Job;
  runId: string;
  /** When the run started, ms since the epoch (UTC). */
  startedAtMs: number;
  /**
   * What people are told: the pending notices of these batches plus extra lines (one digest, notices moved to sent
   * once it is out), or a message rendered beforehand (the dry run's plan digest, which changes nothing).
   */
  notices:
    | { kind: 'digest'; input: Omit<DeliverInput, 'job' | 'runId'> }
    | { kind: 'message'; message: RenderedMessage };
  /** Whether an undelivered notice fails the run (both live jobs: its lines are sent again by the next run). */
  requireDelivery: boolean;
  /** The run's counts, stored in the run record (fields from counts.ts). */
  counts: Record<string, number>;
  /** Metrics of this run beside the heartbeat (`RenewRuns` / `CheckRuns`) and `JobErrors`. */
  metrics: Record<string, number>;
  /** What failed on our side, one phrase each ("2 TaskNo(s) not recorded"); empty when nothing did. */
  failures: string[];
  /** An error that stopped the run (an authorisation refusal): reported as the run's error after recording. */
  stoppedBy?: Error;
}

/**
 * The one place a finished run is reported, for both jobs: deliver its notices, record its metrics (heartbeat,
 * `JobErrors` when anything failed), write its run record; then fail loudly — the stopping error, or a
 * JobFailedError naming every failure. Returns whether the notices went out.
 */
export async function reportRun(deps: JobDeps, policy: Policy, report: RunReport): Promise<{ notified: boolean }> {
  const notified = await deliver(deps, policy, report);
  // First, before anything else can throw (the run record, a stopping error): the will-lapse names cannot wait for
  // the next run (review 2026-12-05, round 4: either one skipped the alert).
  if (report.requireDelivery && !notified) await alertUndelivered(deps, policy, report);
  const failures = [...report.failures];
  if (report.requireDelivery && !notified) failures.push('notification not delivered (retried next run)');
  const ok = failures.length === 0 && !report.stoppedBy;
  deps.metrics({ [heartbeatOf(report.job)]: 1, ...report.metrics, ...(ok ? {} : { JobErrors: 1 }) });
  if (report.stoppedBy) {
    // An authorisation failure stopped the run: reported as the run's error (an alert), nothing was counted. Before
    // the run record, which may throw: a failed record write alerted its own error instead, and the refused key's
    // advice was never sent (review 2026-12-07, twenty-seventh session).
    deps.log.error(`${report.job} job stopped`, { runId: report.runId, ...describeError(report.stoppedBy) });
    await notifyJobError(
      { notifier: deps.notifier, log: deps.log, now: deps.clock.now() },
      {
        job: report.job,
        runId: report.runId,
        error: report.stoppedBy,
        policy,
        midRun: true,
        // The run's other failures go with it: the stopping error is what is thrown and alerted, and they were in the
        // log only (review 2026-12-07, twenty-ninth session).
        alsoFailed: failures,
      },
    );
    reported.add(report.stoppedBy);
  }
  try {
    const finishedAtMs = deps.clock.now();
    const lastCompletedAtMs = report.stoppedBy ? await readLastCompleted(deps, report.job) : finishedAtMs;
    const record = {
      job: report.job,
      runId: report.runId,
      startedAtMs: report.startedAtMs,
      finishedAtMs,
      ok,
      summary: report.counts,
      ...(report.stoppedBy ? { error: boundText(report.stoppedBy.message) } : {}),
      ...(lastCompletedAtMs !== undefined ? { lastCompletedAtMs } : {}),
    };
    // Tried twice (a conditional put, the same either time): one failed write left a run that completed unrecorded,
    // and the other job paged it as missing a day later (review 2026-12-07, twenty-ninth session).
    await deps.ledger.recordRun(record).catch(() => deps.ledger.recordRun(record));
  } catch (err) {
    // Logged and counted as one of the run's failures, not thrown: the run's notices went out, and a record error
    // thrown from here reached reportRunFailure as a run that failed before its plan, whose alert paged the watched
    // renewals due within two days as "will lapse, renew it by hand if there is none", this run's own purchases
    // among them (review 2026-12-07, twenty-ninth session). The stopping error stays the run's.
    deps.log.error('the run record could not be written', { runId: report.runId, ...describeError(err) });
    if (ok) deps.metrics({ JobErrors: 1 });
    failures.push('the run record could not be written (the other job may read this run as missing)');
  }
  if (report.stoppedBy) throw report.stoppedBy;
  if (failures.length > 0) {
    // A renew run may fail this way after buying: say so, so no one reads the failure as "nothing was bought"; nor
    // an order whose answer was lost (review 2026-12-05: counted as nothing, a person might have bought it by hand).
    const bought = report.counts.submitted ?? 0;
    const maybe = report.job === 'renew' ? (report.counts.unknown ?? 0) : 0; // check's `unknown`: batches it saw so
    const note =
      (bought > 0 ? `; ${bought} domain(s) were submitted (autorenew status lists them)` : '') +
      (maybe > 0
        ? `; ${maybe} domain(s) may have been bought (the order's answer was lost: check settles it; autorenew status lists them)`
        : '');
    throw new JobFailedError(`${report.job} run ${report.runId}: ${failures.join(', ')}${note}`);
  }
  return { notified };
}

/** Will-lapse domains named in the alert for an undelivered digest; the rest are counted. */
const UNDELIVERED_NAMES = 10;

/**
 * The digest did not go out (SNS failed after its own retries). Its batch notices stay pending for the next run,
 * but renew's will-lapse lines exist only in this run's plan and come again with the next renew, a day later: a
 * 1-day line went out after the expiry, and the failure paged nobody, the JobFailedError counting as reported
 * (review 2026-12-04). One short error notice now (an SMS by default), naming what cannot wait; best effort, since
 * SNS may still be down. Batch notices are not its business: they stay pending and the hourly check sends them.
 */
async function alertUndelivered(deps: JobDeps, policy: Policy, report: RunReport): Promise<void> {
  const lapsing =
    report.notices.kind === 'digest'
      ? (report.notices.input.extra?.outcomes ?? []).filter((o) => o.event === 'will-lapse')
      : [];
  if (lapsing.length === 0) return;
  const isLook = (o: DomainOutcome) => adviceKindOf(o) === 'will-lapse-look';
  // Soonest first; on a tie the line a person must act on (not being bought) before a look-first one.
  const sorted = [...lapsing].sort(
    (a, b) =>
      Number(isExpiredLine(a)) - Number(isExpiredLine(b)) ||
      (a.daysLeft ?? 0) - (b.daysLeft ?? 0) ||
      Number(isLook(a)) - Number(isLook(b)),
  );
  // A line whose advice is "look first" (a renewal of ours or someone's may be running) keeps it: told "not being
  // bought", a person renewed by hand what our queued order then bought too (review 2026-12-07, twenty-ninth
  // session). Names first, soonest first, each with its kind when both kinds are there, and the words after them: an
  // SMS keeps about a hundred characters, and advice between two groups cut the domain due next (the reviews of it).
  const look = sorted.filter(isLook);
  const mixed = look.length > 0 && look.length < sorted.length;
  const name = (o: DomainOutcome) =>
    `${o.domain} (${o.daysLeft ?? 0} day${o.daysLeft === 1 ? '' : 's'} left${mixed ? (isLook(o) ? ', look first' : ', not bought') : ''})`;
  const names =
    sorted.slice(0, UNDELIVERED_NAMES).map(name).join(', ') +
    (sorted.length > UNDELIVERED_NAMES ? ` and ${sorted.length - UNDELIVERED_NAMES} more` : '');
  const LOOK = 'a renewal may already be running: look in the console before renewing by hand';
  const lapse =
    look.length === 0
      ? `will lapse (due, not being bought): ${names}`
      : !mixed
        ? `will lapse, look first: ${names} (${LOOK})`
        : `will lapse: ${names} ("look first": ${LOOK}; "not bought": due and not being bought)`;
  const error = new JobFailedError(
    `${lapse}; the ${report.job} run's digest could not be delivered (its lines are sent again by the next run)`,
  );
  await notifyJobError(
    { notifier: deps.notifier, log: deps.log, now: deps.clock.now() },
    { job: report.job, runId: report.runId, error, policy, midRun: true },
  );
}

async function deliver(deps: JobDeps, policy: Policy, report: RunReport): Promise<boolean> {
  if (report.notices.kind === 'digest') {
    return deliverNotices(deps, policy, { ...report.notices.input, job: report.job, runId: report.runId });
  }
  try {
    await deps.notifier.publish(report.notices.message);
    return true;
  } catch (err) {
    deps.log.error(`could not publish the ${report.job} run's message`, { runId: report.runId, ...describeError(err) });
    return false;
  }
}

function heartbeatOf(job: Job): string {
  return job === 'renew' ? 'RenewRuns' : 'CheckRuns';
}

/**
 * Reports a run that failed as a whole (threw before {@link reportRun}): logs it, counts `JobErrors` and the
 * heartbeat, publishes an `error` notice, and writes a failed run record. A JobFailedError was reported already.
 * Best effort throughout: the original error is the one the caller rethrows.
 */
export async function reportRunFailure(
  deps: Pick<JobDeps, 'ledger' | 'notifier' | 'log' | 'metrics' | 'clock'>,
  /** `policy` absent: the run failed before one was loaded (lambda.ts, the function's setup). */
  run: { job: Job; runId: string; startedAtMs: number; policy?: Policy },
  err: unknown,
): Promise<void> {
  if (err instanceof JobFailedError || isReported(err)) return;
  deps.log.error(`${run.job} job failed`, { runId: run.runId, ...describeError(err) });
  deps.metrics({ JobErrors: 1, [heartbeatOf(run.job)]: 1 });
  // One read of the job's last record, for the page (check) and for this record's lastCompletedAtMs.
  const last = readLast(deps, run.job);
  const nowMs = deps.clock.now();
  const lapsing = run.job === 'renew' ? await readWatchedLapsing(deps, nowMs, run.policy) : [];
  const quiet = run.job === 'check' && !(await pagesCheckFailure(last, run.startedAtMs));
  await notifyJobError(
    { notifier: deps.notifier, log: deps.log, now: deps.clock.now() },
    {
      job: run.job,
      runId: run.runId,
      error: err,
      ...(run.policy ? { policy: run.policy } : {}),
      outcomes: lapsing,
      ...(quiet ? { quiet } : {}),
    },
  );
  const lastCompletedAtMs = await completedBefore(last);
  await deps.ledger
    .recordRun({
      job: run.job,
      runId: run.runId,
      startedAtMs: run.startedAtMs,
      finishedAtMs: deps.clock.now(),
      ok: false,
      summary: {},
      // As every error text the ledger stores: redacted and bounded (review 2026-12-07: kept raw).
      error: boundText(err instanceof Error ? err.message : String(err)),
      ...(lastCompletedAtMs !== undefined ? { lastCompletedAtMs } : {}),
    })
    .catch(() => {});
}

/**
 * When `job` last completed a run, for the record of one that did not (RunRecord.lastCompletedAtMs): carried from
 * the record before it; 0 when none is recorded, so the other job's silence line counts from its own first run
 * rather than from a run that failed. Undefined when the record cannot be read: the field is left out, as an older
 * version's record (read as a completed run), never a guess of "none" (review 2026-12-07, twenty-ninth session: one
 * failed read made the next check page "the renew job's runs have failed for 505 hours" a day after a completed run).
 */
async function readLastCompleted(deps: Pick<JobDeps, 'ledger'>, job: Job): Promise<number | undefined> {
  return completedBefore(readLast(deps, job));
}

/** The job's last run record (undefined: none recorded); a failed read resolves `unread` (never rejects). */
function readLast(deps: Pick<JobDeps, 'ledger'>, job: Job): Promise<RunRecord | undefined | 'unread'> {
  return deps.ledger.lastRun(job).catch(() => 'unread' as const);
}

/** readLastCompleted of a record read with {@link readLast}. */
async function completedBefore(last: Promise<RunRecord | undefined | 'unread'>): Promise<number | undefined> {
  const record = await last;
  return record === 'unread' ? undefined : record === undefined ? 0 : completedAtOf(record);
}

/** A check failing within a streak pages in the first hour of each block of this many UTC hours (4 a day). */
const CHECK_PAGE_BLOCK_HOURS = 6;

/**
 * Whether a check run that failed as a whole pages (an SMS) or is told by email only. Check runs hourly: while the
 * ledger was throttled for hours, each run paged its own SMS, twelve in twelve hours (the outage review, thirtieth
 * session). It pages the first failure of a streak (the last check recorded completed, with or without failures, or
 * none is recorded), then within the streak the first failure of each six-hour block of the UTC day (00, 06, 12,
 * 18 h). When the record cannot be read (the ledger down: the usual cause), in the first hour of each block. The read
 * is bounded (WATCH_READ_LIMIT_MS): the run may have failed on a slow ledger. A check schedule whose runs never fall
 * in those hours pages an unreadable ledger only through the renew job, whose daily failure always pages.
 */
async function pagesCheckFailure(
  last: Promise<RunRecord | undefined | 'unread'>,
  startedAtMs: number,
): Promise<boolean> {
  const record = await withinMs(last, WATCH_READ_LIMIT_MS).catch(() => 'unread' as const);
  if (record === 'unread') return isCheckPageHour(startedAtMs);
  // The streak starts at a run that completed, with or without failures (its record `ok: false`, completed at its
  // finish): reading `ok` alone, a throttled sweep first and whole failures after paged no one for five hours.
  // Only a record that says so (`lastCompletedAtMs` at its finish): a whole failure whose own read of the record
  // before it failed carries none, and read as completed it started a new streak every other hour (its review).
  if (record === undefined || record.ok || record.lastCompletedAtMs === record.finishedAtMs) return true;
  // Within a streak, once per six-hour block: the first failure in a block the last recorded one was not in (the
  // hour of the day alone skipped a block when the runs fell at the top of the hour: 05:59:55, then 07:00:05).
  // Start against start: a run that began at 05:59:55 and finished after 06:00 recorded a finish in the block it
  // decided against, and every run after it there stayed quiet (the review of this rule).
  return blockOf(record.startedAtMs) !== blockOf(startedAtMs);
}

/** The six-hour block of the UTC day `ms` falls in, counted from the epoch. */
function blockOf(ms: number): number {
  return Math.floor(ms / (CHECK_PAGE_BLOCK_HOURS * 3_600_000));
}

/** Whether `nowMs` (UTC) is in the first hour of a six-hour block, when a failing check pages whatever it knows. */
export function isCheckPageHour(nowMs: number): boolean {
  return new Date(nowMs).getUTCHours() % CHECK_PAGE_BLOCK_HOURS === 0;
}

/** `promise`, or a rejection once `ms` pass first (the promise is left to settle; its failure is nobody's). */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  promise.catch(() => {});
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** How far ahead a failed renew run names the watched renewals (two daily runs: this one and the next may fail). */
const FAILED_RUN_LAPSE_MS = 2 * DAY_MS;

/**
 * The watch list's renewals (renewal/watch.ts: found due or announced, not yet shown renewed) that expire within
 * two days, as urgent look-first will-lapse lines for a renew run that failed before its plan. Its alert named no
 * domain, and two failed runs at the end of a notice let a domain lapse named in no alert (the money soak, review
 * 2026-12-07, twenty-eighth session). Best effort: an unread list names none.
 */
async function readWatchedLapsing(
  deps: Pick<JobDeps, 'ledger' | 'log'>,
  nowMs: number,
  /** Absent (a failure before the policy was loaded): every watched renewal is named. */
  policy: Policy | undefined,
): Promise<DomainOutcome[]> {
  try {
    // Bounded: the run may have failed on a slow ledger, and the alert must not wait for its retries (review).
    const watched = await withinMs(deps.ledger.readWatch(), WATCH_READ_LIMIT_MS);
    return (
      watched
        .filter((e) => e.expiryMs < nowMs + FAILED_RUN_LAPSE_MS)
        // A name that left the listing and that the policy lets go is watched but never told (renewal/watch.ts).
        .filter((e) => !policy || !isEntryLetGo(policy, e))
        .sort((a, b) => a.expiryMs - b.expiryMs)
        .map((e) => ({
          domain: e.domain,
          event: 'will-lapse' as const,
          batchId: '-',
          oldExpiryMs: e.expiryMs,
          years: 0,
          daysLeft: Math.floor((e.expiryMs - nowMs) / DAY_MS),
          urgent: true as const,
          reason: `${FAILED_RUN_LAPSE_PREFIX} (see the error): a renewal of it may still be running; look at it in the console and renew it by hand if there is none`,
        }))
    );
  } catch (err) {
    deps.log.warn('could not read the watch list to name the renewals due soon', describeError(err));
    return [];
  }
}

/** How long a failed renew run's alert waits for the watch list, ms (one ledger read, without its retries). */
const WATCH_READ_LIMIT_MS = 3_000;

function isReported(err: unknown): boolean {
  return typeof err === 'object' && err !== null && reported.has(err);
}

/**
 * An authorisation refusal's account-state codes (shared/alibaba-domain-api.md): the account, not the key, is
 * refused, so the AccessKey advice would send a person the wrong way.
 */
const ACCOUNT_STATE_FIXES: Readonly<Record<string, string>> = {
  'Forbidden.RiskControl':
    "Alibaba's risk control refused the request: sign in to the console, read the account's security notices and clear them (or ask Alibaba support)",
  'Forbidden.UserVerification':
    "the account's real-name verification is not complete: finish it in the console (Account, Real-name verification)",
};

/**
 * A fix for the operator, by error class and code (never by message text). `midRun`: the error stopped a renew run
 * at a paid call, after which batches sent before it may have been bought.
 */
function fixFor(err: unknown, midRun: boolean, job: Job): string {
  if (err instanceof InputError) return 'correct the input named in the message; nothing was bought';
  if (err instanceof AuthRejectedError) {
    const fix =
      ACCOUNT_STATE_FIXES[err.code ?? ''] ??
      "the account's AccessKey was refused: check that the key in its secret (or key variables) is current and enabled and that its RAM policy allows the Domain API (docs/deploy.md)";
    // A refusal after earlier batches of the run were bought: never claim that nothing was.
    return midRun
      ? `${fix}; the refused order and the rest of the run were not sent (batches sent before it are in this run's digest); the next run tries again`
      : `${fix}; nothing was bought`;
  }
  // Renew runs once a day and is not retried by the platform: a domain expiring before the next run is lost to a
  // passing failure unless someone runs it again (review 2026-12-05, round 4, helper F).
  return job === 'renew'
    ? 'see the logs for the run id; the next scheduled run (in about a day) retries: if a domain expires before then, run renew again once the cause is fixed (docs/deploy.md, Operating, "Run a job now")'
    : 'see the logs for the run id; the next scheduled run retries';
}

/**
 * Publishes an `error` notice for a job that failed as a whole. Best effort: a failure here is logged, not thrown,
 * so the original error is the one reported.
 */
export async function notifyJobError(
  deps: { notifier: Notifier; log: JobDeps['log']; now: number },
  input: {
    job: Job;
    runId: string;
    error: unknown;
    policy?: Policy;
    midRun?: boolean;
    /** Lines told with the error (a failed renew run: the watched renewals due soon). */
    outcomes?: DomainOutcome[];
    /** The run's other failures, one phrase each, said after the error. */
    alsoFailed?: readonly string[];
    /** Told by email only, paging no one (pagesCheckFailure). */
    quiet?: boolean;
  },
): Promise<void> {
  const said = input.error instanceof Error ? input.error.message : String(input.error);
  const message = input.alsoFailed?.length ? `${said}; this run also: ${input.alsoFailed.join(', ')}` : said;
  const rendered = renderDigest(
    {
      job: input.job,
      runId: input.runId,
      nowMs: deps.now,
      outcomes: input.outcomes ?? [],
      error: {
        message,
        fix: fixFor(input.error, input.midRun === true, input.job),
        ...(input.quiet ? { quiet: true } : {}),
      },
    },
    input.policy?.notify ?? FALLBACK_NOTIFY,
    deps.notifier,
  );
  if (!rendered) return;
  try {
    await deps.notifier.publish(rendered);
  } catch (err) {
    deps.log.error('could not publish the job error notice', describeError(err));
  }
}
