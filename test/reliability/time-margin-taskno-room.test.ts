import { LedgerError } from '../../lib/errors';
import { computeTimeMarginMs, LEDGER_WRITE_WORST_CASE_MS } from '../../lib/renewal/time-margin';
import { type Given, given } from '../helpers/builder';

/**
 * Review 2026-12-07 (thirty-first session), the deployed shape. The renew job checks its time margin right before the
 * submit-start write. After that check come the submit-start write, the paid call, the TaskNo write onto the batch
 * and, when that fails, the fallback onto the claims (their read, then their write). The margin was the paid call's
 * worst case plus 30 s: with each ledger call at its stated worst case (LEDGER_WRITE_WORST_CASE_MS, 16 s: the AWS
 * client's three 5 s tries; a throttled table), a run that passed the check with the margin left was killed inside
 * the TaskNo write (M2). Then three writes (48 s): the fallback's read left its write no room (the review of that fix).
 */
async function runAtTheMargin(t: Given, taskNoWriteFails: boolean) {
  const margin = computeTimeMarginMs(t.registrar.worstCaseCallMs);
  let deadline = Number.POSITIVE_INFINITY;
  let killed = false;
  let sending = false;
  let taskNoWrite = false;
  t.ledger.faults.before = (op) => {
    if (killed) throw new Error('function killed (test)');
    // Planning is over: the run passed its margin check with 1 s to spare (the deployed function: the margin + 1 s).
    if (op === 'takeBudget' && deadline === Number.POSITIVE_INFINITY) deadline = t.clock.now() + margin + 1_000;
    if (!sending || (op !== 'saveBatch' && op !== 'getClaims' && op !== 'saveClaim')) return;
    t.advance(LEDGER_WRITE_WORST_CASE_MS); // each call at its slowest
    if (t.clock.now() > deadline) {
      killed = true; // Lambda stopped the function: this call never lands, nothing after it runs
      throw new Error('function killed (test)');
    }
    if (op === 'saveBatch' && taskNoWrite && taskNoWriteFails) throw new LedgerError('saveBatch failed (throttled)');
  };
  const realSave = t.ledger.saveBatch.bind(t.ledger);
  t.ledger.saveBatch = async (batch) => {
    // From the submit-start write on (the write that carries submitStartedAtMs), calls are slow.
    if (batch.submitStartedAtMs !== undefined) sending = true;
    if (batch.taskNo !== undefined) taskNoWrite = true;
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
  return { paid: taskNo !== undefined, taskNoRecorded: taskNo === undefined || recorded };
}

describe('the time margin leaves the TaskNo room after a slow submit start and a slow paid call', () => {
  test.each([
    ['the TaskNo write onto the batch, at its slowest', false],
    ['the TaskNo write fails slowly: the fallback reads and writes the claims', true],
  ])('%s: a paid call is made only when its TaskNo can be recorded', async (_name, fails) => {
    const t = await given({ domains: ['a.com+5d'] });
    const run = await runAtTheMargin(t, fails);
    // Either no paid call (the batch goes to the next run, named `time`), or its TaskNo on record.
    expect(run).toEqual({ paid: run.paid, taskNoRecorded: true });
  });
});
