import { executeRenew } from '../../lib/jobs';
import { flakyLedger } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const HOUR = 3_600_000;

/**
 * Review 2026-12-07, twenty-ninth session. A renew run that bought and published its digest, and then could not write its run record (one failed PutItem),
 * goes to reportRunFailure as a run that "failed before it could plan": its alert (an SMS) names the watch list's
 * renewals expiring within two days as urgent will-lapse lines, "renew it by hand if there is none", including
 * the ones this very run just submitted (and its digest, a moment earlier, said so). Now the record's failure is one
 * of the run's failures (logged, JobErrors, the run fails loudly), not a run that failed before its plan.
 */
describe('a renew run whose run record write fails after it bought and reported', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('does not page "will lapse, failed before it could plan" for what it just submitted', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        freezeClock: true,
        fixture: { domains: [{ domainName: 'soon.com', expiresAtMs: NOW + 30 * HOUR }], balance: 10_000 },
      },
    });
    // Both tries of the write fail (it is tried twice).
    const ledger = flakyLedger(world.ledger, { recordRun: [1, 2] });
    await expect(
      executeRenew(world.deps({ ledger }), { policy: world.policy, dryRun: false, runId: 'r1' }),
    ).rejects.toThrow(/run record could not be written/);
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual(['soon.com']);
    const [digest, ...after] = world.notifier.sent;
    expect(digest?.digest?.outcomes.map((o) => [o.domain, o.event])).toEqual([['soon.com', 'submitted']]);
    const lapsing = after.flatMap((m) =>
      (m.digest?.outcomes ?? []).filter((o) => o.domain === 'soon.com' && o.event === 'will-lapse'),
    );
    expect(lapsing.map((o) => o.reason)).toEqual([]);
  });
});
