// Composition root of the scheduled renew job: build dependencies, run the job once, report.
import { executeRenew } from '../lib/jobs';
import { type LambdaContext, prepareLambdaJob } from '../lib/lambda';

/** Scheduled renew: lists due domains, submits renewals at most once each, records every TaskNo. */
export async function handler(_event: unknown, context?: LambdaContext) {
  const { deps, policy, dryRun, runId } = await prepareLambdaJob('renew', context);
  const { summary } = await executeRenew(deps, { policy, dryRun, ...(runId ? { runId } : {}) });
  deps.log.info('renew finished', { ...summary, batches: summary.batches.length });
  return {
    runId: summary.runId,
    dryRun: summary.dryRun,
    planned: summary.planned,
    submitted: summary.submitted,
    unknown: summary.unknown,
    rejected: summary.rejected,
    deferred: summary.deferred,
  };
}
