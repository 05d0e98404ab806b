import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * A domain held until unhold was still announced, while not yet due, as "to be bought from <date>; to stop it:
 * autorenew hold a.com": the hold was checked only once it was due. It also started a notice period and counted in
 * the money to top up (review 2026-12-07, twenty-fifth session).
 */
describe('a hold set before the notice', () => {
  test('a held domain not yet due is not announced; once unheld it is', async () => {
    const t = await given({ domains: ['a.com+33d', 'b.com+33d'], policy: { notify: { advanceDays: 7 } } });
    await t.ledger.putHolds([{ domain: 'a.com', reason: 'selling it', createdAtMs: t.clock.now() }]);
    const upcoming = () =>
      t.notifier.sent
        .flatMap((m) => m.digest?.outcomes.filter((o) => o.event === 'upcoming') ?? [])
        .map((o) => o.domain);
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'h1' });
    expect(upcoming()).toEqual(['b.com']);

    await t.ledger.deleteHold('a.com');
    t.advance('1d');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'h2' });
    expect(upcoming()).toEqual(['b.com', 'a.com']);
  });
});
