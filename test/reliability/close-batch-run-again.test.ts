import { AmbiguousOutcomeError } from '../../lib/errors';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';
import { flakyLedger } from '../helpers/faulty';

// Review 2026-12-07 (thirty-first session), operator commands: `autorenew close-batch` writes the claims first, then the batch. When the batch write
// fails (a throttled PutItem), the claims are released already and the command fails with the ledger's words. The
// person runs it again, as the design says ("run again"), and now reads "no live claim left (settled elsewhere);
// nothing to release" and "close-batch: batch ... closed, 0 renewal(s) released": a report that nothing was released,
// while the close did release the renewal and the next renew run buys the domain (the test shows that purchase).
// One who closed it to look at the domain before a purchase (the help: "hold one first if it must not be bought")
// is told there is nothing left to hold.
describe('close-batch run again after its batch write failed', () => {
  test('the second run reports the renewal the first released as released, not as settled elsewhere', async () => {
    const t = await given({ domains: ['a.com+10d'] });
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') throw new AmbiguousOutcomeError('answer lost (test)');
    };
    await t.renew();
    t.registrar.faults = {};
    const [open] = await t.ledger.listOpenBatches();
    const batchId = open?.batchId as string;
    t.advance('25h');

    // First run: the claim is released, the batch write fails once.
    const flaky = flakyLedger(t.ledger, { saveBatch: [1] });
    await expect(closeBatchByHand(flaky, batchId, 'cancelled in the console', t.clock.now(), true)).rejects.toThrow(
      /saveBatch failed/,
    );
    expect((await t.ledger.listClaimsForDomain('a.com')).map((c) => [c.status, c.code])).toEqual([
      ['FAILED', 'not-submitted'],
    ]);

    // Second run, as told: closes the batch.
    const again = await closeBatchByHand(t.ledger, batchId, 'cancelled in the console', t.clock.now(), true);
    expect(again.batch.status).toBe('CLOSED');
    // What it did buys a.com at the next renew run ...
    const run = await t.renew();
    expect(run.summary.submitted).toBe(1);
    // ... while it reported nothing released (the command prints "0 renewal(s) released").
    expect(again.unsettled.map((u) => [u.entry.domain, u.action])).toEqual([['a.com', 'released']]);
  });
});
