import { computeTimeMarginMs } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';

/**
 * The renew run checks its time margin (the paid call's worst case + 30 s of ledger writes) only when it starts a
 * batch. The ledger work between that check and the paid call (the batch's budget take, the holds and peer-claims
 * reads, the submit-start write) is not counted: on a slow ledger (DynamoDB throttled: 16 s a write at worst, the
 * figure createNoTimeToRetry uses) it eats the margin, the paid call starts with seconds left, and the function is
 * killed while it writes the TaskNo: the TaskNo reaches neither the batch nor the claims (M2), nor the digest.
 */
describe('the time margin holds at the paid call, not only at the batch start', () => {
  test('a slow ledger before the send: no paid call the run cannot record', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    const margin = computeTimeMarginMs(t.registrar.worstCaseCallMs); // 31 s on the memory registrar
    const deadline = t.clock.now() + margin + 2_000; // the batch start passes the margin check
    let slow = false;
    let killed = false;
    const paidCallLeftMs: number[] = [];
    t.ledger.faults.before = (op) => {
      if (killed) throw new Error('function killed (test)');
      if (op === 'takeBudget') slow = true; // planning is over: the ledger turns slow (throttled)
      if (!slow) return;
      t.advance(9_000); // one slow write or read
      if (t.clock.now() > deadline) {
        killed = true; // Lambda froze the function: this write never lands, nothing after it runs
        throw new Error('function killed (test)');
      }
    };
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') paidCallLeftMs.push(deadline - t.clock.now());
    };
    await t.renew({ deps: { remainingMs: () => deadline - t.clock.now() } }).catch(() => undefined);
    t.ledger.faults.before = undefined;
    const taskNo = t.registrar.submissions()[0]?.taskNo;
    const batches = await t.ledger.listRecentBatches(10);
    const claims = await t.ledger.listClaimsForDomain('a.com');
    const recorded = batches.some((b) => b.taskNo === taskNo) || claims.some((c) => c.taskNo === taskNo);
    // Either no paid call, or one made with its margin left and its TaskNo on record.
    expect({ paidCallLeftMs, taskNoRecorded: taskNo === undefined || recorded }).toEqual({
      paidCallLeftMs: paidCallLeftMs.filter((left) => left >= margin),
      taskNoRecorded: true,
    });
  });
});
