/**
 * Which error class a failed Domain API attempt belongs to. Pure: one table, no I/O.
 * The class decides what may be retried: only a *rejection* proves the request did not execute.
 */

/** How one attempt failed, as seen on the wire. */
export type AttemptFailure =
  /** The registrar answered with a non-2xx status (code from the JSON body, when there was one). */
  | { kind: 'http'; httpStatus: number; code?: string; taskNo?: string }
  /** A 2xx answer whose body was not the JSON we expect (not JSON, no RequestId, wrong types). */
  | { kind: 'invalid-body'; httpStatus: number; taskNo?: string }
  /** Our own deadline fired (AbortSignal) while sending or waiting for the answer. */
  | { kind: 'timeout' }
  /** A socket-level failure; `networkCode` is the errno/undici code (ECONNREFUSED, ECONNRESET, ...). */
  | { kind: 'network'; networkCode?: string };

export type FailureClass = 'retryable' | 'auth' | 'final' | 'ambiguous';

/** Codes that prove the gateway refused the request before executing it, and that a resend may pass. */
const RETRYABLE_CODES = new Set([
  'SignatureNonceUsed',
  'InvalidTimeStamp.Expired',
  'TaskIsBeingProcessed',
  'Busy',
  // CheckDomain's "Query registry failed.", documented as retryable (never a paid-call refusal: isPaidRefusal).
  'QueryRegistryFailed',
]);

/** Authentication refusals: nothing executed; the secret may have rotated. */
const AUTH_CODES = new Set(['SignatureDoesNotMatch', 'IncompleteSignature']);
const AUTH_PREFIXES = ['InvalidAccessKeyId', 'InvalidSecurityToken'];

/** Backend failures reported with a 4xx status that may still have executed. */
const AMBIGUOUS_CODES = new Set(['NetworkIOError']);

/** Authorisation refusals (RAM): nothing executed; the key lacks a permission. */
const FORBIDDEN_PREFIX = 'Forbidden';

/**
 * For PAID calls, the only codes that prove the request was refused before it executed:
 * signature, key and timestamp errors, throttling, missing or invalid parameters, and authorisation refusals.
 * Every other error answer of a paid call is ambiguous: an order may have been placed (`InternalError.Backend`
 * with HTTP 400 was seen after an executed renewal). `SignatureNonceUsed` is not a refusal here: each attempt signs
 * a fresh nonce, so it means an earlier copy of the same bytes reached the gateway, and that copy may have executed.
 */
const PAID_REFUSAL_CODES = new Set(['SignatureDoesNotMatch', 'IncompleteSignature', 'ParameterIllegal']);
const PAID_REFUSAL_PREFIXES = [
  'InvalidAccessKeyId',
  'InvalidSecurityToken',
  'InvalidTimeStamp',
  'Throttling',
  'MissingParameter',
  'InvalidParameter',
  FORBIDDEN_PREFIX,
];

/** Whether an error code proves a paid request was refused before it executed. */
export function isPaidRefusal(code: string): boolean {
  return PAID_REFUSAL_CODES.has(code) || PAID_REFUSAL_PREFIXES.some((p) => code === p || code.startsWith(p));
}

/**
 * Errno codes meaning no connection was ever made, so no request bytes reached the server.
 * Anything else at socket level (ECONNRESET, EPIPE, UND_ERR_SOCKET, unknown) may have happened after sending.
 */
const NOT_SENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CONNECT_TIMEOUT',
]);

/**
 * TLS verification failures: the handshake failed, so no request bytes were sent, and a resend fails the same way.
 * A setup error (wrong host, interception, clock): not retried, named in the message.
 */
const TLS_SETUP_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** Whether a network code is a TLS certificate verification failure (a setup error, never sent, not retried). */
export function isTlsSetupCode(code: string | undefined): boolean {
  return code !== undefined && TLS_SETUP_CODES.has(code);
}

function isPrefixed(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(`${prefix}.`);
}

/** The class of an API error code, or undefined when the code alone does not decide. */
function classifyCode(code: string): FailureClass | undefined {
  if (isPrefixed(code, 'Throttling') || RETRYABLE_CODES.has(code)) return 'retryable';
  if (AUTH_CODES.has(code) || AUTH_PREFIXES.some((p) => isPrefixed(code, p))) return 'auth';
  if (isPrefixed(code, FORBIDDEN_PREFIX)) return 'auth';
  if (AMBIGUOUS_CODES.has(code)) return 'ambiguous';
  return undefined;
}

/**
 * Classifies one failed attempt. A known code wins over the status (a `Throttling` code is a refusal whatever the
 * status); then 429 is retryable, 4xx final, and everything else (5xx, 3xx, timeouts, resets) ambiguous.
 */
export function classifyFailure(failure: AttemptFailure, paid = false): FailureClass {
  switch (failure.kind) {
    case 'http': {
      // An error answer that names a task is the registrar's own word that a task was made: never a refusal of a
      // paid call, whatever its code (review 2026-12-07: `Throttling.User` with a TaskNo was resent at once, and a
      // refusal code closed the batch as "did not execute").
      if (paid && failure.taskNo !== undefined) return 'ambiguous';
      // A paid call's error answer counts as a refusal only on the allow-list; a bare 429 (no code) is the gateway's
      // throttling refusal, but a 429 naming another code is that code's answer and may follow an execution.
      if (paid && (failure.code ? !isPaidRefusal(failure.code) : failure.httpStatus !== 429)) return 'ambiguous';
      const byCode = failure.code ? classifyCode(failure.code) : undefined;
      if (byCode) return byCode;
      if (failure.httpStatus === 429) return 'retryable';
      if (failure.httpStatus >= 400 && failure.httpStatus < 500) return 'final';
      return 'ambiguous';
    }
    case 'network':
      if (isTlsSetupCode(failure.networkCode)) return 'final';
      return failure.networkCode && NOT_SENT_NETWORK_CODES.has(failure.networkCode) ? 'retryable' : 'ambiguous';
    case 'invalid-body':
    case 'timeout':
      return 'ambiguous';
  }
}
