import { isNotInAccount } from '../registrar/not-in-account';
import type { Registrar } from '../registrar/port';

/** What the registrar said of the names `hold` was given, asked one at a time. */
export interface HeldNamesLookUp {
  /** Names the account holds, with the expiry the registrar shows (epoch ms, UTC). */
  listed: Map<string, number>;
  /** Names the registrar says the account does not hold (DomainNotExist), with that answer's request id. */
  notListed: { domain: string; requestId?: string }[];
  /** Names not asked about, and why: the first failure other than DomainNotExist ends the look-up. */
  unchecked?: { domains: string[]; reason: string };
}

/**
 * Asks the registrar about each of `domains` (QueryDomainByDomainName, read-only, in order). A misspelt hold
 * vetoes nothing while the domain meant is bought (review 2026-12-06, round 4), so `hold` refuses a name the account
 * does not hold. Any other failure (no credentials in this shell, a RAM user without the permission, the network)
 * stops asking: the rest are returned unchecked with the reason, for a warning, since holding must still work from a
 * shell with only the ledger's credentials.
 */
export async function lookUpHeldNames(
  registrar: Pick<Registrar, 'getDomain'>,
  domains: readonly string[],
): Promise<HeldNamesLookUp> {
  const listed = new Map<string, number>();
  const notListed: HeldNamesLookUp['notListed'] = [];
  for (const [i, domain] of domains.entries()) {
    try {
      listed.set(domain, (await registrar.getDomain(domain)).expiresAtMs);
    } catch (err) {
      if (isNotInAccount(err)) {
        const { requestId } = err.context;
        notListed.push({ domain, ...(requestId ? { requestId } : {}) });
        continue;
      }
      const reason = err instanceof Error ? err.message : String(err);
      return { listed, notListed, unchecked: { domains: domains.slice(i), reason } };
    }
  }
  return { listed, notListed };
}
