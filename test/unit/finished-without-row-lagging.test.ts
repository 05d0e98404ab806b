import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * Review 2026-12-07, twenty-ninth session. Our task waits ~23 h in Alibaba's queue, then runs and renews both domains; its details never list b.com (rows
 * missing) and the expiry look-up lags a few hours after the task ran (the lag reconcile already allows for:
 * JUST_RENEWED_MS). At the first stuck-old check the task list shows the task finished, b.com has no row and reads
 * unchanged: check writes FINISHED_WITHOUT_ROW ("nothing shows it was bought ... or renew it by hand") and pages it
 * as the stuck line, an hour after the task ran. A person who follows it buys the expiry a second time: the
 * next check confirms b.com renewed by our own task. Now that line waits two days from when check first saw the task
 * run (FINISHED_WITHOUT_ROW_RECENTLY says to wait), and close-batch refuses such an entry until then.
 */
describe('a finished task without a row for a domain whose expiry still lags', () => {
  test('nobody is told to renew by hand a domain our task renewed an hour ago', async () => {
    const t = await given({ domains: ['a.com+20d', 'b.com+22d'] });
    t.registrar.faults.queueMs = () => 23 * 3_600_000;
    t.registrar.faults.expiryLagMs = () => 6 * 3_600_000;
    const short = hidingDetailRows(t.registrar, 'b.com');
    const bOld = t.expiry('b.com') as number;
    await t.renew();
    const told: string[] = [];
    const take = () => {
      for (const m of t.notifier.sent) told.push(m.email);
      t.notifier.sent.length = 0;
    };
    // Hourly checks for a day and a half.
    for (let h = 0; h < 36; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: short } });
      take();
    }
    // Our task did renew b.com: the registrar shows old + 1 year, and check confirmed it.
    expect(t.expiry('b.com')).toBeGreaterThan(bOld + 300 * 86_400_000);
    const [b] = await t.ledger.listClaimsForDomain('b.com');
    expect(b?.status).toBe('RENEWED');
    // Yet before that, someone was told to renew it by hand.
    const byHand = told.flatMap((e) => e.split('\n')).filter((l) => l.includes('b.com') && /by hand/.test(l));
    expect(byHand).toEqual([]);
  });
});
