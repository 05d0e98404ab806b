import { type HttpPost, HttpTimeoutError } from '../http-post';
import type { AttemptFailure } from './classify';
import type { WireParams } from './params';
import { findTaskNo } from './shapes';
import { canonicalizeQuery } from './sign';

/** What one HTTP exchange produced, before classification. Holds no credentials. */
export type ExchangeResult =
  | { ok: true; httpStatus: number; body: Record<string, unknown>; requestId: string }
  | {
      ok: false;
      failure: AttemptFailure;
      requestId?: string;
      /** Message text from the registrar's error body (unsanitized: may echo the string to sign). */
      serverMessage?: string;
      /** Detail of an invalid 2xx body or of a network failure, for the error message. */
      detail?: string;
      retryAfterMs?: number;
    };

/** Largest answer read: a 1000-item page is well under 1 MB; anything beyond 10 MiB is not a Domain API answer. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface ExchangeOptions {
  /** Cap on the answer's size (default MAX_RESPONSE_BYTES); a bigger one is not read and counts as an invalid body. */
  maxBodyBytes?: number;
  endpoint: string;
  timeoutMs: number;
  /** The HTTP exchange (lib/http-post.ts; tests inject their own). */
  post: HttpPost;
  /** Parameters including `Signature`; sent as a form body so nothing lands in URLs or access logs. */
  params: WireParams;
  action: string;
  parseRetryAfter: (header: string | undefined) => number | undefined;
  /** A paid call: sent on a connection of its own (HttpRequest.fresh). */
  paid?: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** errno / undici code of a fetch failure (fetch wraps the socket error as `cause`). */
/** Plain words for a socket-level failure, naming the host (and port): never a value of the request. */
export function describeNetworkFailure(code: string | undefined, url: string, error?: unknown): string {
  let host = '?';
  let port = '';
  try {
    const u = new URL(url);
    host = u.hostname;
    port = u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    // keep '?'
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return `DNS lookup failed: no such host ${host} (${code})`;
    case 'EAI_AGAIN':
      return `DNS lookup failed for ${host}: the resolver did not answer (${code})`;
    case 'ECONNREFUSED':
      return `connection refused by ${host} port ${port} (${code})`;
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `no route to ${host} (${code})`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'CONNECT_TIMEOUT':
      return `connecting to ${host} port ${port} timed out (${code})`;
    case 'ECONNRESET':
      return `connection to ${host} reset (${code})`;
    default:
      break;
  }
  if (code && /CERT|TLS|SELF_SIGNED|UNABLE_TO_/.test(code)) {
    return `TLS certificate of ${host} does not verify (${code})`;
  }
  if (code) return `${code} talking to ${host}`;
  const name = error instanceof Error ? error.name : undefined;
  return `unknown network error talking to ${host}${name && name !== 'Error' ? ` (${name})` : ''}`;
}

function findNetworkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; isRecord(e) || e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (depth > 4) break;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Sends one signed V1 RPC request (`POST /`, form body) and reads the whole answer within `timeoutMs`.
 * Never throws: every outcome is returned for the caller to classify.
 */
export async function exchange(options: ExchangeOptions): Promise<ExchangeResult> {
  const url = `${options.endpoint.replace(/\/+$/, '')}/`;
  const maxBytes = options.maxBodyBytes ?? MAX_RESPONSE_BYTES;
  try {
    // Redirects are not followed: a 3xx is an answer like any other non-2xx.
    const response = await options.post({
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'x-acs-action': options.action,
      },
      body: canonicalizeQuery(options.params),
      timeoutMs: options.timeoutMs,
      maxBytes,
      ...(options.paid ? { fresh: true } : {}),
    });
    const text = response.text;
    const headerRequestId = response.header('x-acs-request-id');
    if (text === undefined) {
      // Not read, so nothing is known of the outcome: an invalid body, which is ambiguous (a paid call is reconciled,
      // never resent blindly), whatever the status.
      return {
        ok: false,
        failure: { kind: 'invalid-body', httpStatus: response.status },
        detail: `the answer is larger than ${maxBytes} bytes and was not read`,
        ...(headerRequestId ? { requestId: headerRequestId } : {}),
      };
    }
    const json = parseJson(text);
    const record = isRecord(json) ? json : undefined;
    const requestId = (record && readString(record, 'RequestId')) ?? headerRequestId;
    const withRequestId = requestId ? { requestId } : {};
    if (response.status >= 200 && response.status < 300) {
      // An answer this tool cannot read may still name the task the paid call made: kept, so check adopts it and the
      // batch is never released while that task can run (review 2026-12-07: a 200 answer with `taskNo`, no body
      // RequestId or cut short lost its TaskNo, and the domain was bought again once the queued task listed late).
      const named = findTaskNo(record, text);
      const withTaskNo = named ? { taskNo: named } : {};
      if (!record) {
        const detail = json === undefined ? 'the body is not JSON' : 'the body is not a JSON object';
        return {
          ok: false,
          failure: { kind: 'invalid-body', httpStatus: response.status, ...withTaskNo },
          detail,
          ...withRequestId,
        };
      }
      if (!readString(record, 'RequestId')) {
        return {
          ok: false,
          failure: { kind: 'invalid-body', httpStatus: response.status, ...withTaskNo },
          detail: 'the body has no RequestId',
          ...withRequestId,
        };
      }
      return { ok: true, httpStatus: response.status, body: record, requestId: readString(record, 'RequestId')! };
    }
    const code = record ? readString(record, 'Code') : undefined;
    const taskNo = findTaskNo(record, text);
    const serverMessage = record ? readString(record, 'Message') : undefined;
    const retryAfterMs = options.parseRetryAfter(response.header('x-acs-retry-after'));
    return {
      ok: false,
      failure: { kind: 'http', httpStatus: response.status, ...(code ? { code } : {}), ...(taskNo ? { taskNo } : {}) },
      ...withRequestId,
      ...(serverMessage ? { serverMessage } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (error) {
    if (error instanceof HttpTimeoutError) return { ok: false, failure: { kind: 'timeout' } };
    const networkCode = findNetworkCode(error);
    return {
      ok: false,
      failure: { kind: 'network', ...(networkCode ? { networkCode } : {}) },
      detail: describeNetworkFailure(networkCode, url, error),
    };
  }
}
