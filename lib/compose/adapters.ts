import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type AlibabaClientOptions,
  createAlibabaBilling,
  createAlibabaClient,
  createAlibabaRegistrar,
} from '../alibaba';
import type { SnsPublish } from '../aws/sns';
import type { Billing } from '../billing/port';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Ledger } from '../ledger/port';
import { createLogger, type Logger } from '../log';
import { formatEmf, type MetricName } from '../metrics';
import {
  createEnvTargetCredentials,
  createSecretsManagerTargetCredentials,
  type TargetCredentialSource,
} from '../notify/chat/credentials';
import { createConsoleNotifier } from '../notify/console';
import { createFanoutNotifier } from '../notify/fanout';
import type { Notifier } from '../notify/port';
import { createSnsNotifier } from '../notify/sns';
import type { Policy } from '../policy/schema';
import type { CredentialsProvider, Registrar } from '../registrar/port';
import type { JobDeps } from '../renewal/deps';
import { realSleep } from '../renewal/retry';
import {
  ALIYUN_CLI_CONFIG,
  type AlibabaAccess,
  createEnvCredentials,
  createProfileCredentials,
  createSecretsManagerCredentials,
  type KeyEnvNames,
  selectSecretId,
} from '../secrets';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Credentials for this config: Secrets Manager when a secret is configured for `access` (AUTORENEW_SECRET_ID, or
 * AUTORENEW_READONLY_SECRET_ID for readers), else the local env variables.
 */
export function buildCredentials(
  config: Readonly<Config>,
  env: Env,
  access: AlibabaAccess = 'buy',
  /** An account's own key source (AUTORENEW_ACCOUNTS accessKeyIdEnv... or profile), read when it has no secret. */
  source: { keyEnv?: KeyEnvNames; profile?: { name: string; file?: string } } = {},
): CredentialsProvider {
  const { secretId } = selectSecretId(config, access);
  if (secretId) return createSecretsManagerCredentials({ secretId });
  if (source.profile) {
    const file = source.profile.file ?? join(env.HOME ?? homedir(), ALIYUN_CLI_CONFIG);
    return createProfileCredentials({ name: source.profile.name, file });
  }
  return source.keyEnv ? createEnvCredentials(env, source.keyEnv) : createEnvCredentials(env);
}

/** The registrar adapter for this config; pass `credentials` to share a cached provider across runs. */
export function buildRegistrar(
  config: Readonly<Config>,
  policy: Pick<Policy, 'lang'>,
  credentials: CredentialsProvider,
): Registrar {
  return createAlibabaRegistrar(registrarOptions(config, policy, credentials));
}

/**
 * The same without prices (no `quoteRenewals`): for the check job, which never quotes, so its bundle leaves the
 * price code out.
 */
export function buildUnpricedRegistrar(
  config: Readonly<Config>,
  policy: Pick<Policy, 'lang'>,
  credentials: CredentialsProvider,
  /** `hold`'s look-up: fewer, shorter attempts. */
  limits: Pick<AlibabaClientOptions, 'maxAttempts' | 'timeoutMs'> = {},
): Registrar {
  return createAlibabaClient({ ...registrarOptions(config, policy, credentials), ...limits });
}

/** What a job's composition builds per account for the registrar and, for the renew job, the balance. */
export interface JobAdapters {
  registrar: typeof buildRegistrar;
  /** Absent: the job reads no balance (check). */
  billing?: typeof buildBilling;
}

function registrarOptions(
  config: Readonly<Config>,
  policy: Pick<Policy, 'lang'>,
  credentials: CredentialsProvider,
): AlibabaClientOptions {
  return {
    endpoint: config.endpoint,
    apiVersion: config.apiVersion,
    credentials,
    lang: policy.lang ?? 'en',
    qps: config.qps,
    pageSize: config.pageSize,
    quoteChunkSize: config.quoteChunk,
    ...(config.clientIp ? { userClientIp: config.clientIp } : {}),
  };
}

