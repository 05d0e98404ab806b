import { RejectedFinalError } from '../errors';

/** The registrar's code for a domain the account does not hold (the API's documented example of an unknown domain). */
export const NOT_IN_ACCOUNT_CODE = 'DomainNotExist';

/** Whether `err` is the registrar saying the account does not hold the domain asked about (transferred, misspelt). */
export function isNotInAccount(err: unknown): err is RejectedFinalError {
  return err instanceof RejectedFinalError && err.context.code === NOT_IN_ACCOUNT_CODE;
}
