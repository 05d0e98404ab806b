/**
 * Which error class a failed Domain API attempt belongs to. Pure: one table, no I/O.
 * The class decides what may be retried: only a *rejection* proves the request did not execute.
 */

/** How one attempt failed, as seen on the wire. */
export type AttemptFailure =
  /** The registrar answered with a non-2xx status (code from the JSON body, when there was one). */
  | { kind: 'http'; httpStatus: number; code?: string }
  /** A 2xx answer whose body was not the JSON we expect (not JSON, no RequestId, wrong types). */
  | { kind: 'invalid-body'; httpStatus: number }
  /** Our own deadline fired (AbortSignal) while sending or waiting for the answer. */
  | { kind: 'timeout' }
  /** A socket-level failure; `networkCode` is the errno/undici code (ECONNREFUSED, ECONNRESET, ...). */
  | { kind: 'network'; networkCode?: string };

export type FailureClass = 'retryable' | 'auth' | 'final' | 'ambiguous';

/** Codes that prove the gateway refused the request before executing it, and that a resend may pass. */
const RETRYABLE_CODES = new Set(['SignatureNonceUsed', 'InvalidTimeStamp.Expired', 'TaskIsBeingProcessed', 'Busy']);

/** Authentication refusals: nothing executed; the secret may have rotated. */
const AUTH_CODES = new Set(['SignatureDoesNotMatch', 'IncompleteSignature']);
const AUTH_PREFIXES = ['InvalidAccessKeyId', 'InvalidSecurityToken'];

/** Backend failures reported with a 4xx status that may still have executed. */
const AMBIGUOUS_CODES = new Set(['NetworkIOError']);

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
]);

function isPrefixed(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(`${prefix}.`);
}

/** The class of an API error code, or undefined when the code alone does not decide. */
function classifyCode(code: string): FailureClass | undefined {
  if (isPrefixed(code, 'Throttling') || RETRYABLE_CODES.has(code)) return 'retryable';
  if (AUTH_CODES.has(code) || AUTH_PREFIXES.some((p) => isPrefixed(code, p))) return 'auth';
  if (AMBIGUOUS_CODES.has(code)) return 'ambiguous';
  return undefined;
}

/**
 * Classifies one failed attempt. A known code wins over the status (a `Throttling` code is a refusal whatever the
 * status); then 429 is retryable, 4xx final, and everything else (5xx, 3xx, timeouts, resets) ambiguous.
 */
export function classifyFailure(failure: AttemptFailure): FailureClass {
  switch (failure.kind) {
    case 'http': {
      const byCode = failure.code ? classifyCode(failure.code) : undefined;
      if (byCode) return byCode;
      if (failure.httpStatus === 429) return 'retryable';
      if (failure.httpStatus >= 400 && failure.httpStatus < 500) return 'final';
      return 'ambiguous';
    }
    case 'network':
      return failure.networkCode && NOT_SENT_NETWORK_CODES.has(failure.networkCode) ? 'retryable' : 'ambiguous';
    case 'invalid-body':
    case 'timeout':
      return 'ambiguous';
  }
}
