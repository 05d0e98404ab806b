import { systemClock } from './clock';
import { readConfig } from './config';
import { InputError } from './errors';
import { notifyJobError } from './jobs';
import { createDynamoLedger } from './ledger/dynamodb';
import { createLogger } from './log';
import { loadPolicyFile } from './policy/load';
import type { Policy } from './policy/schema';
import type { JobDeps } from './renewal/deps';
import { assembleDeps, buildMetrics, buildNotifier, buildRegistrar } from './runtime';

/** The part of Lambda's context object the jobs use. */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

/**
 * Builds the Lambda-side dependencies (DynamoDB table, Secrets Manager, SNS, EMF metrics) after validating config
 * and policy — before anything could be bought (M5). A bad config or policy is reported as an `error` notice.
 */
export async function prepareLambdaJob(
  job: 'renew' | 'check',
  context: LambdaContext | undefined,
): Promise<{ deps: JobDeps; policy: Policy; dryRun: boolean; runId: string | undefined }> {
  const env = process.env;
  const log = createLogger({ fields: { job, ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}) } });
  const config = readConfig(env);
  const notifier = buildNotifier(config, (line) => console.log(line));
  let policy: Policy;
  try {
    if (!config.table) throw new InputError('AUTORENEW_TABLE is not set; the stack sets it to the ledger table');
    policy = await loadPolicyFile(config.policyPath);
  } catch (err) {
    await notifyJobError(
      { notifier, log, now: systemClock.now() },
      { job, runId: context?.awsRequestId ?? '-', error: err },
    );
    throw err;
  }
  const deps = assembleDeps({
    registrar: buildRegistrar(config, policy, env),
    ledger: createDynamoLedger({ tableName: config.table }),
    notifier,
    clock: systemClock,
    log,
    metrics: buildMetrics(job, env, systemClock),
    ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
  });
  return { deps, policy, dryRun: config.dryRun, runId: context?.awsRequestId };
}
