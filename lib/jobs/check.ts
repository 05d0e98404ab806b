import { randomUUID } from 'node:crypto';
import { describeError } from '../log';
import type { Policy } from '../policy/schema';
import { utcDay } from '../renewal/budgets';
import { type CheckSummary, runCheck } from '../renewal/check';
import { HOUR_MS } from '../renewal/dates';
import type { JobDeps } from '../renewal/deps';
import type { SettleRules } from '../renewal/reconcile';
import { CHECK_COUNTS, pickCounts } from './counts';
import { reportRun, reportRunFailure } from './report-run';
import { describeSilence, firstRunMark, measureSilence, readFirstRun } from './silence';

/** A renew run finished longer ago than this is said by the hourly check, once a UTC day (renew runs daily). */
const RENEW_SILENT_AFTER_MS = 36 * HOUR_MS;

/**
 * Only the renew job buys and warns of domains that will lapse: when it stops running (its schedule off, reserved
 * concurrency 0, a crash before it reports), one e-mail from a heartbeat alarm was all anyone heard, and domains
 * lapsed over the following weeks (review 2026-12-04). The hourly check says so, once a UTC day, as the digest's
 * error (an alert: an SMS by default): 36 h after the last renew run, or, with none recorded, after check's own first
 * run here (review 2026-12-07: a renew schedule disabled from the deploy on was never told); and at once when the
 * record is dated in the future (silence.ts). An unreadable record says nothing.
 */
async function readRenewSilence(
  deps: JobDeps,
): Promise<{ error: { message: string; fix: string }; mark: string } | undefined> {
  try {
    const nowMs = deps.clock.now();
    const mark = `renew-silent#${utcDay(nowMs)}`;
    const [renew, marks] = await Promise.all([
      deps.ledger.lastRun('renew'),
      deps.ledger.getMarks([mark, firstRunMark('check')]),
    ]);
    const firstRunMs = await readFirstRun(deps.ledger, 'check', marks, nowMs);
    const message = describeSilence(
      'renew',
      'check',
      measureSilence(renew, firstRunMs, nowMs),
      nowMs,
      RENEW_SILENT_AFTER_MS,
      'nothing is bought and no will-lapse warning is sent',
    );
    if (message === undefined || marks.has(mark)) return undefined;
    return {
      mark,
      error: {
        message,
        fix: 'look at the renew function: its schedule (enabled?), its reserved concurrency (0 stops it), its errors and timeouts in CloudWatch; run `autorenew plan` to see what is due',
      },
    };
  } catch (err) {
    deps.log.warn('the last renew run could not be read', describeError(err));
    return undefined;
  }
}

/**
 * The check job as scheduled: run (renewal/check.ts), then report it (report-run.ts): one digest of every pending
 * notice of the batches it saw, metrics, the run record. Throws JobFailedError when a batch could not be checked or
 * the digest could not be sent (its notices stay pending for the next run).
 */
export async function executeCheck(
  deps: JobDeps,
  options: {
    policy: Policy;
    runId?: string;
    /** How long an unknown submit waits before it is reconciled, ms. */
    safeDelayMs?: number;
    rules?: SettleRules;
  },
): Promise<CheckSummary & { notified: boolean }> {
  const runId = options.runId ?? randomUUID();
  const startedAtMs = deps.clock.now();
  try {
    const { summary, batches } = await runCheck(deps, { ...options, runId });
    const silence = await readRenewSilence(deps);
    const { notified } = await reportRun(deps, options.policy, {
      job: 'check',
      runId,
      startedAtMs,
      notices: {
        kind: 'digest',
        input: {
          batches,
          ...(silence
            ? { error: silence.error, extra: { outcomes: [], marks: [{ mark: silence.mark, covers: [] }] } }
            : {}),
        },
      },
      requireDelivery: true,
      counts: pickCounts(CHECK_COUNTS, summary),
      metrics: {
        RenewalsConfirmed: summary.renewed,
        RenewalsFailed: summary.failed,
        OutcomesUnknown: summary.unknown,
      },
      failures: [
        ...(summary.errors ? [`${summary.errors} batch(es) could not be checked`] : []),
        // Degraded, not silent: a check that cannot read every open batch within its time limit needs a person.
        ...(summary.leftForTime
          ? [`${summary.leftForTime} batch(es) not read before the time limit; the next run reads them`]
          : []),
      ],
    });
    return { ...summary, notified };
  } catch (err) {
    await reportRunFailure(deps, { job: 'check', runId, startedAtMs, policy: options.policy }, err);
    throw err;
  }
}
