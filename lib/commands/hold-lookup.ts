import { AuthRejectedError, RegistrarError } from '../errors';
import { isNotInAccount } from '../registrar/not-in-account';
import type { Registrar } from '../registrar/port';

/** What the registrar said of the names `hold` was given, asked one at a time. */
export interface HeldNamesLookUp {
  /** Names the account holds, with the expiry the registrar shows (epoch ms, UTC). */
  listed: Map<string, number>;
  /** Names the registrar says the account does not hold (DomainNotExist), with that answer's request id. */
  notListed: { domain: string; requestId?: string }[];
  /** Names not looked up, or whose look-up failed, and the first failure's words. */
  unchecked?: { domains: string[]; reason: string };
}

/** Failures in a row after which the rest are not asked: a registrar that answers no one bounds hold's wait. */
const FAILURES_IN_A_ROW = 2;

/**
 * Whether a look-up failure is about the whole look-up, not one name: no credentials in this shell (not a registrar
 * error), a key or permission refused. The names after it would fail the same way.
 */
function failsEveryName(err: unknown): boolean {
  if (!(err instanceof RegistrarError)) return true;
  return err instanceof AuthRejectedError || /^(Forbidden|InvalidAction)/.test(err.code ?? '');
}

/**
 * Asks the registrar about each of `domains` (QueryDomainByDomainName, read-only, in order). A misspelt hold
 * vetoes nothing while the domain meant is bought (review 2026-12-06, round 4), so `hold` refuses a name the account
 * does not hold. A failure about one name (an answer about another name, a parameter refused) leaves that name
 * unchecked and goes on, so a misspelt name after it is still refused (round 8). A failure about every name (no
 * credentials in this shell, a RAM user without the permission), or two in a row (a registrar that does not answer),
 * stops asking: the rest are returned unchecked, for a warning, since holding must still work from a shell with
 * only the ledger's credentials.
 */
export async function lookUpHeldNames(
  registrar: Pick<Registrar, 'getDomain'>,
  domains: readonly string[],
): Promise<HeldNamesLookUp> {
  const listed = new Map<string, number>();
  const notListed: HeldNamesLookUp['notListed'] = [];
  const failed: string[] = [];
  let reason: string | undefined;
  let inARow = 0;
  for (const [i, domain] of domains.entries()) {
    try {
      listed.set(domain, (await registrar.getDomain(domain)).expiresAtMs);
      inARow = 0;
    } catch (err) {
      if (isNotInAccount(err)) {
        const { requestId } = err.context;
        notListed.push({ domain, ...(requestId ? { requestId } : {}) });
        inARow = 0;
        continue;
      }
      reason ??= err instanceof Error ? err.message : String(err);
      failed.push(domain);
      inARow++;
      if (failsEveryName(err) || inARow >= FAILURES_IN_A_ROW) {
        failed.push(...domains.slice(i + 1));
        break;
      }
    }
  }
  return { listed, notListed, ...(reason !== undefined ? { unchecked: { domains: failed, reason } } : {}) };
}

/**
 * Which of `accounts` hold each of `domains` at the registrar (the names one account does not hold): a hold of a
 * domain another account of the deployment holds stops nothing there (review 2026-12-06, round 8). A failed
 * look-up counts as not holding it; only what was found is said.
 * @returns labels of the accounts holding each domain that any holds
 */
export async function findOtherHolders(
  accounts: readonly { label: string; registrar: Pick<Registrar, 'getDomain'> }[],
  domains: readonly string[],
): Promise<Map<string, string[]>> {
  const holders = new Map<string, string[]>();
  for (const domain of domains) {
    for (const { label, registrar } of accounts) {
      const found = await registrar.getDomain(domain).then(
        () => true,
        () => false,
      );
      if (found) holders.set(domain, [...(holders.get(domain) ?? []), label]);
    }
  }
  return holders;
}
