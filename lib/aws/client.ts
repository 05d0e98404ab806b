import { createHttpPost, type HttpAnswer } from '../http-post';
import { registerSecret } from '../redact';
import { type AwsCredentials, signRequest } from './sigv4';

/**
 * Where and as whom a function talks to an AWS service over its own HTTP client. Each field defaults from the
 * environment a Lambda function runs in: `endpoint` from AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL, else the
 * region's public endpoint; `region` from AWS_REGION or AWS_DEFAULT_REGION; `credentials` from AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (the execution role's, which Lambda sets).
 */
export interface AwsClientConfig {
  endpoint?: string;
  region?: string;
  credentials?: AwsCredentials;
  /** Attempts per request, first included (default 3, the AWS SDK's). */
  maxAttempts?: number;
  /** Per attempt: no response within this long aborts it (retried), ms; default 5 000. */
  timeoutMs?: number;
  env?: Readonly<Record<string, string | undefined>>;
  /** Backoff between attempts (tests inject one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** Signing time source, ms (tests pin it). */
  now?: () => number;
}

/** One AWS service as a client addresses and signs for it. */
export interface AwsService {
  /** SigV4 signing name and public host prefix: `dynamodb`, `sns`, `secretsmanager`. */
  signingName: string;
  /** The SDK's endpoint variable suffix: AWS_ENDPOINT_URL_<envName>, e.g. `DYNAMODB`, `SECRETS_MANAGER`. */
  envName: string;
  /** What the caller uses it for, in errors before anything is sent: `the ledger table`. */
  purpose: string;
  /** Biggest answer read, bytes. */
  maxAnswerBytes: number;
}

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_TIMEOUT_MS = 5_000;
const BACKOFF_BASE_MS = 100;
const THROTTLE_BASE_MS = 500;
const BACKOFF_CAP_MS = 20_000;

/**
 * The AWS SDK's throttling error names (standard retry mode), and SNS's KMS throttling of an encrypted topic (its
 * API reference: KMSThrottling, HTTP 400; not in the SDK's list): retried with a longer backoff.
 */
const THROTTLING = new Set([
  'KMSThrottling',
  'KMSThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'Throttled',
  'ThrottledException',
  'RequestThrottledException',
  'RequestThrottled',
  'LimitExceededException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/**
 * Network failures worth another attempt (the request may or may not have been applied: callers whose writes are
 * not idempotent recognise their own by an id, as the ledger does).
 */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'TimeoutError',
  'CONNECT_TIMEOUT',
  'InvalidResponse',
]);

/** An AWS service's answer to a request it refused: `name` is the error type, as the AWS SDK names it. */
export class AwsServiceError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  constructor(name: string, message: string, statusCode: number, requestId: string | undefined) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: statusCode, ...(requestId ? { requestId } : {}) };
  }
}

/** A 200 whose body cannot be read: retried like a lost answer, never taken as an empty result. */
export function invalidResponse(what: string): Error {
  return Object.assign(new Error(what), { code: 'InvalidResponse' });
}

