import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';

/**
 * Renew writes each batch's TaskNo while it sends the next (lib/renewal/run-renew.ts): whatever way the run ends,
 * it never returns, or throws, while one of those writes is still in flight (a function is frozen once it returns).
 */

/** Lets the event loop turn `n` times: a ledger write that is slow but does land. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the TaskNo written while the next batch is sent', () => {
  test('a budget failure after a sent batch ends the run only once that batch TaskNo is written', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'], policy: { limits: { maxBatchSize: 1 } } });
    const ledger = Object.create(t.ledger) as Ledger;
    ledger.saveBatch = async (batch) => {
      if (batch.status === 'SUBMITTED') await turns(20);
      return t.ledger.saveBatch(batch);
    };
    // The second batch's budget (taken while the first is sent) fails.
    let takes = 0;
    ledger.takeBudget = async (request) => {
      if (++takes > 1) throw new Error('DynamoDB unavailable (test)');
      return t.ledger.takeBudget(request);
    };
    const run = await t.renew({ deps: { ledger } });
    expect(run.summary.errors).toBe(1);
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy, h.detail])).toEqual([
      ['b.com', 'not-sent', 'DynamoDB unavailable (test)'],
    ]);
    const [task] = t.registrar.tasks;
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
    const batches = await t.ledger.listRecentBatches(10);
    expect(batches.find((b) => b.taskNo === task?.taskNo)).toMatchObject({ status: 'SUBMITTED' });
  });
});
