// Composition root of the scheduled renew job: build dependencies, run the job once per account, report.

import { buildBilling, buildRegistrar } from '../lib/compose/adapters';
import { type LambdaContext, prepareLambdaJob } from '../lib/compose/lambda';
import { withMappedStacks } from '../lib/compose/stack-map';
import { executeRenew } from '../lib/jobs';
import { mergeAccountResults, runAccounts, throwIfAnyFailed } from '../lib/jobs/accounts';
import { pickCounts, RENEW_COUNTS } from '../lib/jobs/counts';

/** Scheduled renew: lists due domains, submits renewals at most once each, records every TaskNo; per account. */
export const handler = withMappedStacks(async (event: unknown, context?: LambdaContext) => {
  const { jobs, room, dryRun, runId, log } = await prepareLambdaJob('renew', context, {
    adapters: { registrar: buildRegistrar, billing: buildBilling },
    event,
  });
  const results = await runAccounts(room, runId, jobs, ({ deps, policy, global }) =>
    executeRenew(deps, { policy, dryRun, runId, ...(global ? { global } : {}) }),
  );
  const counts = throwIfAnyFailed('renew', runId, results).map((run) => pickCounts(RENEW_COUNTS, run.summary));
  const result = { runId, dryRun, ...mergeAccountResults(jobs, counts) };
  log.info('renew finished', result);
  return result;
});
