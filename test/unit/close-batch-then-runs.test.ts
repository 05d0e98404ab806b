import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';

// Review 2026-12-05, round 4, helper H (operator races): a batch closed by hand without the task check while its task still waits in the queue.
// README: "a batch a person closed by hand counts as not ours" — while the task is queued the next run holds the
// domain (renewing-elsewhere; close-batch.test.ts). Once the task runs, while the listing still shows the old expiry
// (the lag every other guard in foreign-tasks.ts is built for), the closed batch's TaskNo sits on the released
// claim as previousTaskNos, so the task's success row counts as "own" and never as renewed-elsewhere; the claim
// itself is FAILED not-submitted, claimable at once: the domain is bought a second time.
describe('close-batch --no-task-check on a queued task that then runs', () => {
  test('the task renews the domain; a run while the listing lags does not buy it again', async () => {
    const t = await given({ domains: ['a.com+10d'], rejectStaleExpiry: false });
    const before = t.expiry('a.com') as number;
    t.registrar.faults.queueMs = () => 3 * 86_400_000;
    await t.renew();
    const [open] = await t.ledger.listOpenBatches();
    t.advance('25h');
    // The person misread the console, closes without the task read (`--no-task-check`: no TaskReader).
    await closeBatchByHand(t.ledger, open?.batchId as string, 'looked stuck', t.clock.now(), true);
    // The next daily run sees the queued task as someone else's and holds the domain (handled).
    const held = await t.renew();
    expect(held.summary.submitted).toBe(0);
    await t.check(); // sends the resolved notice; the closed batch leaves the open index
    // The queued task runs; the listing shows the old expiry for a day after (a lagging listing).
    t.registrar.faults.expiryLagMs = () => 86_400_000;
    t.advance('2d');
    await t.check();
    t.advance('2h');
    const again = await t.renew();
    const decision = again.plan.decisions.find((d) => d.domain.domainName === 'a.com');
    expect({ submitted: again.summary.submitted, reason: decision?.reason }).toEqual({
      submitted: 0,
      reason: expect.stringMatching(/elsewhere|in-flight/),
    });
    t.advance('2h');
    await t.renew();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
    // One year bought, not two (the fake executes a stale CurrentExpirationDate: UNCONFIRMED whether Alibaba does).
    expect(((t.expiry('a.com') as number) - before) / 86_400_000).toBeLessThan(400);
  });
});
