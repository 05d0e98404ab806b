import { executeRenew } from '../../lib/jobs';
import { toBudgetKey } from '../../lib/ledger/items';
import { DOMAIN_BUDGET, spendBudgetName } from '../../lib/renewal/budgets';
import { type Given, given } from '../helpers/builder';

/**
 * Thirty-first session's open list (M4). A batch takes its budgets in the UTC day of its take, right before it is
 * claimed and sent; the ledger work between the take and the paid call (the holds and the other accounts' claims
 * read, the claims) can cross UTC midnight, and the batch was then bought on the new day on the old day's counters:
 * with the new day's caps already used (a CLI run, a late delivery), one UTC day bought a batch past its caps. Now a
 * batch whose UTC day or month turned before its submit start is given back unsent (budgets, claims) and the run
 * stops buying, every batch left named; a re-run takes the new day's budgets. (Taking the budgets again in place, the
 * first fix of this session, bought later expiries with the room of sooner ones and counted the month and the run's
 * global share twice: its review.)
 */
const DAY1 = '2026-11-29';
const DAY2 = '2026-11-30';

function used(t: Given, name: string, day: string): number {
  const value = t.ledger.store.get(toBudgetKey(name, day))?.used;
  return typeof value === 'number' ? value : 0;
}

/** The clock crosses UTC midnight right after the first budget take (during the reads before its paid call). */
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

const named = (run: Pick<Awaited<ReturnType<Given['renew']>>, 'heldBack'>) =>
  run.heldBack.map((h) => `${h.decision.domain.domainName}:${h.limitedBy}`);

describe('a batch whose budget was taken before UTC midnight and that reaches its paid call after it', () => {
  test("is not bought on the old day's counters past the new day's count: nothing is sent, every batch named", async () => {
    const t = await given({
      domains: ['a.com+5d', 'b.com+6d', 'c.com+20d'],
      now: '2026-11-29T23:59:59Z',
      policy: { limits: { maxDomainsPerRun: 3, maxBatchSize: 2 } },
    });
    // The new day has room for one domain only (a CLI run after midnight, or a late delivery, bought two).
    await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: DAY2, amount: 2, cap: 3, nowMs: t.clock.now() });
    crossMidnightAfterTake(t);
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    expect(t.registrar.submissions()).toEqual([]);
    expect(named(run)).toEqual(['a.com:day-turned', 'b.com:day-turned', 'c.com:day-turned']);
    // Both days' counters as before the run: the old take went back, nothing was taken on the new day.
    expect([used(t, DOMAIN_BUDGET, DAY1), used(t, DOMAIN_BUDGET, DAY2)]).toEqual([0, 2]);
    // The digest says why and what to do.
    expect(t.notifier.sent.at(-1)?.email).toMatch(/UTC day turned .*run renew again once the UTC day has turned/);
    // A re-run buys on the new day's budget, soonest first.
    t.ledger.faults.before = undefined;
    const again = await t.renew();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
    expect(named(again)).toEqual(['b.com:day-count', 'c.com:day-count']);
    expect(used(t, DOMAIN_BUDGET, DAY2)).toBe(3);
  });

  test("is not bought past the new day's spending cap either", async () => {
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
    expect(named(run)).toEqual(['a.com:day-turned']);
    expect([used(t, spendBudgetName('CNY'), DAY1), used(t, spendBudgetName('CNY'), DAY2)]).toEqual([0, 5_000]);
  });

  test('a run seconds before midnight sends nothing: its order could reach the registrar after it', async () => {
    // The fake client's worst case is 1 s, the submit-start write's 16 s: 23:59:45 is within both of midnight. The
    // fakes' sleep does not move the clock: as a run whose wait ended before midnight (waitForDayTurn, below).
    const t = await given({ domains: ['a.com+5d'], now: '2026-11-29T23:59:45Z' });
    const run = await t.renew();
    expect(t.registrar.submissions()).toEqual([]);
    expect(named(run)).toEqual(['a.com:day-turned']);
    expect([used(t, DOMAIN_BUDGET, DAY1), used(t, DOMAIN_BUDGET, DAY2)]).toEqual([0, 0]);
  });

  test('a run with time to wait waits for the day to turn, then buys on the new day', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'], now: '2026-11-29T23:59:45Z' });
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      t.advance(ms);
    };
    const run = await t.renew({ deps: { sleep, remainingMs: () => 900_000 } });
    expect(slept).toEqual([16_000]); // to 00:00:01
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com', 'b.com']);
    expect(named(run)).toEqual([]);
    expect([used(t, DOMAIN_BUDGET, DAY1), used(t, DOMAIN_BUDGET, DAY2)]).toEqual([0, 2]);
  });

  test('a run without the time to wait stops buying instead', async () => {
    const t = await given({ domains: ['a.com+5d'], now: '2026-11-29T23:59:45Z' });
    const sleep = async (ms: number) => {
      t.advance(ms);
    };
    // 70 s left: past the 16 s wait, less than the time margin (60 s here) would be left.
    const run = await t.renew({ deps: { sleep, remainingMs: () => 70_000 }, timeMarginMs: 60_000 });
    expect(t.registrar.submissions()).toEqual([]);
    expect(named(run)).toEqual(['a.com:day-turned']);
  });

  test('runs well before and after midnight buy as usual, each on its own day', async () => {
    const t = await given({ domains: ['a.com+5d', 'b.com+6d'], now: '2026-11-29T23:50:00Z' });
    await t.renew({
      deps: {
        registrar: {
          ...t.registrar,
          listDomains: async (q) => (await t.registrar.listDomains(q)).filter((d) => d.domainName === 'a.com'),
        },
      },
    });
    t.advance('15m');
    await t.renew();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com', 'b.com']);
    expect([used(t, DOMAIN_BUDGET, DAY1), used(t, DOMAIN_BUDGET, DAY2)]).toEqual([1, 1]);
  });
});
