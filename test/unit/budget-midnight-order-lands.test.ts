import { utcDay, utcMonth } from '../../lib/renewal/budgets';
import { type Given, given } from '../helpers/builder';

/**
 * Review 2026-12-08, thirty-second session (the cap soak; M4, judged by the registrar's clock). A batch's budgets are taken in the UTC day and month of its take,
 * and taken again in the new periods when these turned before its submit start (submit-batch.ts sendEntries ->
 * takeInNewPeriods). After that re-check come the submit-start write, the shared QPS limiter and the paid call's
 * own retries: lib/alibaba/call.ts resends a paid call on a proven refusal ('retryable': throttling, 429), after a
 * backoff or x-acs-retry-after of up to 30 s, five attempts of up to 10 s each (worstCaseCallMs = 170 s). An order
 * that reaches the registrar after UTC midnight (or after a month's end) is counted on the old period's counters,
 * and the new period's own runs then buy their full cap on top of it. docs/design.md names only "the seconds of the
 * submit-start write itself" as left.
 *
 * Here the first paid call reaches the registrar 3 s after it was started (the limiter's wait, or a throttled first
 * attempt); each period's cap is then passed by the one order.
 */
function paidCallLandsLater(t: Given, ms: string): void {
  let crossed = false;
  t.registrar.faults.before = (op) => {
    if (op === 'submitRenewBatch' && !crossed) {
      crossed = true;
      t.advance(ms);
    }
  };
}

/** Domains whose renewal the registrar executed, by the period (UTC day or month) in which the order reached it. */
function orderedBy(t: Given, period: (ms: number) => string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const task of t.registrar.tasks) {
    const p = period(task.createdAtMs);
    out[p] = [...(out[p] ?? []), ...task.request.items.map((i) => i.domainName)];
  }
  return out;
}

describe('a paid call that reaches the registrar after the UTC period turned', () => {
  test('maxDomainsPerRun 1: two domains ordered on 2026-11-30', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      now: '2026-11-29T23:59:58Z',
      policy: { limits: { maxDomainsPerRun: 1, maxBatchSize: 1 } },
    });
    paidCallLandsLater(t, '3s');
    await t.renew(); // the late run: a.com's budget taken on 2026-11-29, its order reaches the registrar at 00:00:01
    t.advance('6h');
    await t.renew(); // 2026-11-30's own run: b.com on 2026-11-30's counter
    expect(orderedBy(t, utcDay)).toEqual({ '2026-11-30': ['a.com'] });
  });

  test('maxSpendPerMonth 100.00: 138.00 ordered in December', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      now: '2026-11-30T23:59:58Z',
      policy: { limits: { maxSpendPerMonth: '100.00', maxBatchSize: 1 } },
    });
    paidCallLandsLater(t, '3s');
    await t.renew(); // a.com (69.00) taken from November's 100.00, ordered on December 1 at 00:00:01
    t.advance('6h');
    await t.renew(); // b.com (69.00) taken from December's 100.00
    expect(orderedBy(t, utcMonth)).toEqual({ '2026-12': ['a.com'] });
  });
});
