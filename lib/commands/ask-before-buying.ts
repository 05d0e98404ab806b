import { isLoopbackEndpoint } from '../config';

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
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * True when `renew` must ask "are you sure" first: a paid run against a non-loopback (real) registrar, started by a
 * person at a terminal without --yes. Not on a pipe or in CI (no one could answer), not in Lambda (scheduled runs),
 * not against a loopback sandbox (nothing real is bought).
 */
export function needsConfirmation(input: ConfirmInput): boolean {
  if (input.dryRun || input.yes || !input.canAsk) return false;
  if (input.env.AWS_LAMBDA_FUNCTION_NAME) return false;
  return !isLoopbackEndpoint(input.endpoint);
}

/** True for an answer that confirms: y or yes, any case, surrounding spaces ignored. Anything else cancels. */
export function isYes(answer: string): boolean {
  return /^y(es)?$/i.test(answer.trim());
}