/** The public endpoint of `service` in `region` (China regions live under amazonaws.com.cn). */
export function publicEndpointOf(signingName: string, region: string): string {
  return `https://${signingName}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

function isRetryable(err: unknown): { retry: boolean; throttled: boolean } {
  if (err instanceof AwsServiceError) {
    const throttled = THROTTLING.has(err.name);
    return { retry: throttled || err.$metadata.httpStatusCode >= 500, throttled };
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return { retry: typeof code === 'string' && NETWORK_CODES.has(code), throttled: false };
}

/**
 * Whether a failed AWS call may pass if made again later: throttling, a 5xx or a network failure, from this client
 * or the SDK's (both carry the AWS error name and `$metadata`). A refusal (access denied, not found) does not.
 */
export function isPassingAwsFailure(err: unknown): boolean {
  if (isRetryable(err).retry) return true;
  const e = err as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  const name = typeof e?.name === 'string' ? e.name : '';
  const code = typeof e?.code === 'string' ? e.code : '';
  return (
    THROTTLING.has(name) ||
    PASSING_NAMES.has(name) ||
    PASSING_NETWORK_CODES.has(code) ||
    (typeof status === 'number' && (status >= 500 || status === 429))
  );
}

/** Failures that may pass beyond those the client retries itself: DNS and routing trouble, the SDK's timeout. */
const PASSING_NETWORK_CODES = new Set(['ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_FAIL']);
const PASSING_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

export interface AwsClient {
  /**
   * Signs and POSTs `body` to the service's endpoint (its path, usually `/`), then `read`s the answer: `read` returns the result
   * or throws (an AwsServiceError for a refusal, `invalidResponse` for an unreadable 200). Throttling, 5xx and
   * network failures are retried like the AWS SDK's standard mode (3 attempts, jittered exponential backoff).
   */
  send<T>(headers: Readonly<Record<string, string>>, body: string, read: (answer: HttpAnswer) => T): Promise<T>;
  /** Closes the kept connections. */
  destroy(): void;
}

/**
 * A signed, retrying POST to one AWS service over Node's own HTTP client (lib/http-post.ts): what the functions use
 * instead of the AWS SDK (its clients cost ~35-75 ms and ~15 MB each cold start, bench/README.md). The protocol
 * (JSON or query) is the caller's: it builds the headers and body and reads the answer.
 */
export function createAwsClient(service: AwsService, config: AwsClientConfig = {}): AwsClient {
  const env = config.env ?? process.env;
  const attempts = config.maxAttempts ?? DEFAULT_ATTEMPTS;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sleep = config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = config.now ?? Date.now;
  let transport: { url: URL; region: string } | undefined;
  const http = createHttpPost();

  const setUp = () => {
    if (transport) return transport;
    const region = config.region ?? (env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim());
    if (!region) throw new Error(`no AWS region for ${service.purpose}: set AWS_REGION`);
    const url = new URL(
      config.endpoint ??
        (env[`AWS_ENDPOINT_URL_${service.envName}`]?.trim() ||
          env.AWS_ENDPOINT_URL?.trim() ||
          publicEndpointOf(service.signingName, region)),
    );
    transport = { url, region };
    return transport;
  };

  const credentialsOf = (): AwsCredentials => {
    if (config.credentials) return config.credentials;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error(
        `no AWS credentials for ${service.purpose}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are unset`,
      );
    }
    const sessionToken = env.AWS_SESSION_TOKEN;
    // An AWS error text may quote what was signed (the token among it): never in a log line or a digest.
    registerSecret(secretAccessKey);
    registerSecret(sessionToken);
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  };

  const attempt = async <T>(
    headers: Readonly<Record<string, string>>,
    body: string,
    read: (answer: HttpAnswer) => T,
  ): Promise<T> => {
    const { url, region } = setUp();
    const signed = signRequest({
      method: 'POST',
      host: url.host,
      // What is sent is signed: an endpoint may carry a path (a proxy's).
      path: url.pathname,
      query: '',
      headers,
      body,
      region,
      service: service.signingName,
      credentials: credentialsOf(),
      nowMs: now(),
    });
    const answer = await http.post({
      url: url.href,
      headers: signed,
      body,
      timeoutMs,
      maxBytes: service.maxAnswerBytes,
    });
    return read(answer);
  };

  return {
    async send(headers, body, read) {
      for (let n = 1; ; n++) {
        try {
          return await attempt(headers, body, read);
        } catch (err) {
          const { retry, throttled } = isRetryable(err);
          if (!retry || n >= attempts) throw err;
          const ceiling = Math.min(BACKOFF_CAP_MS, (throttled ? THROTTLE_BASE_MS : BACKOFF_BASE_MS) * 2 ** (n - 1));
          await sleep(Math.random() * ceiling);
        }
      }
    },
    destroy() {
      http.destroy();
      transport = undefined;
    },
  };
}

/** Parses a JSON-protocol answer body: the object, or undefined when it is not one. */
function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text ?? '');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page, a cut answer): the caller describes it.
  }
  return undefined;
}

/**
 * Reads an answer of the AWS JSON protocol (1.0 and 1.1): a 200's object, else an AwsServiceError named by the
 * answer's `__type` (without its namespace). A 200 that is not a JSON object is an `invalidResponse`.
 */
export function readJsonAnswer(serviceName: string, answer: HttpAnswer): Record<string, unknown> {
  const parsed = parseJsonObject(answer.text);
  if (answer.status === 200 && parsed) return parsed;
  if (answer.status === 200)
    throw invalidResponse(`${serviceName} answered HTTP 200 with a body that is not a JSON object`);
  // `__type` may carry a namespace (`com.amazonaws.dynamodb.v20120810#X`) or a suffix (`X:http://...`).
  const type = String(parsed?.__type ?? `HTTP ${answer.status}`).split(':')[0] as string;
  const message = String(parsed?.message ?? parsed?.Message ?? `${serviceName} answered HTTP ${answer.status}`);
  throw new AwsServiceError(
    type.slice(type.lastIndexOf('#') + 1),
    message,
    answer.status,
    answer.header('x-amzn-requestid'),
  );
}