/**
 * The billing adapter (BSS QueryAccountBalance at AUTORENEW_BSS_ENDPOINT) with the registrar's credentials: pass
 * the same provider so one key (and one secret read) serves both.
 */
export function buildBilling(config: Readonly<Config>, credentials: CredentialsProvider): Billing {
  return createAlibabaBilling({ endpoint: config.bssEndpoint, credentials, qps: config.qps });
}

/**
 * SNS when AUTORENEW_TOPIC_ARN is set, else the console (printing the email text through `write`). `publish`: the
 * functions' own SNS client, built only if SNS is used (lib/compose/lambda.ts); else the SDK's.
 */
export function buildNotifier(
  config: Readonly<Pick<Config, 'topicArn'>>,
  write: (line: string) => void,
  publish?: () => SnsPublish,
): Notifier {
  if (!config.topicArn) return createConsoleNotifier(write);
  return createSnsNotifier({ topicArn: config.topicArn, ...(publish ? { publish: publish() } : {}) });
}

/**
 * Where chat targets' URLs and signing secrets come from: the `notifyTargets` field of the job's Secrets Manager
 * secret when one is configured for `access`, else AUTORENEW_TARGET_<NAME>_URL / _SECRET in the environment.
 */
export function buildTargetCredentials(
  config: Readonly<Config>,
  env: Env,
  access: AlibabaAccess = 'buy',
): TargetCredentialSource {
  const { secretId } = selectSecretId(config, access);
  return secretId ? createSecretsManagerTargetCredentials({ secretId }) : createEnvTargetCredentials(env);
}

/**
 * Wraps `primary` (SNS or console) in the chat fan-out when the policy has `notify.targets`; otherwise returns it
 * as it is. `marks` (the ledger) keeps per-target sent state, so a failed target is retried on the next run.
 */
export function withChatTargets(
  primary: Notifier,
  policy: Policy,
  parts: {
    credentials: TargetCredentialSource;
    marks: Pick<Ledger, 'getMarks' | 'putMarks'>;
    clock: Clock;
    log: Logger;
    /** The account's name, with several named accounts (each post names it). */
    account?: string;
  },
): Notifier {
  const targets = policy.notify.targets ?? [];
  if (targets.length === 0) return primary;
  // Signed at the wall clock's time, whatever the job's clock (a sandbox's, `--at`): fanout.ts signingNow.
  return createFanoutNotifier({ primary, targets, notify: policy.notify, signingNow: () => Date.now(), ...parts });
}

/**
 * Metrics sink: EMF lines in Lambda (turned into CloudWatch metrics by the platform), nothing elsewhere. A named
 * `account` adds the Account dimension (lib/metrics.ts).
 */
export function buildMetrics(job: string, env: Env, clock: Clock, account = ''): JobDeps['metrics'] {
  if (!env.AWS_LAMBDA_FUNCTION_NAME) return () => {};
  return (values: Partial<Record<MetricName, number>>) => console.log(formatEmf(job, values, clock.now(), account));
}

/** Assembles the job dependencies from already-built adapters. */
export function assembleDeps(parts: {
  registrar: Registrar;
  billing?: Billing;
  ledger: Ledger;
  notifier: Notifier;
  clock: Clock;
  log?: Logger;
  metrics?: JobDeps['metrics'];
  remainingMs?: () => number;
  peerClaims?: JobDeps['peerClaims'];
  runClaims?: JobDeps['runClaims'];
}): JobDeps {
  return {
    registrar: parts.registrar,
    ...(parts.billing ? { billing: parts.billing } : {}),
    ledger: parts.ledger,
    notifier: parts.notifier,
    clock: parts.clock,
    log: parts.log ?? createLogger(),
    metrics: parts.metrics ?? (() => {}),
    newId: randomUUID,
    sleep: realSleep,
    ...(parts.remainingMs ? { remainingMs: parts.remainingMs } : {}),
    ...(parts.peerClaims ? { peerClaims: parts.peerClaims } : {}),
    ...(parts.runClaims ? { runClaims: parts.runClaims } : {}),
  };
}
