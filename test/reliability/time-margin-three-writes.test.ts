import { computeTimeMarginMs, LEDGER_WRITE_WORST_CASE_MS } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (thirty-first session). The renew job checked its time margin (the paid call's worst case + 30 s) right before the
 * submit-start write. What follows that check is: the submit-start write, the paid call, the TaskNo write onto the
 * batch, and (when that fails) the TaskNo written onto the claims. With each write at its own stated worst case
 * (LEDGER_WRITE_WORST_CASE_MS, 16 s: the AWS client's three 5 s tries; a throttled table), the submit-start write and
 * the paid call leave 30 - 16 = 14 s: less than one TaskNo write. In the deployed function (900 s, worst call 170 s,
 * margin 200 s) a run that passes the check with 200 s left is killed inside the TaskNo write: no TaskNo on the
 * batch, none on the claims, no ERROR line, no TaskNoNotRecorded metric (M2); check then finds only an UNKNOWN.
 */
describe('the time margin leaves the TaskNo write room after a slow submit start and a slow paid call', () => {
  test('every ledger write at its stated worst case: a paid call is made only when its TaskNo can be recorded', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    const margin = computeTimeMarginMs(t.registrar.worstCaseCallMs);
    let deadline = Number.POSITIVE_INFINITY;
    let killed = false;
    let sending = false;
    t.ledger.faults.before = (op) => {
      if (killed) throw new Error('function killed (test)');
      // Planning is over: the run passed its margin check with 1 s to spare (the deployed function: 201 s left).
      if (op === 'takeBudget' && deadline === Number.POSITIVE_INFINITY) deadline = t.clock.now() + margin + 1_000;
      if (op !== 'saveBatch' || !sending) return;
      t.advance(LEDGER_WRITE_WORST_CASE_MS); // a write that lands on its third try (throttled table)
      if (t.clock.now() > deadline) {
        killed = true; // Lambda stopped the function: this write never lands, nothing after it runs
        throw new Error('function killed (test)');
      }
    };
    const realSave = t.ledger.saveBatch.bind(t.ledger);
    t.ledger.saveBatch = async (batch) => {
      // From the submit-start write on (the write that carries submitStartedAtMs), writes are slow.
      if (batch.submitStartedAtMs !== undefined) sending = true;
      return realSave(batch);
    };
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') t.advance(t.registrar.worstCaseCallMs ?? 0); // the paid call at its worst case
    };
    await t.renew({ deps: { remainingMs: () => deadline - t.clock.now() } }).catch(() => undefined);
    t.ledger.faults.before = undefined;
    killed = false;
    const taskNo = t.registrar.submissions()[0]?.taskNo;
    const batches = await t.ledger.listRecentBatches(10);
    const claims = await t.ledger.listClaimsForDomain('a.com');
    const recorded = batches.some((b) => b.taskNo === taskNo) || claims.some((c) => c.taskNo === taskNo);
    // Either no paid call (the batch goes to the next run, named `time`), or its TaskNo on record.
    expect({ paid: taskNo !== undefined, taskNoRecorded: taskNo === undefined || recorded }).toEqual({
      paid: taskNo !== undefined,
      taskNoRecorded: true,
    });
  });
});
