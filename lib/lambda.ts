import { systemClock } from './clock';
import { readConfig } from './config';
import { InputError } from './errors';
import { notifyJobError } from './jobs';
import { createDynamoLedger } from './ledger/dynamodb';
import { createLogger } from './log';
import { loadPolicyFile } from './policy/load';
import type { Policy } from './policy/schema';
import type { CredentialsProvider } from './registrar';
import type { JobDeps } from './renewal/deps';
import { assembleDeps, buildCredentials, buildMetrics, buildNotifier, buildRegistrar } from './runtime';

/** Per container: the secret is cached across warm invocations (max age in lib/secrets.ts), not re-read each run. */
let containerCredentials: { key: string; provider: CredentialsProvider } | undefined;

/** Per container: one DynamoDB client (kept-alive connections) per table. */
let containerLedger: { table: string; ledger: ReturnType<typeof createDynamoLedger> } | undefined;

function ledgerFor(table: string) {
  if (containerLedger?.table !== table) containerLedger = { table, ledger: createDynamoLedger({ tableName: table }) };
  return containerLedger.ledger;
}

function credentialsFor(config: Parameters<typeof buildCredentials>[0]): CredentialsProvider {
  const key = config.secretId ?? '(env)';
  if (containerCredentials?.key !== key)
    containerCredentials = { key, provider: buildCredentials(config, process.env) };
  return containerCredentials.provider;
}

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
    registrar: buildRegistrar(config, policy, env, credentialsFor(config)),
    ledger: ledgerFor(config.table),
    notifier,
    clock: systemClock,
    log,
    metrics: buildMetrics(job, env, systemClock),
    ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
  });
  return { deps, policy, dryRun: config.dryRun, runId: context?.awsRequestId };
}
