import type { Batch, Claim } from '../ledger/port';
import type { Policy } from '../policy/schema';
import { claimKey, type InFlightView, type Plan, type Reason } from './decision';
import type { JobDeps } from './deps';
import { normalizeDomain } from './domain-name';
import { listingWindow, planRenewals } from './plan';

/*
 * The free part of a run: list and plan. `plan`, dry runs and the demo import this module only, never the paid
 * path (submit.ts), so "plans are free" (M3) holds by structure.
 */

/** Plan reasons decided after the in-flight check: only these domains need their claims read. */
const AFTER_IN_FLIGHT = new Set<Reason>(['due', 'at-max-term', 'over-run-limit']);

/** Domain -> expiry of every renewal in flight (batches not yet closed), from the ledger's open-batch index. */
export function renewalsInFlight(open: readonly Batch[]): Map<string, number> {
  const live = new Map<string, number>();
  for (const b of open)
    if (b.status !== 'CLOSED')
      for (const e of b.entries) if (!e.outcome) live.set(normalizeDomain(e.domain), e.expiryMs);
  return live;
}

/**
 * The planner's in-flight view of one listed domain: its claim for the listed expiry, or, belt and braces for M1,
 * any open renewal of the same domain for ANOTHER expiry. The claim key is (domain, listed expiry), so a listing
 * that reported a different expiry for a domain already being renewed (stale or inconsistent) would otherwise make
 * a new key and a second purchase.
 */
export function viewOf(
  listedExpiryMs: number,
  claim: Claim | undefined,
  openExpiryMs: number | undefined,
): InFlightView | undefined {
  // An open batch holds this domain but no claim was found under the listed key: a claim written under another
  // spelling (an older version keyed IDNs in Unicode) or not written yet by a run in progress. Either way, in flight.
  if (openExpiryMs !== undefined && (openExpiryMs !== listedExpiryMs || !claim))
    return { status: 'CLAIMED', attempts: 0 };
  if (!claim) return undefined;
  return {
    status: claim.status,
    attempts: claim.attempts,
    ...(claim.nextEligibleAtMs !== undefined ? { nextEligibleAtMs: claim.nextEligibleAtMs } : {}),
  };
}

/**
 * Lists the candidates and plans: the free part of a run, shared by `plan`, dry runs and `renew`. The open batches
 * are read while the listing runs; a first plan without ledger data finds the domains that reach the in-flight
 * check, only their claims are read (one BatchGet per 100), then the real plan is made.
 */
export async function listAndPlan(
  deps: Pick<JobDeps, 'registrar' | 'ledger' | 'clock'>,
  policy: Policy,
): Promise<Plan> {
  const nowMs = deps.clock.now();
  const window = listingWindow(policy, nowMs);
  const [domains, open] = await Promise.all([
    deps.registrar.listDomains({ expiringFromMs: window.fromMs, expiringToMs: window.toMs }),
    deps.ledger.listOpenBatches(),
  ]);
  const draft = planRenewals({ domains, policy, inFlight: new Map(), nowMs });
  const candidates = draft.decisions.filter((d) => AFTER_IN_FLIGHT.has(d.reason)).map((d) => d.domain);
  const claims = new Map<string, Claim>();
  const keys = candidates.map((d) => ({ domain: normalizeDomain(d.domainName), expiryMs: d.expiresAtMs }));
  for (const c of await deps.ledger.getClaims(keys)) claims.set(claimKey(c.domain, c.expiryMs), c);
  const live = renewalsInFlight(open);
  const inFlight = new Map<string, InFlightView>();
  for (const d of candidates) {
    const key = claimKey(d.domainName, d.expiresAtMs);
    const view = viewOf(d.expiresAtMs, claims.get(key), live.get(normalizeDomain(d.domainName)));
    if (view) inFlight.set(key, view);
  }
  return inFlight.size === 0 ? draft : planRenewals({ domains, policy, inFlight, nowMs });
}
