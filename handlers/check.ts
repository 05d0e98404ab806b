// Composition root of the scheduled check job: build dependencies, run the job once, report.

import { type LambdaContext, prepareLambdaJob } from '../lib/compose/lambda';
import { executeCheck } from '../lib/jobs';

/**
 * Scheduled check: confirms task results, reconciles unknown submissions, notifies people once. It only lists and
 * queries, so it reads the read-only Alibaba key (AUTORENEW_READONLY_SECRET_ID) when the stack gives one.
 */
export async function handler(_event: unknown, context?: LambdaContext) {
  const { deps, policy, runId } = await prepareLambdaJob('check', context, { alibabaAccess: 'read' });
  return executeCheck(deps, { policy, ...(runId ? { runId } : {}) });
}
