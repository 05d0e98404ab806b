import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { sha256Hex, signV1, signV3 } from '../alibaba/sign';
import type { NonceCache } from './nonces';
import type { Params } from './params';
import { SandboxApiError } from './wire';

/** Allowed distance between a request's timestamp and the REAL wall clock (not the simulated one). */
export const MAX_SKEW_MS = 15 * 60_000;

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/** A request as the auth checks need it. `params` holds the query (and form body) parameters, decoded. */
export interface AuthInput {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** V1: query + form body merged. V3: query only (the body is covered by its hash). */
  params: Params;
  rawBody: Buffer;
}

const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function incomplete(what: string): SandboxApiError {
  return new SandboxApiError(400, 'IncompleteSignature', `The request signature is incomplete: ${what} is missing.`);
}

function checkTimestamp(value: string, realNowMs: number): void {
  const ms = TIMESTAMP_RE.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new SandboxApiError(
      400,
      'InvalidTimeStamp.Format',
      `Specified time stamp or date value is not well formatted: "${value}"; expected UTC YYYY-MM-DDThh:mm:ssZ.`,
    );
  }
  if (Math.abs(ms - realNowMs) > MAX_SKEW_MS) {
    throw new SandboxApiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }
}

function checkKeyId(keyId: string, creds: Credentials): void {
  if (keyId !== creds.accessKeyId) {
    throw new SandboxApiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  }
}

/** 400, as today's gateway answers (the Domain error table says 403). The StringToSign is not echoed: it names the key. */
function signatureMismatch(detail: string): SandboxApiError {
  return new SandboxApiError(
    400,
    'SignatureDoesNotMatch',
    `Specified signature is not matched with our calculation (${detail}).`,
  );
}

function useNonce(nonces: NonceCache, nonce: string, realNowMs: number): void {
  if (!nonces.use(nonce, realNowMs)) {
    throw new SandboxApiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
}

/** The AccessKeyId a request claims (V1 parameter or V3 `Credential=`), before any verification. */
export function claimedKeyId(req: AuthInput, v3: boolean): string | undefined {
  if (!v3) return req.params.AccessKeyId;
  return /(?:^|[\s,])Credential=([^,\s]+)/.exec(headerValue(req.headers, 'authorization') ?? '')?.[1];
}

/** True when the request carries a V3 `Authorization: ACS3-HMAC-SHA256 ...` header. */
export function isV3(headers: IncomingHttpHeaders): boolean {
  return (headerValue(headers, 'authorization') ?? '').startsWith('ACS3-');
}

/**
 * Verifies a V1 (HMAC-SHA1) request: key id, timestamp against real time (15 min), signature over every parameter
 * but `Signature` with the request's own method, then records the nonce (only signed requests burn a nonce).
 * An optional `SecurityToken` (STS) is accepted as just another signed parameter; it is not validated.
 */
export function verifyV1(req: AuthInput, creds: Credentials, nonces: NonceCache, realNowMs: number): void {
  const p = req.params;
  for (const name of ['AccessKeyId', 'Signature', 'SignatureNonce', 'Timestamp'] as const) {
    if (!p[name]) throw incomplete(name);
  }
  if ((p.SignatureMethod ?? '') !== 'HMAC-SHA1') {
    throw new SandboxApiError(
      400,
      'InvalidSignatureMethod',
      'Specified signature method is not supported; use HMAC-SHA1.',
    );
  }
  if (p.SignatureVersion !== undefined && p.SignatureVersion !== '1.0') {
    throw new SandboxApiError(400, 'InvalidSignatureVersion', 'Specified signature version is not supported; use 1.0.');
  }
  checkTimestamp(p.Timestamp as string, realNowMs);
  checkKeyId(p.AccessKeyId as string, creds);
  const { Signature, ...signed } = p;
  const expected = signV1(req.method, signed, creds.accessKeySecret);
  if (!safeEqual(expected, Signature as string)) throw signatureMismatch('HMAC-SHA1');
  useNonce(nonces, p.SignatureNonce as string, realNowMs);
}

/**
 * Verifies a V3 (ACS3-HMAC-SHA256) request: trusts `SignedHeaders` from the Authorization header, re-encodes the
 * decoded query, checks the raw body against `x-acs-content-sha256`, then the signature; records the nonce last.
 * An optional `x-acs-security-token` (STS) is accepted when signed; it is not validated.
 */
export function verifyV3(req: AuthInput, creds: Credentials, nonces: NonceCache, realNowMs: number): void {
  const auth = headerValue(req.headers, 'authorization') ?? '';
  const match = /^ACS3-HMAC-SHA256\s+(.*)$/.exec(auth);
  if (!match) throw new SandboxApiError(400, 'InvalidSignatureMethod', 'Only ACS3-HMAC-SHA256 is supported.');
  const fields = new Map<string, string>();
  for (const part of (match[1] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const keyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!keyId) throw incomplete('Credential');
  if (!signedHeaders) throw incomplete('SignedHeaders');
  if (!signature) throw incomplete('Signature');
  const date = headerValue(req.headers, 'x-acs-date');
  const nonce = headerValue(req.headers, 'x-acs-signature-nonce');
  const contentHash = headerValue(req.headers, 'x-acs-content-sha256');
  if (!date) throw incomplete('x-acs-date');
  if (!nonce) throw incomplete('x-acs-signature-nonce');
  if (!contentHash) throw incomplete('x-acs-content-sha256');
  checkTimestamp(date, realNowMs);
  checkKeyId(keyId, creds);
  if (sha256Hex(req.rawBody) !== contentHash.toLowerCase()) throw signatureMismatch('x-acs-content-sha256 mismatch');
  const headers: Record<string, string> = {};
  for (const name of Object.keys(req.headers)) headers[name] = headerValue(req.headers, name) ?? '';
  const { signature: expected } = signV3(
    {
      method: req.method,
      path: req.path,
      query: req.params,
      headers,
      hashedPayload: contentHash,
      signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    },
    creds.accessKeySecret,
  );
  if (!safeEqual(expected, signature.toLowerCase())) throw signatureMismatch('ACS3-HMAC-SHA256');
  useNonce(nonces, nonce, realNowMs);
}
