import type { BatchEntry } from '../ledger/port';
import type { Registrar } from '../registrar';
import { addYearsUtc } from './dates';
import { normalizeDomain } from './domain-name';

const DAY_MS = 86_400_000;

/** From this many domains on, one ranged listing is cheaper than one QueryDomainByDomainName per domain. */
export const CONFIRM_BY_LISTING_FROM = 10;

/**
 * Reads the current expiry of each domain the registrar reported renewed, in as few calls as possible: for a few
 * domains one QueryDomainByDomainName each; for more, one QueryDomainList over the range the new expiries must fall
 * in (each old expiry + its years, widened by 2 days for day-granular filtering and time zones), then single
 * look-ups only for domains that listing did not return (e.g. a registrar that computes the new date differently).
 * @returns normalised domain name -> current expiry (epoch ms)
 */
export async function readCurrentExpiries(
  registrar: Registrar,
  entries: readonly Pick<BatchEntry, 'domain' | 'expiryMs' | 'years'>[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (entries.length >= CONFIRM_BY_LISTING_FROM) {
    const expected = entries.map((e) => addYearsUtc(e.expiryMs, e.years));
    const listed = await registrar.listDomains({
      expiringFromMs: Math.min(...expected) - 2 * DAY_MS,
      expiringToMs: Math.max(...expected) + 2 * DAY_MS,
    });
    const wanted = new Set(entries.map((e) => normalizeDomain(e.domain)));
    for (const d of listed) {
      const name = normalizeDomain(d.domainName);
      if (wanted.has(name)) found.set(name, d.expiresAtMs);
    }
  }
  for (const e of entries) {
    const name = normalizeDomain(e.domain);
    if (!found.has(name)) found.set(name, (await registrar.getDomain(e.domain)).expiresAtMs);
  }
  return found;
}
