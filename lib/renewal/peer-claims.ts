import { LEDGER_CONCURRENCY, mapWithLimit } from '../concurrency';
import type { Claim, ClaimKey, Ledger } from '../ledger/port';
import { isLive, NOT_SUBMITTED_CODE, RENEWED_ELSEWHERE_CODE } from './claims';
import type { JobDeps } from './deps';
import { dayStartsOf, isDayStart, isReadDifferently, isSameListedExpiry } from './expiry';
import { claimKey } from './plan-types';

/**
 * The other accounts' claims of `listed` (domain and listed expiry, epoch ms UTC), keyed by the listed key's
 * claimKey, but those released without an attempt (FAILED `not-submitted`): live, RENEWED, shown renewed (FAILED
 * `renewed-elsewhere`), or failed, whose attempts and backoff the planner applies as it does its own (another
 * account bought a domain whose failure check had called "not retried": review 2026-12-06, round 4). A live claim
 * wins over a finished one (it is still in flight). Absent peers: empty.
 *
 * Read by the planner (a domain renewed, or being renewed, under one account and then moved to another was listed
 * there at its old expiry by a lagging listing and bought again: review 2026-12-05, round 5, I) and again by each
 * batch right before its paid call (submit-batch.ts dropClaimedByPeers).
 * - At the listed expiry or the same date cut to the day (expiry.ts isSameListedExpiry), or read a little
 *   differently (expiry.ts isReadDifferently, within 2 days: a zone, a registry sync; review 2026-12-07: a domain
 *   renewed in one account and moved was listed in the other an hour off its old expiry and bought again, where one
 *   account's own guard holds that reading as renewed; and a failure, since that day's twenty-seventh session:
 *   {@link isSameCycle}). So the whole domain is read, each peer's claims of it (one Query per domain and peer; the
 *   day-start keys as well).
 * - Less the claims written by an account of this very run (JobDeps.runClaims.isRunAttempt): within a run the room
 *   decides who buys. Read again by a later plan of the run, the claims the other account took ahead made each see
 *   the other's as in flight, neither bought, and the domain lapsed in silence (review 2026-12-06).
 * Throws when a read fails: nothing is bought on a guess.
 */
export async function readPeerClaims(
  deps: Pick<JobDeps, 'peerClaims' | 'runClaims'>,
  listed: readonly ClaimKey[],
): Promise<Map<string, Claim>> {
  const found = new Map<string, Claim>();
  if (!deps.peerClaims || listed.length === 0) return found;
  const keys = listed.flatMap((d) =>
    [d.expiryMs, ...dayStartsOf(d.expiryMs)].map((expiryMs) => ({ domain: d.domain, expiryMs })),
  );
  const whole = [...new Set(listed.map((d) => d.domain))];
  const run = deps.runClaims;
  const byDomain = new Map<string, Claim[]>();
  for (const c of await deps.peerClaims(keys, whole)) {
    // Released without an attempt (left to another account, given back unsent): nothing to learn from it.
    if (c.status === 'FAILED' && c.code === NOT_SUBMITTED_CODE) continue;
    if (run?.isRunAttempt(c.attemptId)) continue;
    byDomain.set(c.domain, [...(byDomain.get(c.domain) ?? []), c]);
  }
  for (const d of listed) {
    for (const c of byDomain.get(d.domain) ?? []) {
      if (!isSameCycle(d.expiryMs, c.expiryMs)) continue;
      const key = claimKey(d.domain, d.expiryMs);
      const kept = found.get(key);
      if (!kept || rankOf(c) > rankOf(kept)) found.set(key, c);
    }
  }
  return found;
}

/**
 * Whether a claim at `claimedMs` is of the cycle listed at `listedMs` (epoch ms): the same listed expiry (or date cut
 * to the day), or read a little differently (within 2 days; a renewal moves the expiry a year at least), whatever the
 * claim's status. A failure read an hour off counts as well: matched for claims in flight only, another account
 * bought the renewal a person had been told to make by hand after the failure (retry-too-late, max-attempts; review
 * 2026-12-07, twenty-seventh session).
 */
