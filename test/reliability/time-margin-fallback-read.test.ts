import { LedgerError } from '../../lib/errors';
import { computeTimeMarginMs, LEDGER_WRITE_WORST_CASE_MS } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (thirty-first session) of its time-margin fix: the margin was the paid call's worst case plus three ledger writes (48 s):
 * "the submit start before it, the TaskNo on the batch after it and, when that fails, the TaskNo onto the claims"
 * (time-margin.ts). But the fallback (submit-batch.ts recordTaskNo -> claims.ts applyToClaims) is not one write: it
 * reads the batch's claims first (getClaims), then writes each. With every ledger call at its stated worst case
 * (a throttled table: reads throttle too), the fallback needs two calls where the margin keeps one: a run that
 * passed the check with the margin left is killed inside the claims write, and the TaskNo is on neither the batch
 * nor the claims (check is left an UNKNOWN batch to search the registrar for).
 */
describe('the TaskNo fallback onto the claims fits in the margin', () => {
  test('the TaskNo write on the batch fails slowly: its claims still get the TaskNo before the deadline', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    const margin = computeTimeMarginMs(t.registrar.worstCaseCallMs);
    let deadline = Number.POSITIVE_INFINITY;
    let killed = false;
    let sending = false;
    let taskNoWrite = false;
    t.ledger.faults.before = (op) => {
      if (killed) throw new Error('function killed (test)');
      if (op === 'takeBudget' && deadline === Number.POSITIVE_INFINITY) deadline = t.clock.now() + margin + 1_000;
      if (!sending) return;
      if (op !== 'saveBatch' && op !== 'getClaims' && op !== 'saveClaim') return;
      t.advance(LEDGER_WRITE_WORST_CASE_MS); // each call at its slowest (a throttled table)
      if (t.clock.now() > deadline) {
        killed = true;
        throw new Error('function killed (test)');
      }
      if (op === 'saveBatch' && taskNoWrite) throw new LedgerError('ledger saveBatch failed (throttled)');
    };
    const realSave = t.ledger.saveBatch.bind(t.ledger);
    t.ledger.saveBatch = async (batch) => {
      if (batch.submitStartedAtMs !== undefined) sending = true;
      if (batch.taskNo !== undefined) taskNoWrite = true; // the TaskNo write onto the batch: it fails
      return realSave(batch);
    };
    t.registrar.faults.before = (op) => {
      if (op === 'submitRenewBatch') t.advance(t.registrar.worstCaseCallMs ?? 0);
    };
    await t.renew({ deps: { remainingMs: () => deadline - t.clock.now() } }).catch(() => undefined);
    t.ledger.faults.before = undefined;
    killed = false;
    const taskNo = t.registrar.submissions()[0]?.taskNo;
    const batches = await t.ledger.listRecentBatches(10);
    const claims = await t.ledger.listClaimsForDomain('a.com');
    const recorded = batches.some((b) => b.taskNo === taskNo) || claims.some((c) => c.taskNo === taskNo);
    expect({ paid: taskNo !== undefined, taskNoRecorded: taskNo === undefined || recorded }).toEqual({
      paid: taskNo !== undefined,
      taskNoRecorded: true,
    });
  });
});
