import { randomUUID } from 'node:crypto';
import { InputError, JobFailedError } from './errors';
import type { Batch } from './ledger/port';
import { describeError } from './log';
import type { Notifier } from './notify/port';
import { DEFAULT_SMS_EVENTS, NOTIFY_EVENTS, type Policy } from './policy/schema';
import { costOf } from './renewal/budgets';
import { type CheckSummary, runCheck } from './renewal/check';
import type { Plan } from './renewal/decision';
import type { JobDeps } from './renewal/deps';
import { describeMoney } from './renewal/money-notices';
import { deliverNotices } from './renewal/notices';
import { renderPlanDigest } from './renewal/plan-digest';
import type { SettleRules } from './renewal/reconcile';
import { renderDigest } from './renewal/report';
import { marksToRead, selectRunLines } from './renewal/run-notices';
import { type RenewRun, runRenew } from './renewal/run-renew';

/** Used for job-level error notices when the policy itself could not be loaded. */
const FALLBACK_NOTIFY = { events: NOTIFY_EVENTS, smsEvents: DEFAULT_SMS_EVENTS } as const;

/** A fix for the operator, by error class (never by message text). */
function fixFor(err: unknown): string {
  if (err instanceof InputError) return 'correct the input named in the message; nothing was bought';
  return 'see the logs for the run id; the next scheduled run retries';
}

/**
 * Publishes an `error` notice for a job that failed as a whole. Best effort: a failure here is logged, not thrown,
 * so the original error is the one reported.
 */
export async function notifyJobError(
  deps: { notifier: Notifier; log: JobDeps['log']; now: number },
  input: { job: 'renew' | 'check'; runId: string; error: unknown; policy?: Policy },
): Promise<void> {
  const message = input.error instanceof Error ? input.error.message : String(input.error);
  const rendered = renderDigest(
    { job: input.job, runId: input.runId, nowMs: deps.now, outcomes: [], error: { message, fix: fixFor(input.error) } },
    input.policy?.notify ?? FALLBACK_NOTIFY,
  );
  if (!rendered) return;
  try {
    await deps.notifier.publish(rendered);
  } catch (err) {
    deps.log.error('could not publish the job error notice', describeError(err));
  }
}

/**
 * The renew job as scheduled: run, deliver its notices, record the run and the heartbeat metric.
 * Throws JobFailedError at the end when a TaskNo was not recorded or a batch failed on our side.
 */
export async function executeRenew(
  deps: JobDeps,
  options: {
    policy: Policy;
    dryRun: boolean;
    runId?: string;
    timeMarginMs?: number;
    /** See runRenew: checks the fresh plan before anything is bought (`renew --plan`, a confirmed plan). */
    guard?: (plan: Plan) => void;
  },
): Promise<RenewRun & { notified: boolean }> {
  const runId = options.runId ?? randomUUID();
  const startedAtMs = deps.clock.now();
  try {
    const run = await runRenew(deps, { ...options, runId });
    const { summary } = run;
    let notified = true;
    if (options.dryRun) {
      // A dry run publishes its plan digest (marked DRY RUN): what a real run would buy and what it would not.
      try {
        await deps.notifier.publish(renderPlanDigest(run.plan, { runId }));
      } catch (err) {
        notified = false;
        deps.log.error('could not publish the dry-run plan digest', describeError(err));
      }
    } else {
      const ids = summary.batches.map((b) => b.batchId).filter((id) => id !== '-');
      const batches = (await Promise.all(ids.map((id) => deps.ledger.getBatch(id)))).flatMap((b) => (b ? [b] : []));
      const sent = await deps.ledger.getMarks(marksToRead(run.plan));
      // The notice marks are written only once the digest is out: their time starts the notice period.
      notified = await deliverNotices(deps, options.policy, {
        extra: selectRunLines(run.plan, sent),
        job: 'renew',
        runId,
        batches,
        totals: {
          listed: summary.listed,
          planned: summary.planned,
          deferred: summary.deferred,
          skipped: summary.skipped,
          ...(summary.overMonthSpend ? { overMonthSpend: summary.overMonthSpend } : {}),
        },
        notes: [...describeMoney(run.plan.money, submittedCost(batches)), ...describeUrgent(run.plan)],
      });
      recordMoneyMetrics(deps, run.plan, submittedCost(batches));
    }
    const failed = summary.taskNoNotRecorded + summary.errors + (run.stoppedBy ? 1 : 0);
    deps.metrics({ RenewRuns: 1, ...(failed ? { JobErrors: 1 } : {}) });
    await deps.ledger.recordRun({
      job: 'renew',
      runId,
      startedAtMs,
      finishedAtMs: deps.clock.now(),
      ok: failed === 0,
      summary: {
        listed: summary.listed,
        planned: summary.planned,
        submitted: summary.submitted,
        unknown: summary.unknown,
        rejected: summary.rejected,
        deferred: summary.deferred,
        errors: summary.errors,
        taskNoNotRecorded: summary.taskNoNotRecorded,
      },
    });
    // An authorisation failure stopped the run: reported as the run's error (an alert), nothing was counted.
    if (run.stoppedBy) throw run.stoppedBy;
    if (failed > 0) {
      throw new JobFailedError(
        `renew run ${runId}: ${summary.taskNoNotRecorded} TaskNo(s) not recorded, ${summary.errors} batch(es) failed on our side`,
      );
    }
    return { ...run, notified };
  } catch (err) {
    await failRun(deps, 'renew', runId, startedAtMs, err, options.policy);
    throw err;
  }
}

