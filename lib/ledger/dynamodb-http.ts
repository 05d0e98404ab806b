import { createHttpPost } from '../http-post';
import { fromAttributeMap, toAttributeMap } from './attribute-values';
import type { LedgerSdk } from './dynamodb-client';
import { type AwsCredentials, signRequest } from './sigv4';

/**
 * Where and as whom the ledger talks to DynamoDB over its own HTTP client. Each field defaults from the environment
 * a Lambda function runs in: `endpoint` from AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL, else the region's
 * public endpoint; `region` from AWS_REGION or AWS_DEFAULT_REGION; `credentials` from AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (the execution role's, which Lambda sets).
 */
export interface HttpLedgerConfig {
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

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_TIMEOUT_MS = 5_000;
const BACKOFF_BASE_MS = 100;
const THROTTLE_BASE_MS = 500;
const BACKOFF_CAP_MS = 20_000;
/** Far above any answer DynamoDB gives (a BatchGetItem returns at most 16 MB). */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** The AWS SDK's throttling error names (standard retry mode): retried with a longer backoff. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** Network failures worth another attempt (the request may or may not have been applied: the ledger's writeId tells). */
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

/** DynamoDB's answer to a request it refused: `name` is the exception type, as the AWS SDK names it. */
export class DynamoServiceError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  constructor(name: string, message: string, statusCode: number, requestId: string | undefined) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: statusCode, ...(requestId ? { requestId } : {}) };
  }
}

type Json = Record<string, unknown>;
type Convert = (map: never) => Json;

/** Fields that hold one item, key or value map, and fields that hold a list of them (RequestItems' `Keys`). */
const ITEM_FIELDS = new Set([
  'Key',
  'Item',
  'ExpressionAttributeValues',
  'ExclusiveStartKey',
  'Attributes',
  'LastEvaluatedKey',
]);
const LIST_FIELDS = new Set(['Keys', 'Items']);

/** Fields that map a table name to its requests or results: the names are table names, never walked as fields. */
const BY_TABLE = new Set(['RequestItems', 'UnprocessedKeys', 'UnprocessedItems', 'Responses']);

/**
 * Converts the item-bearing fields of a request or response between plain values and typed JSON, wherever they
 * sit (RequestItems, UnprocessedKeys and UnprocessedItems nest them under the table name); `Responses` holds a list
 * of items per table. Item contents are converted whole, never walked as structure, and a table named like a field
 * (`Items`) stays a table name.
 */
function convertFields(value: unknown, convert: Convert): unknown {
  if (Array.isArray(value)) return value.map((v) => convertFields(v, convert));
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [field, v] of Object.entries(value)) {
    out[field] = ITEM_FIELDS.has(field)
      ? convert(v as never)
      : LIST_FIELDS.has(field)
        ? (v as never[]).map(convert)
        : BY_TABLE.has(field)
          ? Object.fromEntries(
              Object.entries(v as Json).map(([table, x]) => [
                table,
                field === 'Responses' ? (x as never[]).map(convert) : convertFields(x, convert),
              ]),
            )
          : convertFields(v, convert);
  }
  return out;
}

const ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  Query: 'Query',
  Scan: 'Scan',
};

/** The public endpoint of DynamoDB in `region` (China regions live under amazonaws.com.cn). */
export function publicEndpoint(region: string): string {
  return `https://dynamodb.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

function isRetryable(err: unknown): { retry: boolean; throttled: boolean } {
  if (err instanceof DynamoServiceError) {
    const throttled = THROTTLING.has(err.name);
    return { retry: throttled || err.$metadata.httpStatusCode >= 500, throttled };
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return { retry: typeof code === 'string' && NETWORK_CODES.has(code), throttled: false };
}

/**
 * The ledger's DynamoDB seam over Node's own HTTP client: the same document-client commands and shapes as the AWS
 * SDK path, at about a quarter of its CPU per request (bench/README.md): signed with SigV4 (sigv4.ts), the values
 * marshalled by attribute-values.ts, JSON protocol 1.0. Like the SDK's standard retry mode it retries throttling,
 * 5xx answers and network failures (3 attempts, jittered exponential backoff); a retried write the table had
 * already applied is recognised by the ledger's writeId (dynamodb.ts). This is what a deployed function uses; local
 * runs and tests that inject a document client keep the SDK path.
 */
export function createHttpLedgerSdk(config: HttpLedgerConfig = {}): LedgerSdk {
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
    if (!region) throw new Error('no AWS region for the ledger table: set AWS_REGION');
    const url = new URL(
      config.endpoint ??
        (env.AWS_ENDPOINT_URL_DYNAMODB?.trim() || env.AWS_ENDPOINT_URL?.trim() || publicEndpoint(region)),
    );
    transport = { url, region };
    return transport;
  };

  const credentialsOf = (): AwsCredentials => {
    if (config.credentials) return config.credentials;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('no AWS credentials for the ledger table: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are unset');
    }
    const sessionToken = env.AWS_SESSION_TOKEN;
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  };

  const attempt = async (action: string, body: string): Promise<Json> => {
    const { url, region } = setUp();
    const headers = signRequest({
      method: 'POST',
      host: url.host,
      // What is sent is signed: an endpoint may carry a path (a proxy's).
      path: url.pathname,
      query: '',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${action}`,
      },
      body,
      region,
      service: 'dynamodb',
      credentials: credentialsOf(),
      nowMs: now(),
    });
    const res = await http.post({ url: url.href, headers, body, timeoutMs, maxBytes: MAX_ANSWER_BYTES });
    let parsed: Json | undefined;
    try {
      const value: unknown = JSON.parse(res.text ?? '');
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Json;
    } catch {
      // Not JSON (a proxy's error page, a cut answer): described below.
    }
    if (res.status === 200 && parsed) return parsed;
    if (res.status === 200) {
      // Never read as an empty result (a claim that is not there): retried like a lost answer, then thrown.
      throw Object.assign(new Error('DynamoDB answered HTTP 200 with a body that is not a JSON object'), {
        code: 'InvalidResponse',
      });
    }
    parsed ??= {};
    const type = String(parsed.__type ?? `HTTP ${res.status}`);
    const message = String(parsed.message ?? parsed.Message ?? `DynamoDB answered HTTP ${res.status}`);
    throw new DynamoServiceError(
      type.slice(type.lastIndexOf('#') + 1),
      message,
      res.status,
      res.header('x-amzn-requestid'),
    );
  };

  return {
    async send(command, input) {
      const action = ACTIONS[command] as string;
      const body = JSON.stringify(convertFields(input, toAttributeMap as Convert));
      for (let n = 1; ; n++) {
        try {
          return convertFields(await attempt(action, body), fromAttributeMap as Convert) as never;
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
