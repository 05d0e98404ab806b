import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * Review 2026-12-07, twenty-ninth session. The same partial answer as finished-without-row-lagging.test.ts (a task queued 23 h, its details never list the domain, the expiry
 * look-up and the listing lag after it ran), followed through: the stuck line check sends an hour after the task ran
 * says "look in the console, then close the batch (autorenew close-batch) so the next renew run buys it". The person
 * does exactly that; close-batch reads the task (finished, no row) and releases the claim; the renew run a day later
 * (the listing still shows the old expiry, the task created 2 days before, so no longer held as someone else's)
 * buys the same expiry again: M1, real money.
 */
describe('following check\'s "finished without a row" advice while the expiry lags', () => {
  test('the domain our task renewed is not bought a second time', async () => {
    // The fake executes an order at a stale CurrentExpirationDate (whether Alibaba does is UNCONFIRMED), so a
    // second purchase shows as a second year.
    const t = await given({ domains: ['b.com+22d'], rejectStaleExpiry: false });
    t.registrar.faults.queueMs = () => 23 * 3_600_000;
    t.registrar.faults.expiryLagMs = () => 40 * 3_600_000;
    const short = hidingDetailRows(t.registrar, 'b.com');
    const before = t.expiry('b.com') as number;
    await t.renew({ deps: { registrar: short } });
    const advice = 'close the batch (autorenew close-batch) so the next renew run buys it';
    for (let h = 1; h <= 100; h++) {
      t.advance('1h');
      t.notifier.sent.length = 0;
      await t.check({ deps: { registrar: short } });
      const told = t.notifier.sent.some((m) =>
        m.email.split('\n').some((l) => l.includes('b.com') && l.includes(advice)),
      );
      if (told) {
        // The person does as told: looks (the console shows the old expiry, as the API does), then closes the batch.
        const [open] = await t.ledger.listOpenBatches();
        if (open) await closeBatchByHand(t.ledger, open.batchId, 'as the alert said', t.clock.now(), true, short);
      }
      if (h % 24 === 2) await t.renew({ deps: { registrar: short } });
    }
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    expect(((t.expiry('b.com') as number) - before) / 86_400_000).toBeLessThan(400);
  });
});

describe('closing the batch by hand while the task has only just run without a row (not what the line says)', () => {
  test('close-batch refuses until 2 days after check first saw the task run; nothing is bought twice', async () => {
    const t = await given({ domains: ['b.com+22d'], rejectStaleExpiry: false });
    t.registrar.faults.queueMs = () => 23 * 3_600_000;
    t.registrar.faults.expiryLagMs = () => 40 * 3_600_000;
    const short = hidingDetailRows(t.registrar, 'b.com');
    await t.renew({ deps: { registrar: short } });
    const refused: string[] = [];
    for (let h = 1; h <= 100; h++) {
      t.advance('1h');
      t.notifier.sent.length = 0;
      await t.check({ deps: { registrar: short } });
      // The person closes as soon as any stuck line names b.com, its "wait" notwithstanding.
      const named = t.notifier.sent.some((m) =>
        m.digest?.outcomes.some((o) => o.domain === 'b.com' && o.event === 'stuck'),
      );
      const [open] = await t.ledger.listOpenBatches();
      if (named && open) {
        await closeBatchByHand(t.ledger, open.batchId, 'looked stuck', t.clock.now(), true, short).catch((err: Error) =>
          refused.push(err.message),
        );
      }
      if (h % 24 === 2) await t.renew({ deps: { registrar: short } });
    }
    expect(
      refused.some((m) => /finished without a row for b\.com, and the check job first found it finished/.test(m)),
    ).toBe(true);
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
  });
});
