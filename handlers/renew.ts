// Composition root of the scheduled renew job: build dependencies, run the job once, report.

import { type LambdaContext, prepareLambdaJob } from '../lib/compose/lambda';
import { executeRenew } from '../lib/jobs';
import { pickCounts, RENEW_COUNTS } from '../lib/jobs/counts';

/** Scheduled renew: lists due domains, submits renewals at most once each, records every TaskNo. */
export async function handler(_event: unknown, context?: LambdaContext) {
  const { deps, policy, dryRun, runId } = await prepareLambdaJob('renew', context);
  const { summary } = await executeRenew(deps, { policy, dryRun, ...(runId ? { runId } : {}) });
  const result = { runId: summary.runId, dryRun: summary.dryRun, ...pickCounts(RENEW_COUNTS, summary) };
  deps.log.info('renew finished', result);
  return result;
}
