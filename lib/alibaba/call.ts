import { randomBytes } from 'node:crypto';
import type { ErrorContext } from '../errors';
import type { HttpPost } from '../http-post';
import type { Credentials, CredentialsProvider } from '../registrar/port';
import { computeBackoffMs, parseRetryAfterMs } from './backoff';
import { type AttemptFailure, classifyFailure, type FailureClass } from './classify';
import { buildRegistrarError, sanitizeServerMessage } from './errors';
import { buildCallerParams, buildCommonParams, type CallerParams, type WireParams } from './params';
import type { RateLimiter } from './rate-limit';
import { findTaskNo, ShapeError } from './shapes';
import { signV1 } from './sign';
import { exchange } from './transport';

/** One attempt as reported to the metrics hook. Never carries credentials or parameters. */
export interface CallEvent {
  action: string;
  attempt: number;
  outcome: 'ok' | 'retryable' | 'final' | 'ambiguous';
  /** Duration of the HTTP exchange, ms. */
  ms: number;
  code?: string;
  requestId?: string;
}

export interface CallerDeps {
  endpoint: string;
  /** The product's API version sent as `Version`; default the Domain API's (2018-01-29). */
  version?: string;
  /** The setting that names `endpoint`, quoted in error advice (default AUTORENEW_ENDPOINT). */
  endpointSetting?: string;
  credentials: CredentialsProvider;
  timeoutMs: number;
  /** Lang / UserClientIp, sent with every call (Domain API); absent: none (BSS takes no Lang). */
  caller?: CallerParams;
  maxAttempts: number;
  limiter: RateLimiter;
  post: HttpPost;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  onCall?: (e: CallEvent) => void;
}

/** One API operation call. */
export interface CallSpec<T> {
  action: string;
  params: WireParams;
  /** Maps a 2xx body; throws ShapeError when the body is not what the operation returns. */
  parse: (body: Record<string, unknown>) => T;
  /** Paid calls are never resent after an ambiguous outcome. */
  paid: boolean;
  /** Extra error context (domain, taskNo). */
  context?: ErrorContext;
}

export interface Caller {
  /** Runs one call with signing, rate limit, timeout, classification and retries; throws a RegistrarError. */
  call<T>(spec: CallSpec<T>): Promise<T>;
}

interface AttemptOutcome<T> {
  value?: T;
  failure?: AttemptFailure;
  requestId?: string;
  serverMessage?: string;
  detail?: string;
  retryAfterMs?: number;
}

function newNonce(): string {
  return randomBytes(16).toString('hex');
}

function secretsOf(credentials: Credentials): string[] {
  return [credentials.accessKeyId, credentials.accessKeySecret, credentials.securityToken ?? ''];
}

/** Whether a failure of this class may be retried for this kind of call. */
function mayRetry(failureClass: FailureClass, paid: boolean): boolean {
  if (failureClass === 'retryable') return true;
  return failureClass === 'ambiguous' && !paid;
}

/** Creates the retrying caller shared by all operations of one registrar instance. */
export function createCaller(deps: CallerDeps): Caller {
  const callerParams = deps.caller ? buildCallerParams(deps.caller) : {};

  async function attemptOnce<T>(spec: CallSpec<T>, credentials: Credentials): Promise<AttemptOutcome<T>> {
    const unsigned: WireParams = {
      ...callerParams,
      ...spec.params,
      ...buildCommonParams(spec.action, credentials, newNonce(), deps.now(), deps.version),
    };
    const params = { ...unsigned, Signature: signV1('POST', unsigned, credentials.accessKeySecret) };
    const result = await exchange({
      endpoint: deps.endpoint,
      timeoutMs: deps.timeoutMs,
      post: deps.post,
      params,
      action: spec.action,
      parseRetryAfter: parseRetryAfterMs,
      paid: spec.paid,
    });
    if (!result.ok) {
      const { ok: _ok, ...rest } = result;
      return rest;
    }
    try {
      return { value: spec.parse(result.body), requestId: result.requestId };
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      const taskNo = findTaskNo(result.body, '');
      return {
        failure: { kind: 'invalid-body', httpStatus: result.httpStatus, ...(taskNo ? { taskNo } : {}) },
        requestId: result.requestId,
        detail: error.message,
      };
    }
  }

  async function call<T>(spec: CallSpec<T>): Promise<T> {
    let credentials = await deps.credentials.get();
    const knownSecrets = secretsOf(credentials);
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      await deps.limiter.acquire();
      const started = deps.now();
      const outcome = await attemptOnce(spec, credentials);
      const ms = deps.now() - started;
      const base = {
        action: spec.action,
        attempt,
        ms,
        ...(outcome.requestId ? { requestId: outcome.requestId } : {}),
      };
      if (!outcome.failure) {
        deps.onCall?.({ ...base, outcome: 'ok' });
        return outcome.value as T;
      }
      const failure = outcome.failure;
      const code = failure.kind === 'http' ? failure.code : undefined;
      const failureClass = classifyFailure(failure, spec.paid);
      // Not at a paid call's last attempt: one request more than maxAttempts is past the worst case the client
      // declares (worstCaseCallMs), which the time margin and the midnight check of its budgets count on (review
      // 2026-12-08, thirty-second session: a sixth request went out 172.5 s into a 170 s worst case).
      const retryAuth = failureClass === 'auth' && !refreshed && (!spec.paid || attempt < deps.maxAttempts);
      const retry = retryAuth || (mayRetry(failureClass, spec.paid) && attempt < deps.maxAttempts);
      deps.onCall?.({
        ...base,
        ...(code ? { code } : {}),
        outcome:
          failureClass === 'ambiguous' ? 'ambiguous' : retry || failureClass === 'retryable' ? 'retryable' : 'final',
      });
      if (retryAuth) {
        // An auth refusal proves nothing executed, so one resend with fresh credentials is safe even when paid.
        refreshed = true;
        credentials = await deps.credentials.refresh();
        knownSecrets.push(...secretsOf(credentials));
        continue;
      }
      if (retry) {
        await deps.sleep(computeBackoffMs(attempt, deps.random, outcome.retryAfterMs));
        continue;
      }
      const httpStatus = failure.kind === 'http' || failure.kind === 'invalid-body' ? failure.httpStatus : undefined;
      throw buildRegistrarError({
        action: spec.action,
        failureClass,
        failure,
        attempts: attempt,
        paid: spec.paid,
        timeoutMs: deps.timeoutMs,
        refreshed,
        ...(deps.endpointSetting ? { endpointSetting: deps.endpointSetting } : {}),
        context: {
          ...spec.context,
          action: spec.action,
          ...(code ? { code } : {}),
          ...(outcome.requestId ? { requestId: outcome.requestId } : {}),
          ...(httpStatus !== undefined ? { httpStatus } : {}),
          // The task an error or unreadable answer names: the submit keeps it, so check adopts it (review 2026-12-07).
          ...((failure.kind === 'http' || failure.kind === 'invalid-body') && failure.taskNo !== undefined
            ? { taskNo: failure.taskNo }
            : {}),
        },
        ...(outcome.serverMessage ? { serverMessage: sanitizeServerMessage(outcome.serverMessage, knownSecrets) } : {}),
        ...(outcome.detail ? { detail: outcome.detail } : {}),
      });
    }
  }

  return { call };
}
