import { randomUUID } from 'node:crypto';
import { createHttpSecretReader, type SecretReader } from '../aws/secrets-manager';
import { createHttpSnsPublish, type SnsPublish } from '../aws/sns';
import { systemClock } from '../clock';
import { type Config, checkLambdaEndpoint, readConfig } from '../config';
import { InputError } from '../errors';
import { notifyJobError } from '../jobs';
import type { AccountsRoom } from '../jobs/accounts';
import { isCheckPageHour, reportRunFailure } from '../jobs/report-run';
import { createDynamoLedger } from '../ledger/dynamodb';
import type { Ledger } from '../ledger/port';
import { createLogger, type Logger } from '../log';
import { createSecretsManagerTargetCredentials } from '../notify/chat/credentials';
import type { Notifier } from '../notify/port';
import { policyHash, policyRulesHash, type RecordedPolicy } from '../policy/hash';
import { loadPolicyFile } from '../policy/load';
import type { Policy } from '../policy/schema';
import type { CredentialsProvider } from '../registrar/port';
import type { JobDeps } from '../renewal/deps';
import { type AlibabaAccess, createSecretsManagerCredentials, selectSecretId } from '../secrets';
import { type AccountJob, composeAccounts, configForAccount, policyPathsOf } from './accounts';
import { buildMetrics, buildNotifier, type JobAdapters } from './adapters';
import { readRenewEvent } from './lambda-event';

/**
 * Per container, built at first use: Secrets Manager and SNS over the project's own HTTP client, as the ledger
 * talks to DynamoDB (lib/aws/client.ts): a function loads no AWS SDK (its SNS and Secrets Manager clients cost ~40 ms
 * and ~15 MB of every cold start) and does not depend on the runtime's SDK version. Keys from the role's AWS_*
 * variables; the CLI keeps the SDK for its credential chain.
 */
let containerSecretReader: SecretReader | undefined;
let containerSnsPublish: SnsPublish | undefined;
const secretReader = (): SecretReader => (containerSecretReader ??= createHttpSecretReader());
const snsPublish = (): SnsPublish => (containerSnsPublish ??= createHttpSnsPublish());

/** Per container: each secret is cached across warm invocations (max age in lib/secrets.ts), not re-read each run. */
const containerCredentials = new Map<string, CredentialsProvider>();

/** Per container: one ledger (and DynamoDB client, kept-alive connections) per table and account. */
const containerLedgers = new Map<string, Ledger>();

function ledgerFor(table: string, account: string): Ledger {
  const key = `${table}\n${account}`;
  let ledger = containerLedgers.get(key);
  if (!ledger) {
    ledger = createDynamoLedger({ tableName: table, account });
    containerLedgers.set(key, ledger);
  }
  return ledger;
}

function credentialsFor(config: Readonly<Config>, access: AlibabaAccess): CredentialsProvider {
  // Checked for every account before anything runs (prepareLambdaJob); here for the type.
  const secretId = selectSecretId(config, access).secretId as string;
  let provider = containerCredentials.get(secretId);
  if (!provider) {
    provider = createSecretsManagerCredentials({ secretId, read: secretReader() });
    containerCredentials.set(secretId, provider);
  }
  return provider;
}

/** Per container: the "reader holds a key that can buy" warning is logged once, not every hourly run. */
const warnedSpendingReaders = new Set<string>();

/** The part of Lambda's context object the jobs use. */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

/** What a scheduled run works on: every account's part, the room they meet in, and the run's settings. */
export interface LambdaRun {
  jobs: AccountJob[];
  room: AccountsRoom;
  dryRun: boolean;
  runId: string;
  log: Logger;
}

/**
 * Builds the Lambda-side dependencies (DynamoDB table, Secrets Manager, SNS, EMF metrics) of every account after
 * validating config and every policy — before anything could be bought (M5). A bad config or policy is reported as
 * an `error` notice and stops the whole run: it is the operator's input, not one account's outage.
 */
