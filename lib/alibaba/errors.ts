import {
  AmbiguousOutcomeError,
  AuthRejectedError,
  type ErrorContext,
  type RegistrarError,
  RejectedFinalError,
  RejectedRetryableError,
} from '../errors';
import { sanitizeLine } from '../notify/text/sanitize';
import type { AttemptFailure, FailureClass } from './classify';

const MAX_SERVER_MESSAGE = 300;

/** Longest registrar text (ErrorMsg, FailReason) kept: far more than any real reason, bounded in the ledger. */
export const MAX_REGISTRAR_TEXT = 500;

/**
 * Registrar free text as stored and shown: the project's one sanitiser (controls, C1 such as U+009B CSI, format
 * characters such as U+202E and U+200B, line and paragraph separators) and a length cap.
 */
export function registrarText(value: string, maxChars = MAX_REGISTRAR_TEXT): string {
  return sanitizeLine(value, maxChars);
}

/**
 * Makes a registrar message safe to show: drops the echoed string to sign (it contains the AccessKeyId), masks any
 * credential value it still contains, removes control characters and bounds the length.
 */
export function sanitizeServerMessage(message: string, secrets: readonly string[]): string {
  // Either wording ("server string to sign is", the V3 gateway's "server StringToSign is"): the string to sign quotes
  // the request, a token percent-encoded twice in it (review 2026-12-07, thirtieth session).
  // No leading \s* in the pattern: against a long run of spaces it backtracks quadratically (trimmed after instead).
  let text = message.replace(/server\s*(?:string\s*to\s*sign|StringToSign)\s*is[\s\S]*$/i, '').trimEnd();
  for (const secret of secrets) {
    if (secret.length >= 4) text = text.split(secret).join('***');
  }
  return registrarText(text, MAX_SERVER_MESSAGE);
}

export interface FailureReport {
  action: string;
  failureClass: FailureClass;
  failure: AttemptFailure;
  attempts: number;
  paid: boolean;
  timeoutMs: number;
  context: ErrorContext;
  serverMessage?: string;
  detail?: string;
  /** The setting that names the endpoint, for the advice (default AUTORENEW_ENDPOINT). */
  endpointSetting?: string;
  /** Whether the credentials were read again before the last try (an authorisation refusal's one resend). */
  refreshed?: boolean;
}

function describeWhat(failure: AttemptFailure, timeoutMs: number, detail: string | undefined): string {
  switch (failure.kind) {
    case 'http':
      return `${failure.code ?? 'no error code in the answer'}${failure.taskNo ? ` (the answer names task ${failure.taskNo})` : ''}`;
    case 'invalid-body':
      return `invalid response${detail ? ` (${detail})` : ''}`;
    case 'timeout':
      return `no complete answer within ${timeoutMs} ms`;
    case 'network':
      return `connection failed (${detail ?? failure.networkCode ?? 'unknown network error'})`;
  }
}

function describeAdvice(report: FailureReport): string {
  const tried = report.attempts === 1 ? 'Tried once' : `Tried ${report.attempts} times`;
  if (report.failure.kind === 'network' && report.failureClass === 'retryable') {
    return `${tried}; the request was never sent: check the host in ${report.endpointSetting ?? 'AUTORENEW_ENDPOINT'}, DNS and the network, or try later.`;
  }
  if (report.failure.kind === 'network' && report.failureClass === 'final') {
    return `${tried} (a setup error, not retried; nothing was sent): the endpoint's certificate does not match or verify; check ${report.endpointSetting ?? 'AUTORENEW_ENDPOINT'} and any TLS-intercepting proxy.`;
  }
  switch (report.failureClass) {
    case 'retryable':
      return `${tried}; the request was refused before executing: lower the QPS budget or try later.`;
    case 'auth':
      // Not said refreshed when it was not (a paid call's last attempt is not resent): told so, a person may disable a
      // working key (review 2026-12-08, thirty-second session).
      return `${tried}${report.refreshed ? ' (credentials refreshed once)' : ', with the credentials the run read first (refused at the last attempt: not read again; the next run reads them again)'}; the request did not execute: check the AccessKey pair (rotated, disabled or wrong?) and the system clock.`;
    case 'final':
      return `${tried}; the request was refused and did not execute: fix the parameters or the RAM permissions, resending it unchanged will fail again.`;
    case 'ambiguous':
      return report.paid
        ? 'The renewal MAY have executed: do not resubmit; reconcile with QueryTaskList and QueryDomainByDomainName first.'
        : `${tried}; the registrar did not give a usable answer: try later.`;
  }
}

/** Builds the typed error for a failed call; its message says what failed, where, and what to do. No `cause`. */
export function buildRegistrarError(report: FailureReport): RegistrarError {
  const what = describeWhat(report.failure, report.timeoutMs, report.detail);
  const where = [
    ...(report.context.httpStatus !== undefined ? [`HTTP ${report.context.httpStatus}`] : []),
    ...(report.context.requestId ? [`RequestId ${report.context.requestId}`] : []),
  ];
  const subject = report.context.domain ? ` for ${report.context.domain}` : '';
  const message =
    `${report.action}${subject} failed: ${what}${where.length ? ` (${where.join(', ')})` : ''}` +
    `${report.serverMessage ? `: ${report.serverMessage.replace(/\.?$/, '.')}` : '.'} ${describeAdvice(report)}`;
  switch (report.failureClass) {
    case 'retryable':
      return new RejectedRetryableError(message, report.context);
    case 'auth':
      return new AuthRejectedError(message, report.context);
    case 'final':
      return new RejectedFinalError(message, report.context);
    case 'ambiguous':
      return new AmbiguousOutcomeError(message, report.context);
  }
}
