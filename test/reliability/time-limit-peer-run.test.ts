import type { Claim } from '../../lib/ledger/port';
import { computeTimeMarginMs } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';

/**
 * A batch given back unsent at the second time check (TimeLimitError, run-renew.ts) drops from heldBack the domains
 * another account's overlapping run claimed (claimedByPeer), as it drops held ones. Every other way a batch ends
 * (sent, refused, failed before its paid call) names those `peer-run`, "so a domain neither bought is not left to
 * lapse in silence": when both runs read after both wrote, both leave it, and each run's digest is the only place
 * it is named. Cut for time, this run names it nowhere.
 */
describe('a batch cut for time at its paid call still names what it left to a peer run', () => {
  test('the peer-claimed domain is named peer-run, the rest time', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+5d'] });
    const margin = computeTimeMarginMs(t.registrar.worstCaseCallMs);
    const deadline = t.clock.now() + margin + 2_000; // the batch start passes the margin check
    let sending = false;
    t.ledger.faults.before = (op) => {
      if (op === 'takeBudget' && !sending) {
        sending = true; // planning is over
        t.advance(5_000); // a slow budget take: past the margin before the submit start
      }
    };
    const peerClaim = (domain: string, expiryMs: number): Claim => ({
      domain,
      expiryMs,
      status: 'CLAIMED' as Claim['status'],
      batchId: 'peer-batch',
      attemptId: 'peer-run/peer-batch',
      attempts: 0,
      years: 1,
      claimedAtMs: t.clock.now(),
      updatedAtMs: t.clock.now(),
      version: 1,
    });
    const run = await t.renew({
      deps: {
        remainingMs: () => deadline - t.clock.now(),
        // The other account's run claims a.com after this run planned (both plan before either claims).
        peerClaims: async (keys) =>
          sending ? keys.filter((k) => k.domain === 'a.com').map((k) => peerClaim(k.domain, k.expiryMs)) : [],
      },
    });
    expect(t.registrar.submissions()).toHaveLength(0);
    const named = run.heldBack.map((h) => `${h.decision.domain.domainName}:${h.limitedBy}`).sort();
    expect(named).toEqual(['a.com:peer-run', 'b.com:time']);
  });
});
