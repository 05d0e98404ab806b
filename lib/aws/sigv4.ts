import { createHash, createHmac } from 'node:crypto';

/** AWS credentials as Lambda hands them over (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  /** The request's host header (with the port when it is not the scheme's default). */
  host: string;
  /** The URI path, already URI-encoded; usually `/`. */
  path: string;
  /** The canonical query string (names and values encoded, sorted); '' for none. */
  query: string;
  /** Headers to sign besides host, x-amz-date and x-amz-security-token: lower-case names. */
  headers: Readonly<Record<string, string>>;
  body: string;
  region: string;
  service: string;
  credentials: AwsCredentials;
  /** Signing time, ms since the epoch (UTC). */
  nowMs: number;
}

const hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** One derived key per secret, day, region and service: recomputing it costs four HMACs per request. */
const cachedKeys = new Map<string, Buffer>();

function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const id = `${secret}\n${day}\n${region}\n${service}`;
  let key = cachedKeys.get(id);
  if (!key) {
    // A new day, key or service: the old keys are of no further use (a function signs for two or three services).
    if (cachedKeys.size >= 8) cachedKeys.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
    cachedKeys.set(id, key);
  }
  return key;
}

/**
 * Signs a request with AWS Signature Version 4 (header form) and returns every header to send with it: the given
 * ones, host, x-amz-date, x-amz-security-token (with a session token) and authorization. The signature covers all
 * of them; test/unit/sigv4.test.ts checks it against AWS's published example and the SDK's own signer.
 */
export function signRequest(input: SignInput): Record<string, string> {
  const amzDate = new Date(input.nowMs).toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...input.headers,
    host: input.host,
    'x-amz-date': amzDate,
    ...(input.credentials.sessionToken ? { 'x-amz-security-token': input.credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonical = [
    input.method,
    input.path,
    input.query,
    ...names.map((n) => `${n}:${String(headers[n]).trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders,
    hex(input.body),
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonical)].join('\n');
  const key = signingKey(input.credentials.secretAccessKey, day, input.region, input.service);
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
