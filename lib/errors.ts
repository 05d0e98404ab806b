/**
 * The one error family. Adapters wrap SDK/HTTP failures in these classes (original as `cause`);
 * callers branch on the class, never on the message text. Messages never carry secrets or AccessKeyIds.
 */

/** Where an error happened, for logs and notifications. Never put credentials here. */
export interface ErrorContext {
  domain?: string;
  code?: string;
  requestId?: string;
  action?: string;
  httpStatus?: number;
  file?: string;
  path?: string;
  batchId?: string;
  taskNo?: string;
}

/** Base class: every error this project raises on purpose. */
export class AutorenewError extends Error {
  readonly context: ErrorContext;
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}

/** Bad operator input (policy, config, secret): nothing may be bought. CLI exit code 1. */
export class InputError extends AutorenewError {}

/** One problem in a policy or config file, pointing at the exact spot. */
export interface InputIssue {
  file: string;
  /** JSON path such as `rules[2].years`, or '' for the whole document. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** A policy or config file failed validation; `issues` has every problem found. */
export class ValidationError extends InputError {
  readonly issues: readonly InputIssue[];
  constructor(issues: readonly InputIssue[], context: ErrorContext = {}) {
    const first = issues[0];
    const where = first ? `${first.file}${first.path ? ` ${first.path}` : ''}` : 'input';
    super(
      issues.length === 1 && first
        ? `${where}: ${first.message}`
        : `${issues.length} problems in ${first?.file ?? 'input'}; first: ${where}: ${first?.message ?? ''}`,
      context,
    );
    this.issues = issues;
  }
}

/** The Alibaba credentials (secret or env) are missing or malformed. */
export class SecretError extends InputError {}

/** A secret that could not be read this time (network, throttling, a service error): the next run may read it. */
export class SecretUnreadableError extends SecretError {}

/**
 * A Domain API call failed. Subclasses say whether the request could have executed:
 * only {@link RejectedRetryableError} and {@link RejectedFinalError} prove it did not.
 */
export class RegistrarError extends AutorenewError {
  get code(): string | undefined {
    return this.context.code;
  }
  get requestId(): string | undefined {
    return this.context.requestId;
  }
  get httpStatus(): number | undefined {
    return this.context.httpStatus;
  }
}

/** A free read abandoned because the job's deadline was near (time-margin.ts withinDeadline): read as unread. */
export class DeadlineNearError extends RegistrarError {}

/** The gateway refused the request (throttling, nonce, timestamp): it did not execute; safe to resend. */
export class RejectedRetryableError extends RegistrarError {}

/** The request was refused for good (parameters, auth, forbidden): it did not execute; do not resend as is. */
export class RejectedFinalError extends RegistrarError {}

/** Authentication refused (bad key or signature): the secret may have rotated; refresh credentials once. */
export class AuthRejectedError extends RejectedFinalError {}

/** Timeout, lost connection, 5xx or unparseable answer: the request MAY have executed. Never resend a paid call. */
export class AmbiguousOutcomeError extends RegistrarError {}

/** The ledger could not be read or written. */
export class LedgerError extends AutorenewError {}

/** The embedded ledger directory is locked by another process. */
export class LedgerInUseError extends LedgerError {}

/** A TaskNo was returned by the registrar but could not be written to the ledger after retries. */
export class TaskNoNotRecordedError extends LedgerError {}

/** A notification could not be published. */
export class NotifyError extends AutorenewError {}

/** A job finished but some of its work failed; the summary says which. */
export class JobFailedError extends AutorenewError {}

/** A versioned ledger write lost to a concurrent writer: re-read and decide again. */
export class LedgerConflictError extends LedgerError {}

/**
 * The run reached its time margin between a batch's start and its paid call (slow ledger work in between): the batch
 * was given back unsent, and the run stops starting batches as at a batch start.
 */
export class TimeLimitError extends AutorenewError {}

/**
 * The UTC day (or month) turned between a batch's budget take and its paid call: the batch was given back unsent, and
 * the run stops buying as at a time stop (submit-batch.ts sendEntries, run-renew.ts).
 */
export class BudgetPeriodMovedError extends AutorenewError {}

/** A deployed stage could not be read from AWS (CloudFormation, or a resource its outputs name). CLI exit code 2. */
export class DeploymentReadError extends AutorenewError {}

/**
 * Names error classes on their prototypes, as they are exported. The functions are minified bundles, where classes
 * are renamed: `new.target.name` made InputError "N" in their JSON logs (describeError), in stack headers and in the
 * Lambda runtime's errorType (test/integration/error-names.test.ts).
 */
export function nameErrorClasses(classes: Record<string, { prototype: Error }>): void {
  // Not enumerable, like Error.prototype.name: copies of an error's own or enumerable keys stay as they were.
  for (const [name, errorClass] of Object.entries(classes)) {
    Object.defineProperty(errorClass.prototype, 'name', { value: name, writable: true, configurable: true });
  }
}

nameErrorClasses({
  DeadlineNearError,
  AutorenewError,
  InputError,
  ValidationError,
  SecretError,
  SecretUnreadableError,
  RegistrarError,
  RejectedRetryableError,
  RejectedFinalError,
  AuthRejectedError,
  AmbiguousOutcomeError,
  LedgerError,
  LedgerInUseError,
  TaskNoNotRecordedError,
  NotifyError,
  JobFailedError,
  LedgerConflictError,
  TimeLimitError,
  BudgetPeriodMovedError,
  DeploymentReadError,
});
