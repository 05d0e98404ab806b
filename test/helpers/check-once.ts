import type { Policy } from '../../lib/policy/schema';
import { type CheckSummary, runCheck } from '../../lib/renewal/check';
import type { JobDeps } from '../../lib/renewal/deps';
import { deliverNotices } from '../../lib/renewal/notices';
import type { SettleRules } from '../../lib/renewal/reconcile';

/**
 * One check run and its digest, as the scheduled job sends it (lib/jobs/check.ts), without the job's throw on
 * errors: a test can read the counts of a run that failed.
 */
export async function checkOnce(
  deps: JobDeps,
  options: { policy: Policy; runId: string; safeDelayMs?: number; rules?: SettleRules },
): Promise<CheckSummary & { notified: boolean }> {
  const run = await runCheck(deps, options);
  const notified = await deliverNotices(deps, options.policy, {
    job: 'check',
    runId: options.runId,
    batches: run.batches,
  });
  return { ...run.summary, notified };
}
