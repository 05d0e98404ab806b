import { LedgerError } from '../../lib/errors';
import { LEDGER_WRITE_WORST_CASE_MS } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (thirty-first session) of that session's fixes. createNoTimeToRetry (time-margin.ts) allows another TaskNo try while three slow ledger calls' time is left: one
 * for the try and two for the claims fallback (getClaims, then saveClaim). retryWithBackoff checks it BEFORE its
 * backoff sleep (up to capMs, 5 s), and that sleep is not counted: a failed try with 48.5 s left sleeps 1.6-3.2 s
 * (the fifth backoff), tries again (16 s), fails, and leaves the fallback under two calls' time: killed inside the
 * claims write, the TaskNo on neither the batch nor the claims.
 */
describe('the TaskNo write retried near the deadline', () => {
  test('its backoff sleep still leaves the claims fallback its two calls', async () => {
    const t = await given({ domains: ['a.com+5d'] });
    let deadline = Number.POSITIVE_INFINITY;
    let killed = false;
    let sending = false;
    let taskNoTries = 0;
    t.ledger.faults.before = (op) => {
      if (killed) throw new Error('function killed (test)');
      if (!sending) return;
      if (op !== 'saveBatch' && op !== 'getClaims' && op !== 'saveClaim') return;
      t.advance(LEDGER_WRITE_WORST_CASE_MS); // each call at its slowest (a throttled table)
      if (t.clock.now() > deadline) {
        killed = true;
        throw new Error('function killed (test)');
      }
      if (op === 'saveBatch' && taskNoTries > 0) {
        // The fifth try fails with 48.5 s left: one more is allowed (three calls' time is 48 s).
        if (taskNoTries === 5) deadline = t.clock.now() + 48_500;
        throw new LedgerError('ledger saveBatch failed (throttled)');
      }
    };
    const realSave = t.ledger.saveBatch.bind(t.ledger);
    t.ledger.saveBatch = async (batch) => {
      if (batch.submitStartedAtMs !== undefined) sending = true;
      if (batch.taskNo !== undefined) taskNoTries += 1;
      return realSave(batch);
    };
    const sleep = async (ms: number) => {
      t.advance(ms); // a backoff takes its time
    };
    await t.renew({ deps: { remainingMs: () => deadline - t.clock.now(), sleep } }).catch(() => undefined);
    t.ledger.faults.before = undefined;
    killed = false;
    const taskNo = t.registrar.submissions()[0]?.taskNo;
    expect(taskNo).toBeDefined();
    const claims = await t.ledger.listClaimsForDomain('a.com');
    expect(taskNoTries).toBeGreaterThanOrEqual(5);
    expect(claims.some((c) => c.taskNo === taskNo)).toBe(true);
  });
});
