import { randomUUID } from 'node:crypto';
import type { Policy } from '../policy/schema';
import { type CheckSummary, runCheck } from '../renewal/check';
import type { JobDeps } from '../renewal/deps';
import type { SettleRules } from '../renewal/reconcile';
import { CHECK_COUNTS, pickCounts } from './counts';
import { reportRun, reportRunFailure } from './report-run';

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
    const { notified } = await reportRun(deps, options.policy, {
      job: 'check',
      runId,
      startedAtMs,
      notices: { kind: 'digest', input: { batches } },
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
