import { toBudgetKey } from '../../lib/ledger/items';
import { DOMAIN_BUDGET, spendBudgetName } from '../../lib/renewal/budgets';
import { type Given, given } from '../helpers/builder';

/**
 * Thirty-first session's open list (M4). A batch takes its budgets in the UTC day of its take, right before it is
 * claimed and sent; the ledger work between the take and the paid call (the holds and the other accounts' claims
 * read, the submit start) can cross UTC midnight, and the batch was then bought on the new day on the old day's
 * counters: with the new day's cap already used (a CLI run, a late delivery), one UTC day bought a batch past its
 * cap. Now a batch whose UTC day or month moved before its submit start takes the new periods' budgets in place,
 * keeping its prepared batch and claims, and gives the old ones back; when the new day has no room for all of it,
 * it is given back unsent and named held back by that budget, and the run goes on as a budget cut does.
 */
const DAY1 = '2026-11-29';
const DAY2 = '2026-11-30';

function used(t: Given, name: string, day: string): number {
  const value = t.ledger.store.get(toBudgetKey(name, day))?.used;
  return typeof value === 'number' ? value : 0;
}

/** The clock crosses UTC midnight right after the batch's budget take (during the reads before its paid call). */
function crossMidnightAfterTake(t: Given): void {
  let took = false;
  let crossed = false;
  t.ledger.faults.before = (op) => {
    if (op === 'takeBudget') took = true;
    else if (took && !crossed) {
      crossed = true;
      t.advance('2s');
    }
  };
}

describe('a batch whose budget was taken before UTC midnight and sent after it', () => {
  test("counts on the new day: the old day's take is given back", async () => {
    const t = await given({
      domains: ['a.com+5d'],
      now: '2026-11-29T23:59:59Z',
      policy: { limits: { maxDomainsPerRun: 1 } },
    });
    crossMidnightAfterTake(t);
    await t.renew();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
    expect([used(t, DOMAIN_BUDGET, DAY1), used(t, DOMAIN_BUDGET, DAY2)]).toEqual([0, 1]);
  });

  test("is not bought past the new day's count: given back unsent and named", async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d'],
      now: '2026-11-29T23:59:59Z',
      policy: { limits: { maxDomainsPerRun: 2, maxBatchSize: 1 } },
    });
    // The new day's two domains are bought already (a CLI run after midnight, or a late delivery).
    await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: DAY2, amount: 2, cap: 2, nowMs: t.clock.now() });
    crossMidnightAfterTake(t);
    const run = await t.renew();
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.heldBack.map((h) => `${h.decision.domain.domainName}:${h.limitedBy}`)).toEqual([
      'a.com:day-count',
      'b.com:day-count',
    ]);
    expect([used(t, DOMAIN_BUDGET, DAY1), used(t, DOMAIN_BUDGET, DAY2)]).toEqual([0, 2]);
    // Its claims were given back: the next day's run buys them.
    t.advance('1d');
    t.ledger.faults.before = undefined;
    await t.renew();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com', 'b.com']);
  });

  test("is not bought past the new day's spending cap", async () => {
    const t = await given({
      domains: ['a.com+5d'],
      now: '2026-11-29T23:59:59Z',
      policy: { limits: { maxSpendPerRun: '100.00' } },
    });
    // 50.00 of the new day's 100.00 is spent: a.com (69.00 by default) does not fit.
    await t.ledger.takeBudget({ name: spendBudgetName('CNY'), period: DAY2, amount: 5_000, cap: 10_000, nowMs: 0 });
    crossMidnightAfterTake(t);
    const run = await t.renew();
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.heldBack.map((h) => `${h.decision.domain.domainName}:${h.limitedBy}`)).toEqual(['a.com:day-spend']);
    expect([used(t, spendBudgetName('CNY'), DAY1), used(t, spendBudgetName('CNY'), DAY2)]).toEqual([0, 5_000]);
  });

  test('a count with room for part of it stops the run: no later expiry is bought with that room', async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+20d'],
      now: '2026-11-29T23:59:59Z',
      policy: { limits: { maxDomainsPerRun: 3, maxBatchSize: 2 } },
    });
    // The new day has room for one domain: not for the first batch (a.com, b.com) whole.
    await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: DAY2, amount: 2, cap: 3, nowMs: t.clock.now() });
    crossMidnightAfterTake(t);
    const run = await t.renew();
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.heldBack.map((h) => `${h.decision.domain.domainName}:${h.limitedBy}`)).toEqual([
      'a.com:day-count',
      'b.com:day-count',
      'c.com:day-count',
    ]);
    expect([used(t, DOMAIN_BUDGET, DAY1), used(t, DOMAIN_BUDGET, DAY2)]).toEqual([0, 2]);
  });
});