function isSameCycle(listedMs: number, claimedMs: number): boolean {
  return isSameListedExpiry(listedMs, claimedMs) || isReadDifferently(listedMs, claimedMs);
}

/**
 * Whether a peer's claim (readPeerClaims) means the domain is bought or being bought there: live, RENEWED, or shown
 * renewed. A peer's other failures only shape the retry (attempts, backoff), as the account's own would.
 */
export function isPeerInFlight(c: Claim): boolean {
  return isLive(c) || c.status === 'RENEWED' || isShownRenewed(c);
}

/** Which of two peer claims of one key decides: a live one (still in flight), then a finished renewal, then the most attempts. */
function rankOf(c: Claim): number {
  return isLive(c) ? 3e6 : isPeerInFlight(c) ? 2e6 : c.attempts;
}

/**
 * A claim whose row failed while the registrar showed it renewed to old + years (check's `renewed-elsewhere`): its
 * own account never buys it again (`shown-renewed`), and another account whose listing lags bought the same expiry
 * again when the peer read skipped it (review 2026-12-06, round 4).
 */
function isShownRenewed(c: Claim): boolean {
  return c.status === 'FAILED' && c.code === RENEWED_ELSEWHERE_CODE;
}

/**
 * The account's own claims of `listed` under another reading of the same cycle (the listed expiry cut to the day, or
 * the exact one when the listing cuts it; a renewal read a little differently), keyed by the listed key's claimKey,
 * by the peers' rule (readPeerClaims). The planner reads its own claims by the exact listed key: once a listing cut
 * the expiry to the day, more than 2 days after our task ran, a renewed domain was bought again and a failed one
 * retried past maxAttempts and its backoff (review 2026-12-07). The day-start keys by BatchGet; the whole domain
 * (one Query) only for a listed reading that is itself a day start, whose exact readings cannot be listed.
 * Every such claim of a key, the most telling first (live, then renewed, then the most attempts): with three readings
 * (exact, UTC and UTC+8 day starts) one cycle's failures may lie under three keys, and all of them count
 * (combineOwnReadings). Throws when a read fails: nothing is bought on a guess.
 */
export async function readOwnOtherReadings(
  ledger: Pick<Ledger, 'getClaims' | 'listClaimsForDomain'>,
  runClaims: JobDeps['runClaims'],
  listed: readonly ClaimKey[],
): Promise<Map<string, Claim[]>> {
  const found = new Map<string, Claim[]>();
  if (listed.length === 0) return found;
  const keys = listed.flatMap((d) => dayStartsOf(d.expiryMs).map((expiryMs) => ({ domain: d.domain, expiryMs })));
  const whole = [...new Set(listed.filter((d) => isDayStart(d.expiryMs)).map((d) => d.domain))];
  const [atKeys, ofDomains] = await Promise.all([
    ledger.getClaims(keys),
    mapWithLimit(whole, LEDGER_CONCURRENCY, (d) => ledger.listClaimsForDomain(d)).then((all) => all.flat()),
  ]);
  const byDomain = new Map<string, Claim[]>();
  for (const c of [...atKeys, ...ofDomains]) {
    if (c.status === 'FAILED' && c.code === NOT_SUBMITTED_CODE) continue;
    if (runClaims?.isRunAttempt(c.attemptId)) continue;
    byDomain.set(c.domain, [...(byDomain.get(c.domain) ?? []), c]);
  }
  for (const d of listed) {
    for (const c of byDomain.get(d.domain) ?? []) {
      if (c.expiryMs === d.expiryMs) continue; // the listed key's own claim: read by the caller
      if (!isSameCycle(d.expiryMs, c.expiryMs)) continue;
      const key = claimKey(d.domain, d.expiryMs);
      const kept = found.get(key) ?? [];
      // One claim read twice (by its key and with its whole domain) counts once.
      if (!kept.some((k) => k.expiryMs === c.expiryMs)) found.set(key, [...kept, c]);
    }
  }
  for (const claims of found.values()) claims.sort((a, b) => rankOf(b) - rankOf(a));
  return found;
}
