import { isSandboxEndpoint } from '../config';

/** What decides whether `renew` must ask before spending money. */
export interface ConfirmInput {
  /** --dry-run or AUTORENEW_DRY_RUN: nothing is bought, nothing to confirm. */
  dryRun: boolean;
  /** --yes: the operator has confirmed on the command line. */
  yes: boolean;
  /** A terminal is attached to both stdin and stdout, so a question can be answered. */
  canAsk: boolean;
  /** The Domain API endpoint the run would buy from. */
  endpoint: string;
  /**
   * False when a loopback plain-http endpoint does not answer as the sandbox (`/_sandbox/clock`): a local forwarder
   * to the real API (review 2026-12-07), asked like any real endpoint. Default true.
   */
  answersAsSandbox?: boolean;
}

/**
 * How `renew` confirms a paid run against a non-loopback (real) registrar without --yes: `ask` a person at a
 * terminal; without one (a pipe, `| tee`, cron, CI) `needs-yes`: refused until --yes says so (before 2026-12-03
 * such a run bought without asking). `none` with --yes or a dry run, and against a loopback sandbox (nothing real is
 * bought). Not for AWS_LAMBDA_FUNCTION_NAME in the environment: the functions never run this command, so it only ever
 * came from a person's shell, where it turned the question and the --yes gate off (review 2026-12-07).
 */
export function confirmationFor(input: ConfirmInput): 'none' | 'ask' | 'needs-yes' {
  if (input.dryRun || input.yes) return 'none';
  if (isSandboxEndpoint(input.endpoint) && input.answersAsSandbox !== false) return 'none';
  return input.canAsk ? 'ask' : 'needs-yes';
}

/** True when `renew` must ask "are you sure" first (see {@link confirmationFor}). */
export function needsConfirmation(input: ConfirmInput): boolean {
  return confirmationFor(input) === 'ask';
}

/** True for an answer that confirms: y or yes, any case, surrounding spaces ignored. Anything else cancels. */
export function isYes(answer: string): boolean {
  return /^y(es)?$/i.test(answer.trim());
}
