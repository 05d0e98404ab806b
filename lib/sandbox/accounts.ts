import { InputError, nameErrorClasses } from '../errors';
import type { Credentials } from './auth';
import type { SandboxModel } from './model';

/** One Alibaba account the sandbox serves: its key pairs and its own model (the clock is shared). */
export interface ModelAccount {
  /** '' for the primary account. */
  name: string;
  creds: Credentials;
  /** The read-only key pair: authenticates like `creds`, refused for paid actions. */
  readOnlyCreds: Credentials;
  model: SandboxModel;
}

/** The account a request's key id belongs to, and whether it is that account's read-only key. */
export function findAccountByKeyId(
  accounts: readonly ModelAccount[],
  keyId: string | undefined,
): { account: ModelAccount; readOnly: boolean } | undefined {
  for (const account of accounts) {
    if (keyId === account.creds.accessKeyId) return { account, readOnly: false };
    if (keyId === account.readOnlyCreds.accessKeyId) return { account, readOnly: true };
  }
  return undefined;
}

/**
 * The account named `name` (absent or '': the primary, first). Throws InputError naming the known accounts, which
 * the control routes answer as 404.
 */
export function findAccountByName(accounts: readonly ModelAccount[], name: string | undefined): ModelAccount {
  const primary = accounts[0] as ModelAccount;
  if (name === undefined || name === '') return primary;
  const account = accounts.find((a) => a.name === name);
  if (!account) {
    const known = accounts.slice(1).map((a) => `"${a.name}"`);
    throw new UnknownAccountError(
      `no sandbox account named "${name}"; ${known.length > 0 ? `known: ${known.join(', ')}` : 'this sandbox has only the primary account'} (omit it for the primary account)`,
    );
  }
  return account;
}

/** An account name that is not configured (the control routes answer 404). */
export class UnknownAccountError extends InputError {}
nameErrorClasses({ UnknownAccountError });
