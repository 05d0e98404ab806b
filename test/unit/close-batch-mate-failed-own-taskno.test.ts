import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * 420ce5a made close-batch refuse a batch whose TaskNo "the ledger knows as an earlier attempt's or another batch's"
 * (known-tasks.ts readKnownElsewhere). That set holds the previousTaskNos of the batch's OWN claims, and check's
 * `fail` transition (claims.ts) files the task a row failed in there (asPrevious). So in a batch of two where one
 * domain's row failed (recorded) and the other's is left open, the batch's own, genuine TaskNo (a 2xx answer's) was
 * "misnamed": close-batch with its task check refused for good, although the task list showed the task finished, and
 * check never settles the open entry (review 2026-12-07, twenty-sixth session, of that day's fix). Only a batch not
 * SUBMITTED (its TaskNo an error answer's) is checked so now.
 */
describe('close-batch on a batch whose batch-mate failed in its own task', () => {
  test("the batch's own TaskNo, found in the failed mate's claim, does not block the close", async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+11d'] });
    // a.com's row fails at the registrar; b.com's detail row never shows and its expiry never moves.
    t.registrar.faults.failDomain = (d) =>
      d === 'a.com' ? 'InternalError: order failed' : d === 'b.com' ? 'cancelled' : undefined;
    await t.renew();
    const [batch] = await t.ledger.listOpenBatches();
    expect(batch?.taskNo).toBeDefined();
    t.advance('5m');
    const run = async () => t.check({ deps: { registrar: hidingDetailRows(t.registrar, 'b.com') } });
    await run();
    t.advance('25h');
    await run();
    const [open] = await t.ledger.listOpenBatches();
    expect(open?.batchId).toBe(batch?.batchId);
    // a.com's failure is recorded under the batch's own task; b.com is left open.
    expect(open?.entries.map((e) => [e.domain, e.outcome ?? 'open'])).toEqual([
      ['a.com', 'FAILED'],
      ['b.com', 'open'],
    ]);
    expect((await t.ledger.listClaimsForDomain('a.com'))[0]).toMatchObject({
      status: 'FAILED',
      previousTaskNos: [batch?.taskNo],
    });

    const said = await closeBatchByHand(
      t.ledger,
      open?.batchId as string,
      'order cancelled in the console',
      t.clock.now(),
      true,
      t.registrar,
    ).then(
      (r) => `closed: ${r.unsettled.map((u) => `${u.entry.domain} ${u.action}`).join(', ')}`,
      (err: Error) => `refused: ${err.message}`,
    );
    expect(said).toBe('closed: b.com released');
  });
});