export async function prepareLambdaJob(
  job: 'renew' | 'check',
  context: LambdaContext | undefined,
  options: {
    /** `read`: the job only lists and queries, so it takes the read-only Alibaba key when one is configured. */
    alibabaAccess?: AlibabaAccess;
    /** The job's registrar (and balance) adapters: the handler picks them, so check loads no price code. */
    adapters: JobAdapters;
    /** The renew function's event (readRenewEvent): `{"dryRun": true}` asks for a dry run; check's is not read. */
    event?: unknown;
  },
): Promise<LambdaRun> {
  const access = options.alibabaAccess ?? 'buy';
  const env = process.env;
  const startedAtMs = systemClock.now();
  const runId = context?.awsRequestId ?? randomUUID();
  const log = createLogger({ fields: { job, ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}) } });
  let config: Readonly<Config>;
  try {
    config = readConfig(env);
  } catch (err) {
    // A setting readConfig refuses: the alert goes to the topic the stack set, read on its own (before 2026-12-03
    // no notifier existed yet, so only the generic Errors alarm said anything).
    const topicArn = env.AUTORENEW_TOPIC_ARN?.trim();
    const fallback = buildNotifier(topicArn ? { topicArn } : {}, (line) => console.log(line), snsPublish);
    const now = systemClock.now();
    // No ledger to read a streak from: an hourly check pages in the block hours only (report-run.ts).
    const quiet = job === 'check' && !isCheckPageHour(now);
    await notifyJobError({ notifier: fallback, log, now }, { job, runId, error: err, ...(quiet ? { quiet } : {}) });
    throw err;
  }
  const primary = lambdaPrimary(
    buildNotifier(config, (line) => console.log(line), snsPublish),
    config,
    log,
    () => buildMetrics(job, env, systemClock)({ JobErrors: 1 }),
  );
  const policies = new Map<string, Policy>();
  let asked = { dryRun: false };
  let eventRead = false;
  try {
    if (job === 'renew') asked = readRenewEvent(options.event);
    eventRead = true;
    if (!config.table) throw new InputError('AUTORENEW_TABLE is not set; the stack sets it to the ledger table');
    // AWS_LAMBDA_RUNTIME_API exists only in a real Lambda sandbox (tests of the handlers run a loopback registrar).
    if (env.AWS_LAMBDA_RUNTIME_API) {
      for (const account of config.accounts) {
        if (account.profile) {
          throw new InputError(
            `account ${account.name || 'default'}: an Alibaba Cloud CLI profile is for local runs; in Lambda give it secretId`,
            { path: 'AUTORENEW_ACCOUNTS' },
          );
        }
        checkLambdaEndpoint(account.endpoint);
        checkLambdaEndpoint(account.bssEndpoint, 'AUTORENEW_BSS_ENDPOINT');
      }
    }
    // In Lambda the Alibaba key comes from Secrets Manager only: keys in environment variables or CLI profiles
    // are for local runs (and a Lambda's environment is readable by anyone who can read its configuration).
    for (const account of config.accounts) {
      if (!selectSecretId(configForAccount(config, account), access).secretId) {
        throw new InputError(
          `account ${account.name || 'default'}: no secret for its Alibaba key; in Lambda set AUTORENEW_SECRET_ID (or the account's secretId in AUTORENEW_ACCOUNTS) to a Secrets Manager secret`,
          { path: account.name ? 'AUTORENEW_ACCOUNTS' : 'AUTORENEW_SECRET_ID' },
        );
      }
    }
    for (const path of policyPathsOf(config)) policies.set(path, await loadPolicyFile(path));
  } catch (err) {
    if (config.table && eventRead && !asked.dryRun) {
      // Reported as any failed run, in the first account's keyspace: a check failing here (its policy file missing
      // after a hand edit) paged every hour, with no run record for the streak rule, and a renew alert named none of
      // the renewals due within two days (review 2026-12-07, thirty-first session). Not for a refused event: a hand
      // invoke is no scheduled run, and its heartbeat would hide a stopped schedule.
      const account = config.accounts[0]?.name ?? '';
      await reportRunFailure(
        {
          ledger: withDeploymentAccounts(
            ledgerFor(config.table, account),
            config.accounts.map((a) => a.name),
            {},
          ),
          notifier: primary,
          log,
          metrics: buildMetrics(job, env, systemClock, account),
          clock: systemClock,
        },
        { job, runId, startedAtMs },
        err,
      );
    } else {
      const now = systemClock.now();
      const quiet = job === 'check' && !isCheckPageHour(now);
      await notifyJobError({ notifier: primary, log, now }, { job, runId, error: err, ...(quiet ? { quiet } : {}) });
    }
    throw err;
  }
  for (const account of config.accounts) warnSpendingReader(job, configForAccount(config, account), access, log);
  const table = config.table as string;
  const { room, jobs } = composeAccounts({
    job,
    runId,
    config,
    env,
    access,
    policies,
    // A hand dry invoke of a live stage is no scheduled run: recorded, it would hide a stopped schedule from check's
    // "renew has not run" alert for a day (review 2026-12-06, round 9). A dry stage's own runs still record theirs.
    ledgerFor: (account) =>
      asked.dryRun && !config.dryRun
        ? { ...ledgerFor(table, account), recordRun: async () => {} }
        : withDeploymentAccounts(
            ledgerFor(table, account),
            config.accounts.map((a) => a.name),
            recordedPolicyOf(config, policies, account),
          ),
    primary,
    clock: systemClock,
    log,
    // Nor does it feed the heartbeat alarm (review 2026-12-07: its RenewRuns hid a stopped schedule from the alarm
    // for up to two days, by the very person looking); JobErrors and the rest still count.
    metricsFor: (account) =>
      asked.dryRun && !config.dryRun
        ? withoutHeartbeat(buildMetrics(job, env, systemClock, account))
        : buildMetrics(job, env, systemClock, account),
    credentialsFor: (accountConfig) => credentialsFor(accountConfig, access),
    adapters: options.adapters,
    // The chat targets' URLs live in the same secret (field notifyTargets).
    targetCredentialsFor: (accountConfig) =>
      createSecretsManagerTargetCredentials({
        secretId: selectSecretId(accountConfig, access).secretId as string,
        read: secretReader(),
      }),
    ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
  });
  return { jobs, room, dryRun: config.dryRun || asked.dryRun, runId, log };
}

