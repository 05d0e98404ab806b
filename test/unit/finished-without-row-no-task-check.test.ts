import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * Review 2026-12-07, twenty-ninth session (of fe6bf09). Our task waits 23 h in the queue, runs and renews b.com; its details never list b.com, and the new expiry shows 20 h
 * after the run (inside the 2 days the fix waits for). At the first stuck line (24 h after the submit, "wait") a
 * person closes the batch with --no-task-check (the refusal they would get names it as the way to close without the
 * read). Before fe6bf09 the closed batch's task was "not ours" (no ran-task mark), read short and made within 2 days:
 * the renew run held every due domain (`elsewhere-unread`) until the expiry showed. Now check has put the ran-task
 * mark at that first sight: the task is "ours", exempt from the short-read hold, judgeOursWithoutSuccess looks only
 * at claims read *differently* from the listing, and the released claim at the exact listed key is claimable at once:
 * the next renew run buys b.com a second time (M1), an hour after the close.
 * Now the wait has a mark of its own (finished-task), and the ran-task mark is put as before.
 */
describe('a batch closed with --no-task-check during the new 2-day wait', () => {
  test('the renew runs while the expiry still lags do not buy the domain our task renewed', async () => {
    const t = await given({ domains: ['b.com+22d'], rejectStaleExpiry: false });
    t.registrar.faults.queueMs = () => 23 * 3_600_000;
    t.registrar.faults.expiryLagMs = () => 20 * 3_600_000;
    const short = hidingDetailRows(t.registrar, 'b.com');
    const before = t.expiry('b.com') as number;
    await t.renew({ deps: { registrar: short } });
    let closedAtH: number | undefined;
    for (let h = 1; h <= 72; h++) {
      t.advance('1h');
      t.notifier.sent.length = 0;
      await t.check({ deps: { registrar: short } });
      // The first stuck line for b.com (now: "finished without a row ... so wait").
      const waitLine = t.notifier.sent.some((m) =>
        m.digest?.outcomes.some((o) => o.domain === 'b.com' && o.event === 'stuck'),
      );
      const [open] = await t.ledger.listOpenBatches();
      if (waitLine && open && closedAtH === undefined) {
        // --no-task-check: no registrar passed.
        await closeBatchByHand(t.ledger, open.batchId, 'console shows the old expiry', t.clock.now(), true);
        closedAtH = h;
      }
      if (closedAtH !== undefined) await t.renew({ deps: { registrar: short } });
    }
    expect(closedAtH).toBeDefined();
    expect({
      submissions: t.registrar.submissions().map((s) => s.domainName),
      years: Math.round(((t.expiry('b.com') as number) - before) / 86_400_000 / 365),
    }).toEqual({ submissions: ['b.com'], years: 1 });
  });
});
