// Composition root of the scheduled check job: build dependencies, run the job once per account, report.

import { buildUnpricedRegistrar } from '../lib/compose/adapters';
import { type LambdaContext, prepareLambdaJob } from '../lib/compose/lambda';
import { withMappedStacks } from '../lib/compose/stack-map';
import { executeCheck } from '../lib/jobs';
import { mergeAccountResults, runAccounts, throwIfAnyFailed } from '../lib/jobs/accounts';

/**
 * Scheduled check: confirms task results, reconciles unknown submissions, notifies people once. It only lists and
 * queries, so it reads the read-only Alibaba key (AUTORENEW_READONLY_SECRET_ID) when the stack gives one.
 */
export const handler = withMappedStacks(async (_event: unknown, context?: LambdaContext) => {
  const { jobs, room, runId } = await prepareLambdaJob('check', context, {
    alibabaAccess: 'read',
    // Check never quotes nor reads the balance: its registrar has no price code, and it has no billing adapter.
    adapters: { registrar: buildUnpricedRegistrar },
  });
  const results = await runAccounts(room, runId, jobs, ({ deps, policy }) => executeCheck(deps, { policy, runId }));
  return mergeAccountResults(jobs, throwIfAnyFailed('check', runId, results));
});
