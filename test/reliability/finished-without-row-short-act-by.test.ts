import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * Round 5. The "wait" for a rowless entry of a finished task is all or nothing (mayExpiryStillShow tests
 * seenMs + 2 days + 1 day < act-by): a domain whose act-by moment is 2-3 days after check first found the task
 * finished gets no wait at all, and is told "close the batch, or renew it by hand" at once, an hour after our queued
 * task ran: the very M1 case the wait was made for (the new expiry shows hours later). A wait until a day before
 * the act-by moment would have covered the lag and still left a day to act.
 */
describe('finished without a row, act-by 2.5 days after the task ran, expiry lagging 6 h', () => {
  test('nobody is told to renew by hand a domain our task renewed an hour ago', async () => {
    const t = await given({ domains: ['b.com+3.5d'] });
    t.registrar.faults.queueMs = () => 23 * 3_600_000;
    t.registrar.faults.expiryLagMs = () => 6 * 3_600_000;
    const short = hidingDetailRows(t.registrar, 'b.com');
    const bOld = t.expiry('b.com') as number;
    await t.renew();
    const told: string[] = [];
    for (let h = 0; h < 36; h++) {
      t.advance('1h');
      t.notifier.sent.length = 0;
      await t.check({ deps: { registrar: short } });
      for (const m of t.notifier.sent) told.push(...m.email.split('\n').map((l) => `${h + 1}h: ${l}`));
    }
    // Our task did renew b.com, and check confirmed it.
    expect(t.expiry('b.com')).toBeGreaterThan(bOld + 300 * 86_400_000);
    const [b] = await t.ledger.listClaimsForDomain('b.com');
    expect(b?.status).toBe('RENEWED');
    // Before that, nobody was told to renew it by hand (or close the batch so the next run buys it).
    const byHand = told.filter((l) => l.includes('b.com') && /by hand|close-batch/.test(l));
    expect(byHand).toEqual([]);
  });
});