/** The hashes of the policy account `name` runs by (none when it is not among the deployment's: none to compare). */
function recordedPolicyOf(
  config: Readonly<Config>,
  policies: ReadonlyMap<string, Policy>,
  name: string,
): RecordedPolicy {
  const account = config.accounts.find((a) => a.name === name);
  const policy = account ? policies.get(configForAccount(config, account).policyPath) : undefined;
  return policy ? { policyHash: policyHash(policy), policyRulesHash: policyRulesHash(policy) } : {};
}

/** The metrics less the renew heartbeat (`RenewRuns`): a hand dry invoke is no scheduled run. */
function withoutHeartbeat(metrics: JobDeps['metrics']): JobDeps['metrics'] {
  return (values) => {
    const { RenewRuns: _heartbeat, ...rest } = values;
    if (Object.keys(rest).length > 0) metrics(rest);
  };
}

/** Per container and secret: the "reader holds a key that can buy" warning is logged once, not every hourly run. */
function warnSpendingReader(job: string, config: Readonly<Config>, access: AlibabaAccess, log: Logger): void {
  if (access !== 'read' || !selectSecretId(config, access).spends || !config.secretId) return;
  if (warnedSpendingReaders.has(config.secretId)) return;
  warnedSpendingReaders.add(config.secretId);
  log.warn(
    `${job} only reads, yet it uses ${config.secretId}, whose key can buy renewals; give it a read-only key ` +
      "(AUTORENEW_READONLY_SECRET_ID or the account's readOnlySecretId, the readOnlySecretName deploy parameter, docs/deploy.md)",
  );
}

/**
 * The function's notifier. Without AUTORENEW_TOPIC_ARN (the stack sets it) notices go to the function's log, which
 * reaches no one: they were marked sent all the same. Now every run logs the error and the notices stay pending
 * (`recordsDelivery: false`) until a run can publish them.
 */
function lambdaPrimary(notifier: Notifier, config: Readonly<Config>, log: Logger, countError: () => void): Notifier {
  if (config.topicArn) return notifier;
  log.error(
    'AUTORENEW_TOPIC_ARN is not set: notices go to this log only and stay pending; set it to the alert topic (the stack sets it)',
  );
  // A log line reaches no one: counted as a job error, so JobErrorsAlarm (which CloudWatch publishes to the topic
  // itself) tells people, every run until it is set (review 2026-12-07: the variable lost in a hand edit of the
  // function's environment, every notice stayed in the log and no alarm fired).
  countError();
  return { publish: (message) => notifier.publish(message), recordsDelivery: false };
}

/**
 * The ledger with each run record naming the deployment's accounts: a CLI read from a shell without the stage's
 * AUTORENEW_ACCOUNTS then says which accounts it does not see, where it said "no renewal recorded" of a named
 * account's purchase (review 2026-12-07). And the hash of the account's policy: a buying CLI run with another policy
 * is refused unless told (RunRecord.policyHash, RunRecord.policyRulesHash).
 */
function withDeploymentAccounts(ledger: Ledger, accounts: readonly string[], policy: RecordedPolicy): Ledger {
  return {
    ...ledger,
    recordRun: (run) => ledger.recordRun({ ...run, accounts: [...accounts], ...policy }),
  };
}
