import { systemClock } from '../clock';
import { checkLambdaEndpoint, readConfig } from '../config';
import { InputError } from '../errors';
import { notifyJobError } from '../jobs';
import { createDynamoLedger } from '../ledger/dynamodb';
import { createLogger } from '../log';
import { loadPolicyFile } from '../policy/load';
import type { Policy } from '../policy/schema';
import type { CredentialsProvider } from '../registrar/port';
import type { JobDeps } from '../renewal/deps';
import { type AlibabaAccess, selectSecretId } from '../secrets';
import {
  assembleDeps,
  buildBilling,
  buildCredentials,
  buildMetrics,
  buildNotifier,
  buildRegistrar,
  buildTargetCredentials,
  withChatTargets,
} from './adapters';

/** Per container: the secret is cached across warm invocations (max age in lib/secrets.ts), not re-read each run. */
let containerCredentials: { key: string; provider: CredentialsProvider } | undefined;

/** Per container: one DynamoDB client (kept-alive connections) per table. */
let containerLedger: { table: string; ledger: ReturnType<typeof createDynamoLedger> } | undefined;

function ledgerFor(table: string) {
  if (containerLedger?.table !== table) containerLedger = { table, ledger: createDynamoLedger({ tableName: table }) };
  return containerLedger.ledger;
}

function credentialsFor(config: Parameters<typeof buildCredentials>[0], access: AlibabaAccess): CredentialsProvider {
  // Keyed by the secret, not the access: the same secret (or the env) gives the same key pair.
  const key = selectSecretId(config, access).secretId ?? '(env)';
  if (containerCredentials?.key !== key)
    containerCredentials = { key, provider: buildCredentials(config, process.env, access) };
  return containerCredentials.provider;
}

/** Per container: the "reader holds a key that can buy" warning is logged once, not every hourly run. */
let warnedSpendingReader = false;

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
  /** `read`: the job only lists and queries, so it takes the read-only Alibaba key when one is configured. */
  options: { alibabaAccess?: AlibabaAccess } = {},
): Promise<{ deps: JobDeps; policy: Policy; dryRun: boolean; runId: string | undefined }> {
  const access = options.alibabaAccess ?? 'buy';
  const env = process.env;
  const log = createLogger({ fields: { job, ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}) } });
  const config = readConfig(env);
  const notifier = buildNotifier(config, (line) => console.log(line));
  let policy: Policy;
  try {
    if (!config.table) throw new InputError('AUTORENEW_TABLE is not set; the stack sets it to the ledger table');
    // AWS_LAMBDA_RUNTIME_API exists only in a real Lambda sandbox (tests of the handlers run a loopback registrar).
    if (env.AWS_LAMBDA_RUNTIME_API) {
      checkLambdaEndpoint(config.endpoint);
      checkLambdaEndpoint(config.bssEndpoint, 'AUTORENEW_BSS_ENDPOINT');
    }
    policy = await loadPolicyFile(config.policyPath);
  } catch (err) {
    await notifyJobError(
      { notifier, log, now: systemClock.now() },
      { job, runId: context?.awsRequestId ?? '-', error: err },
    );
    throw err;
  }
  if (access === 'read' && selectSecretId(config, access).spends && !warnedSpendingReader) {
    warnedSpendingReader = true;
    log.warn(
      `${job} only reads, yet it uses ${config.secretId}, whose key can buy renewals; give it a read-only key ` +
        '(AUTORENEW_READONLY_SECRET_ID, the readOnlySecretName deploy parameter, docs/deploy.md)',
    );
  }
  const ledger = ledgerFor(config.table);
  const credentials = credentialsFor(config, access);
  const deps = assembleDeps({
    registrar: buildRegistrar(config, policy, env, credentials),
    billing: buildBilling(config, env, credentials),
    ledger,
    // SNS plus the policy's chat targets; their URLs come from the job's secret (`notifyTargets`).
    notifier: withChatTargets(notifier, policy, {
      credentials: buildTargetCredentials(config, env, access),
      marks: ledger,
      clock: systemClock,
      log,
    }),
    clock: systemClock,
    log,
    metrics: buildMetrics(job, env, systemClock),
    ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
  });
  return { deps, policy, dryRun: config.dryRun, runId: context?.awsRequestId };
}