/** Domains bought before their advance notice ran its course, because they would have lapsed first. */
function describeUrgent(plan: Plan): string[] {
  const urgent = plan.decisions.filter((d) => d.action === 'renew' && d.withoutFullNotice);
  if (urgent.length === 0) return [];
  const names = urgent.map((d) => d.domain.domainName);
  return [
    `Bought without the full advance notice, because they would lapse first: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}.`,
  ];
}

/** Quoted cost of what this run sent (batches that reached the submit), integer minor units. */
function submittedCost(batches: readonly Batch[]): number {
  return batches.filter((b) => b.submitStartedAtMs !== undefined).reduce((sum, b) => sum + costOf(b.entries), 0);
}

/**
 * Money metrics, integer minor units of the policy's currency: what was planned and sent, the balance, and what the
 * balance lacks for everything due (the low-balance alarm fires when that is above 0).
 */
function recordMoneyMetrics(deps: JobDeps, plan: Plan, submitted: number): void {
  const money = plan.money;
  if (!money) return;
  deps.metrics({
    SpendQuoted: money.total.minor,
    SpendSubmitted: submitted,
    TopUpNeeded: money.shortfall?.minor ?? 0,
    ...(money.balance.state === 'read' ? { Balance: money.balance.availableCash.minor } : {}),
  });
}

/** The check job as scheduled; throws JobFailedError when a batch could not be checked or a notice not sent. */
export async function executeCheck(
  deps: JobDeps,
  options: { policy: Policy; runId?: string; safeDelayMs?: number; rules?: SettleRules },
): Promise<CheckSummary> {
  const runId = options.runId ?? randomUUID();
  const startedAtMs = deps.clock.now();
  try {
    const summary = await runCheck(deps, { ...options, runId });
    const ok = summary.errors === 0 && summary.notified;
    await deps.ledger.recordRun({
      job: 'check',
      runId,
      startedAtMs,
      finishedAtMs: deps.clock.now(),
      ok,
      summary: {
        openBatches: summary.openBatches,
        renewed: summary.renewed,
        failed: summary.failed,
        pending: summary.pending,
        adopted: summary.adopted,
        released: summary.released,
        unknown: summary.unknown,
        stuck: summary.stuck,
        errors: summary.errors,
      },
    });
    if (!ok) {
      throw new JobFailedError(
        `check run ${runId}: ${summary.errors} batch(es) could not be checked${summary.notified ? '' : ', notification not delivered (retried next run)'}`,
      );
    }
    return summary;
  } catch (err) {
    await failRun(deps, 'check', runId, startedAtMs, err, options.policy);
    throw err;
  }
}

async function failRun(
  deps: JobDeps,
  job: 'renew' | 'check',
  runId: string,
  startedAtMs: number,
  err: unknown,
  policy: Policy,
): Promise<void> {
  if (err instanceof JobFailedError) return; // already recorded and reported per batch
  deps.log.error(`${job} job failed`, { runId, ...describeError(err) });
  deps.metrics({ JobErrors: 1, ...(job === 'renew' ? { RenewRuns: 1 } : {}) });
  await notifyJobError(
    { notifier: deps.notifier, log: deps.log, now: deps.clock.now() },
    { job, runId, error: err, policy },
  );
  await deps.ledger
    .recordRun({
      job,
      runId,
      startedAtMs,
      finishedAtMs: deps.clock.now(),
      ok: false,
      summary: {},
      error: err instanceof Error ? err.message : String(err),
    })
    .catch(() => {});
}
